// The GitHub issue of an outage ("Downtime: <env> since <time>", label `downtime`): opened with the outage,
// commented when its alert is acknowledged (at once, from the button) and once an hour, closed with the duration.
// Each step is claimed in Postgres first (src/uptime/outage.ts), so replicas never double it; a GitHub failure is
// retried next round.
import type { Deps } from '../deps.js';
import { closeIssue, commentOnIssue, openIssue } from '../github/issues.js';
import { maskSecrets } from '../redact.js';
import { downtimeAcknowledged, downtimeEnded, downtimeIssue, downtimeStill } from '../render/text/uptime.js';
import {
  claimAcknowledgement,
  claimHourlyComment,
  claimIssue,
  type Outage,
  outageOfAlert,
  releaseAcknowledgement,
  setIssue,
} from '../uptime/outage.js';

export type IssueDeps = Pick<Deps, 'db' | 'github' | 'config' | 'log' | 'runs'>;

const repoOf = (deps: IssueDeps) => (deps.github && deps.config.github.repo) || undefined;

async function attempt(deps: IssueDeps, what: string, outage: Outage, step: () => Promise<void>): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (error) {
    deps.log.warn(
      { env: outage.env, outageId: outage.id, reason: maskSecrets(String((error as Error).message)) },
      `downtime issue: ${what} failed`,
    );
    return false;
  }
}

/**
 * The "acknowledged" comment, once per outage across replicas: claimed in Postgres first, handed back when GitHub
 * did not take it (the next round or acknowledgement tries again).
 */
async function commentAcknowledged(deps: IssueDeps, outage: Outage, repo: string, number: number): Promise<void> {
  const github = deps.github;
  if (!github) return;
  const ack = await claimAcknowledgement(deps.db, outage.id);
  if (!ack) return;
  const sent = await attempt(deps, 'acknowledged comment', outage, () =>
    commentOnIssue(github, repo, number, downtimeAcknowledged(ack.by, ack.at)),
  );
  if (!sent) await releaseAcknowledgement(deps.db, outage.id);
}

/** Right after an acknowledgement: the outage's issue (when the alert is an outage's and it has one) says so now. */
export async function noteAcknowledgement(deps: IssueDeps, alertId: string): Promise<void> {
  const repo = repoOf(deps);
  if (!repo) return;
  const outage = await outageOfAlert(deps.db, alertId);
  if (outage?.issueNumber) await commentAcknowledged(deps, outage, repo, outage.issueNumber);
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
  await commentAcknowledged(deps, outage, repo, number);
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
  await commentAcknowledged(deps, outage, repo, number);
  await attempt(deps, 'close', outage, () => closeIssue(github, repo, number, downtimeEnded(outage.startedAt, ended)));
}
