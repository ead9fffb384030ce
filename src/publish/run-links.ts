// Run ids -> the permalink of the message that holds each run's report (its thread holds the evidence): what a run id
// in a message links to. Runs with no stored message, or whose permalink Slack won't give, stay unlinked.
import type { Deps } from '../deps.js';
import type { MessageRef } from '../slack/chat.js';

// A message's permalink never changes: asked once per process (chat.getPermalink), not once per message shown.
const cache = new Map<string, string>();

/** The permalink of a message, cached; undefined when Slack does not give one. */
export async function permalinkOf(deps: Pick<Deps, 'chat'>, ref: MessageRef): Promise<string | undefined> {
  const key = `${ref.channel}:${ref.ts}`;
  if (!cache.has(key)) {
    const url = await deps.chat.permalink(ref);
    if (cache.size >= 10_000) cache.clear();
    if (url) cache.set(key, url);
  }
  return cache.get(key);
}

/** runId -> permalink of its report's message, for the runs that have one. */
export async function runLinks(deps: Pick<Deps, 'chat' | 'db'>, runIds: string[]): Promise<Record<string, string>> {
  if (runIds.length === 0) return {};
  const rows = await deps.db.query<{ id: string; slack_channel: string; slack_ts: string }>(
    `select id, slack_channel, slack_ts from runs
      where id = any($1::text[]) and slack_channel is not null and slack_ts is not null`,
    [runIds],
  );
  const links: Record<string, string> = {};
  for (const row of rows) {
    const url = await permalinkOf(deps, { channel: row.slack_channel, ts: row.slack_ts });
    if (url) links[row.id] = url;
  }
  return links;
}
