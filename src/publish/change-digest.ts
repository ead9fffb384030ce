// Takes, stores and posts the week's change-control digest: the message in SLACK_COMPLIANCE_CHANNEL with Reviewed /
// Flag, the CSV in its thread. A second run for the same week updates that message instead of posting another.
import { buildDigest } from '../change-control/digest.js';
import { digestCsv, digestCsvName, sha256 } from '../change-control/export.js';
import { type ChangeDigest, saveDigest, setDigestMessage } from '../change-control/store.js';
import { lastEndedWeek, type Week } from '../change-control/week.js';
import type { Deps } from '../deps.js';
import { createGithubClient } from '../github/client.js';
import { randomId } from '../ids.js';
import type { OperationSpec } from '../operate/spec.js';
import { digestMessage } from '../render/blocks/change-control.js';
import type { MessageRef } from '../slack/chat.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import { publishAfterCommit } from './after-commit.js';

export interface DigestOutcome {
  digest: ChangeDigest;
  /** The week already had a digest: this run updated it. */
  updated: boolean;
  /** The decision the update cleared because the list changed (the audit log keeps who took it). */
  clearedDecision?: string;
  ref?: MessageRef;
  /** The digest is stored, but Slack did not take its message or CSV: what to tell, and where to get it. */
  undelivered?: string;
}

type DigestDeps = Pick<Deps, 'config' | 'github' | 'chat' | 'db' | 'runs' | 'log' | 'now'>;

/** Why a digest cannot be taken with this configuration, for the refusal; undefined when it can. */
export function digestConfigProblem(config: Deps['config']): string | undefined {
  if (!config.github.token) return 'Change control needs `GITHUB_TOKEN` (a token that can read the repositories).';
  if (!config.changeControl.repos.length)
    return 'Change control needs `CHANGE_REPOS`, the repositories to check, e.g. `CHANGE_REPOS=acme/web,acme/api`.';
  return undefined;
}

export async function takeDigest(
  deps: DigestDeps,
  run: { runId: string | null; trigger: RunTrigger; actor?: Actor; week?: Week; fallbackChannel?: string },
): Promise<DigestOutcome> {
  const github = deps.github ?? createGithubClient(deps.config.github, deps.log);
  if (!github) throw new Error('GITHUB_TOKEN is not set');
  const week = run.week ?? lastEndedWeek(deps.now());
  const report = await buildDigest({ github, now: deps.now }, deps.config.changeControl, week);
  const csv = digestCsv(report);
  const { digest, previous } = await saveDigest(deps.db, {
    id: randomId('cc', 10),
    runId: run.runId,
    trigger: run.trigger,
    requestedBy: run.actor?.user ?? null,
    report,
    csv,
    csvSha256: sha256(csv),
    at: deps.now(),
  });
  const clearedDecision = previous?.decision && !digest.decision ? previous.decision : undefined;
  const outcome: DigestOutcome = {
    digest,
    updated: Boolean(previous),
    ...(clearedDecision ? { clearedDecision } : {}),
  };
  const channel = digest.slackChannel ?? deps.config.slack.complianceChannel ?? run.fallbackChannel;
  if (!channel || !deps.config.slack.botToken) {
    deps.log.warn({ digestId: digest.id }, 'SLACK_COMPLIANCE_CHANNEL is not set: the digest is stored but not posted');
    return outcome;
  }
  // The digest is stored: a channel opsbot can't post or upload in is a note on the outcome, not a failed run.
  let ref: MessageRef | undefined;
  const where = `digest \`${digest.id}\` is stored (\`opsbot change-control latest\`)`;
  const undelivered = await publishAfterCommit(deps, { what: 'The digest or its CSV', channel, where }, async () => {
    if (digest.slackChannel && digest.slackTs) {
      ref = { channel: digest.slackChannel, ts: digest.slackTs };
      await deps.chat.update(ref, digestMessage(digest));
    } else {
      ref = await deps.chat.post(channel, digestMessage(digest));
      await setDigestMessage(deps.db, digest.id, ref);
    }
    if (run.runId) await deps.runs.setMessage(run.runId, ref);
    const why = previous
      ? `Updated ${report.week}: ${report.counts.total} merged (was ${previous.report.counts.total}).${clearedDecision ? ' The list changed, so the earlier decision no longer stands; it needs reviewing again.' : ''}`
      : `Every merged pull request of ${report.week}:`;
    await deps.chat.upload(
      channel,
      ref.ts,
      [{ filename: digestCsvName(report.week), content: csv }],
      `${why} \`${digestCsvName(report.week)}\` (sha256 \`${digest.csvSha256}\`).`,
    );
  });
  if (!ref) return { ...outcome, ...(undelivered ? { undelivered } : {}) };
  const posted = { ...digest, slackChannel: ref.channel, slackTs: ref.ts };
  return { ...outcome, digest: posted, ref, ...(undelivered ? { undelivered } : {}) };
}

/** One digest at a time across replicas; `change-control.run` audited once it is posted (or stored). */
export function digestOperation(
  deps: DigestDeps,
  trigger: RunTrigger,
  actor: Actor | undefined,
  options: { fallbackChannel?: string; week?: Week } = {},
): OperationSpec<DigestOutcome> {
  return {
    kind: 'change-control',
    action: 'change-control.run',
    trigger,
    actor,
    ...(trigger === 'slash' ? { role: 'reviewer' as const, what: '/change-control run' } : {}),
    guard: () => digestConfigProblem(deps.config),
    lock: { key: 'change-control', ttlMs: 120_000, waitMs: trigger === 'cron' ? 60_000 : 0 },
    run: (ctx) => takeDigest({ ...deps, log: ctx.log }, { runId: ctx.runId ?? null, trigger, actor, ...options }),
    keep: (o) => ({ digestId: o.digest.id, week: o.digest.week, counts: o.digest.report.counts, updated: o.updated }),
    verdict: (o) => (o.digest.report.counts.nonCompliant ? 'failed' : 'passed'),
    auditOutcome: (o) => (o.ref ? (o.updated ? 'updated' : 'posted') : 'stored'),
    auditParams: (o) => ({
      digestId: o.digest.id,
      week: o.digest.week,
      ...o.digest.report.counts,
      ...(o.clearedDecision ? { clearedDecision: true } : {}),
    }),
  };
}
