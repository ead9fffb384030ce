// Publishes a review: the GitHub issue "Weekly Access Review - YYYY-MM-DD" (with GITHUB_REPO), the review message in
// SLACK_REVIEW_CHANNEL with Approve / Flag issue, and the CSV and JSON files in its thread.
// It lives here, not in commands/ or jobs/: the job, /access-review and the CLI publish the very same thread, through
// the deps.chat adapter, never Bolt.

import { type AccessReviewRun, runAccessReview } from '../access/review.js';
import { type AccessReview, getReview, setReviewIssue, setReviewMessage } from '../access/store.js';
import type { Deps } from '../deps.js';
import { openIssue } from '../github/issues.js';
import type { OperationSpec } from '../operate/spec.js';
import { maskSecrets } from '../redact.js';
import { comparedEarlierLines, reviewMessage, reviewTitle } from '../render/blocks/access.js';
import { githubCode, githubMarkdown, mrkdwnInline } from '../render/escape.js';
import { countLines } from '../render/text/access-counts.js';
import type { MessageRef } from '../slack/chat.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import { publishAfterCommit } from './after-commit.js';
import { runPageUrl } from './run-links.js';

export const ISSUE_LABEL = 'access-review';
const ISSUE_LINES = 200;

export interface Published {
  review: AccessReview;
  /** Undefined when there is no channel to post to. */
  ref?: MessageRef;
  issueError?: string;
  /** The review is stored, but Slack did not take its message or files: what to tell, and where to get them. */
  undelivered?: string;
}

type PublishDeps = Pick<Deps, 'config' | 'github' | 'chat' | 'db' | 'runs' | 'log'>;

export function issueBody(run: AccessReviewRun): string {
  const { review, files } = run;
  const list = (lines: string[], what: string) => [
    ...lines.slice(0, ISSUE_LINES).map((l) => `- ${l}`),
    ...(lines.length > ISSUE_LINES
      ? [
          `- …and ${lines.length - ISSUE_LINES} more ${what}: all of them are in \`${files.csv.filename}\` in the Slack thread.`,
        ]
      : []),
  ];
  return [
    `Access review \`${review.id}\`, snapshot taken ${review.takenAt} (${review.requestedBy ? `requested in Slack by ${githubCode(review.requestedBy)}` : 'scheduled'}).`,
    '',
    '## Counts',
    ...countLines(review.counts, githubMarkdown).map((l) => `- ${l}`),
    '',
    `## Changes since the previous snapshot (${review.diff.changes.length})`,
    ...(review.diff.previousAt === null
      ? ['First review: nothing to compare with.']
      : [
          ...comparedEarlierLines(review.diff).map((l) => `_${l}._`),
          ...list(
            review.diff.changes.map((c) => githubMarkdown(c.detail)),
            'changes',
          ),
        ]),
    '',
    `## Anomalies (${review.anomalies.length})`,
    ...(review.anomalies.length
      ? list(
          review.anomalies.map((a) => githubMarkdown(a.message)),
          'anomalies',
        )
      : ['None.']),
    '',
    `Snapshot: \`${files.csv.filename}\`, sha256 \`${review.csvSha256}\`.`,
    'Decide in the Slack thread with **Approve** or **Flag issue**: opsbot closes this issue when the review is approved.',
  ].join('\n');
}

async function openReviewIssue(deps: PublishDeps, run: AccessReviewRun): Promise<string | undefined> {
  const repo = deps.config.github.repo;
  if (!repo || !deps.github) return undefined;
  try {
    const issue = await openIssue(deps.github, repo, reviewTitle(run.review), issueBody(run), [ISSUE_LABEL]);
    await setReviewIssue(deps.db, run.review.id, issue);
    return undefined;
  } catch (error) {
    const e = error as { status?: number; message?: string };
    deps.log.warn({ reviewId: run.review.id, status: e.status }, 'could not open the review issue');
    return `Could not open the GitHub issue in \`${repo}\`: ${e.status ?? ''} ${maskSecrets(e.message ?? String(error))}`.trim();
  }
}

