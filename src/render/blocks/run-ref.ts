// A run as a message names it: its id in code font, linked to its report when a link is known (its /runs/<id> page,
// or the permalink of the message that holds it), and the line every message of a run ends with: where its evidence is.
import { mrkdwnCode } from '../escape.js';

/** url: where the run's report is read; absent, the id stays plain text. */
export interface RunRef {
  id: string;
  url?: string;
}

/** A run id in code font, linked when url is an http(s) URL that cannot break out of Slack's `<url|label>`. */
export function runIdLink(runId: string, url: string | undefined): string {
  const id = mrkdwnCode(runId);
  return url && /^https?:\/\/[^\s|<>]+$/.test(url) ? `<${url}|${id}>` : id;
}

/**
 * `Evidence: run <link|r_…> · in this thread`: one wording for every message that belongs to a run. where: what holds
 * the evidence besides the run's report (the thread the message starts, by default).
 */
export function evidenceLine(run: RunRef | string, where = 'in this thread'): string {
  const ref = typeof run === 'string' ? { id: run } : run;
  return `Evidence: run ${runIdLink(ref.id, ref.url)} · ${where}`;
}
