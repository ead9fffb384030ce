// Run ids -> where each run's report is read: its /runs/<id> page when report pages are configured (OPSBOT_PUBLIC_URL),
// else the permalink of the message that holds it (its thread holds the evidence). What a run id in a message links
// to; runs with neither a page nor a stored message (or whose permalink Slack won't give) stay unlinked.
import type { Config } from '../config.js';
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

/** The run's report page, when report pages are configured; the message builders take it as the run id's link. */
export function runPageUrl(config: Pick<Config, 'signIn'>, runId: string): string | undefined {
  return config.signIn ? `${config.signIn.publicUrl}/runs/${encodeURIComponent(runId)}` : undefined;
}

/** runId -> its report page, or the permalink of its report's message, for the runs that have one. */
export async function runLinks(
  deps: Pick<Deps, 'chat' | 'db' | 'config'>,
  runIds: string[],
): Promise<Record<string, string>> {
  if (runIds.length === 0) return {};
  if (deps.config.signIn) return Object.fromEntries(runIds.map((id) => [id, runPageUrl(deps.config, id) as string]));
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