/** fallbackChannel: where a slash command was typed, used when SLACK_REVIEW_CHANNEL is not set. */
export async function publishReview(
  deps: PublishDeps,
  run: AccessReviewRun,
  fallbackChannel?: string,
): Promise<Published> {
  const issueError = await openReviewIssue(deps, run);
  const review = (await getReview(deps.db, run.review.id)) ?? run.review;
  const channel = deps.config.slack.reviewChannel ?? fallbackChannel;
  if (!channel) {
    deps.log.warn({ reviewId: review.id }, 'SLACK_REVIEW_CHANNEL is not set: the review is stored but not posted');
    return { review, ...(issueError ? { issueError } : {}) };
  }
  // The review is stored: a channel opsbot can't post or upload in is a note on the outcome, not a failed run.
  let ref: MessageRef | undefined;
  const where = `review \`${review.id}\` is stored (\`opsbot access-review latest\`, \`evidence\`)`;
  const undelivered = await publishAfterCommit(deps, { what: 'The review or its files', channel, where }, async () => {
    const posted = await deps.chat.post(
      channel,
      reviewMessage(review, review.runId ? runPageUrl(deps.config, review.runId) : undefined),
    );
    ref = posted;
    await setReviewMessage(deps.db, review.id, posted);
    await deps.runs.setMessage(run.runId, posted);
    await deps.chat.upload(
      channel,
      posted.ts,
      [run.files.csv, run.files.json],
      `Snapshot files: \`${run.files.csv.filename}\` (sha256 \`${review.csvSha256}\`) and \`${run.files.json.filename}\`.`,
    );
    if (issueError) await deps.chat.post(channel, { text: `⚠️ ${mrkdwnInline(issueError)}` }, posted.ts);
  });
  const shown: MessageRef | undefined = ref;
  return {
    review: shown ? { ...review, slackChannel: shown.channel, slackTs: shown.ts } : review,
    ...(shown ? { ref: shown } : {}),
    ...(undelivered ? { undelivered } : {}),
    ...(issueError ? { issueError } : {}),
  };
}

export const REVIEW_LOCK = 'access-review';

export interface ReviewOptions {
  /** Where a slash command was typed, used when SLACK_REVIEW_CHANNEL is not set. */
  fallbackChannel?: string;
  /** false stores the review without posting it (the CLI without Slack credentials). */
  publish?: boolean;
}
export interface ReviewOutcome {
  run: AccessReviewRun;
  published?: Published;
}

/**
 * Take, store and publish a review as one operation, one at a time across replicas (each diffs against the one
 * before it): `access-review.run` audited once it is posted (or stored).
 */
export function reviewOperation(
  deps: Deps,
  trigger: RunTrigger,
  actor: Actor | undefined,
  options: ReviewOptions = {},
): OperationSpec<ReviewOutcome> {
  return {
    kind: 'access-review',
    action: 'access-review.run',
    trigger,
    actor,
    ...(trigger === 'slash' ? { role: 'reviewer' as const, what: '/access-review run' } : {}),
    lock: { key: REVIEW_LOCK, ttlMs: 120_000, owner: { user: actor?.user ?? null, trigger } },
    run: async (ctx) => {
      const run = await runAccessReview({ ...deps, log: ctx.log }, ctx.runId!, trigger, actor);
      if (options.publish === false) return { run };
      return { run, published: await publishReview(deps, run, options.fallbackChannel) };
    },
    keep: (outcome) => outcome.run.summary,
    auditOutcome: (outcome) => (outcome.published?.ref ? 'posted' : 'stored'),
    auditParams: (outcome) => ({ reviewId: outcome.run.review.id, anomalies: outcome.run.review.anomalies.length }),
  };
}
