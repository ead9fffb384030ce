// The GitHub issue of an outage ("Downtime: <env> since <time>", label `downtime`): opened with the outage,
// commented when its alert is acknowledged and once an hour, closed with the duration. Each step is claimed in
// Postgres first (src/uptime/outage.ts), so replicas never double it; a GitHub failure is retried next round.
import type { Deps } from '../deps.js';
import { closeIssue, commentOnIssue, openIssue } from '../github/issues.js';
import { maskSecrets } from '../redact.js';
import { downtimeAcknowledged, downtimeEnded, downtimeIssue, downtimeStill } from '../render/text/uptime.js';
import { claimAcknowledgement, claimHourlyComment, claimIssue, type Outage, setIssue } from '../uptime/outage.js';

export type IssueDeps = Pick<Deps, 'db' | 'github' | 'config' | 'log' | 'runs'>;

const repoOf = (deps: IssueDeps) => (deps.github && deps.config.github.repo) || undefined;

async function attempt(deps: IssueDeps, what: string, outage: Outage, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    deps.log.warn(
      { env: outage.env, outageId: outage.id, reason: maskSecrets(String((error as Error).message)) },
      `downtime issue: ${what} failed`,
    );
  }
}

/** While the outage lasts: its issue opened once, the acknowledgement noted once, a comment each hour. */
export async function followOutage(
  deps: IssueDeps,
  outage: Outage,
  reasons: string[],
  baseUrl: string,
  at: Date,
): Promise<void> {
  const repo = repoOf(deps);
  if (!repo || !deps.github) return;
  const github = deps.github;
  if (!outage.issueNumber) {
    if (!(await claimIssue(deps.db, outage.id, deps.runs.owner, at))) return;
    await attempt(deps, 'open', outage, async () => {
      const issue = downtimeIssue(outage.env, outage.startedAt, reasons, baseUrl);
      const ref = await openIssue(github, repo, issue.title, issue.body, ['downtime']);
      await setIssue(deps.db, outage.id, ref, at);
      deps.log.info({ env: outage.env, issue: ref.number }, 'downtime issue opened');
    });
    return;
  }
  const number = outage.issueNumber;
  const ack = await claimAcknowledgement(deps.db, outage.id);
  if (ack)
    await attempt(deps, 'acknowledged comment', outage, () =>
      commentOnIssue(github, repo, number, downtimeAcknowledged(ack.by, ack.at)),
    );
  if (await claimHourlyComment(deps.db, outage.id, at))
    await attempt(deps, 'hourly comment', outage, () =>
      commentOnIssue(github, repo, number, downtimeStill(outage.startedAt, at, reasons)),
    );
}

/** The outage ended: its issue closed with the duration. */
export async function closeOutageIssue(deps: IssueDeps, outage: Outage): Promise<void> {
  const repo = repoOf(deps);
  if (!repo || !deps.github || !outage.issueNumber || !outage.endedAt) return;
  const github = deps.github;
  const number = outage.issueNumber;
  const ended = outage.endedAt;
  const ack = await claimAcknowledgement(deps.db, outage.id);
  if (ack)
    await attempt(deps, 'acknowledged comment', outage, () =>
      commentOnIssue(github, repo, number, downtimeAcknowledged(ack.by, ack.at)),
    );
  await attempt(deps, 'close', outage, () => closeIssue(github, repo, number, downtimeEnded(outage.startedAt, ended)));
}
