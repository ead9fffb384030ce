// Approve and Flag issue: one decision per review, by a reviewer who did not start it, audited, carried to GitHub.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { REVIEWERS, type ReviewSetup, startReviewSetup, waitForReply, waitForReview } from './fixtures.js';

interface ReviewRow {
  id: string;
  decision: string | null;
  decided_by: string | null;
  note: string | null;
  slack_ts: string;
  issue_number: number;
}
const reviews = (bot: Bot) =>
  bot.db.query<ReviewRow>(
    'select id, decision, decided_by, note, slack_ts, issue_number from access_reviews order by taken_at',
  );
const audits = (bot: Bot, action: string) =>
  bot.db.query<{ actor: string; outcome: string; params: Record<string, unknown> }>(
    'select actor, outcome, params from audit_events where action = $1 order by seq',
    [action],
  );

describeWithPostgres('deciding an access review', () => {
  let setup: ReviewSetup;
  let bot: Bot;
  let review: ReviewRow;
  const click = (actionId: 'approve' | 'flag', user: string, id = review.id) =>
    bot.action({
      actionId: `access-review.${actionId}`,
      value: id,
      user,
      channel: 'C_REVIEW',
      messageTs: review.slack_ts,
    });

  beforeAll(async () => {
    setup = await startReviewSetup();
    bot = setup.bot;
    await bot.slash('/access-review', 'run', { user: REVIEWERS.requester });
    await waitForReview(bot, 1);
    [review] = (await reviews(bot)) as [ReviewRow];
  });
  afterAll(() => setup?.stop());

  it('refuses Approve from someone without the reviewer role, audits it, and changes nothing', async () => {
    const before = bot.slack.callsOf('response_url').length;
    await click('approve', REVIEWERS.nobody);
    expect(await waitForReply(bot, before, /role/)).toBe(
      '`Approve` needs a reviewer role; ask an admin to add you to OPSBOT_REVIEWERS.',
    );
    expect((await audits(bot, 'auth.deny')).map((a) => a.actor)).toEqual([REVIEWERS.nobody]);
    expect((await reviews(bot))[0]?.decision).toBeNull();
  });

  it("refuses Approve from the review's own requester and audits it", async () => {
    const before = bot.slack.callsOf('response_url').length;
    await click('approve', REVIEWERS.requester);
    expect(await waitForReply(bot, before, /started this review/)).toContain(
      'someone else must approve it; nothing changed',
    );
    expect(await audits(bot, 'access-review.approve')).toEqual([
      {
        actor: REVIEWERS.requester,
        outcome: 'refused: requested the run',
        params: { reviewId: review.id, runId: expect.stringMatching(/^r_/) },
      },
    ]);
    expect(bot.slack.callsOf('views.open')).toHaveLength(0);
    expect((await reviews(bot))[0]?.decision).toBeNull();
  });

  it('asks for the reason anomalies are accepted, and refuses an empty one', async () => {
    await click('approve', REVIEWERS.reviewer);
    const [open] = await bot.slack.waitFor('views.open', 1, 15_000);
    expect(open?.args.view.callback_id).toBe('access-review.approve-modal');
    expect(textOf(open?.args.view.blocks)).toContain('has 2 anomalies');
    const metadata = open?.args.view.private_metadata as string;
    const empty = await bot.submitView({
      callbackId: 'access-review.approve-modal',
      values: { reason: '  ' },
      user: REVIEWERS.reviewer,
      privateMetadata: metadata,
    });
    expect(empty.body).toEqual({
      response_action: 'errors',
      errors: { reason: expect.stringContaining('Say why these anomalies are accepted') },
    });
    expect((await reviews(bot))[0]?.decision).toBeNull();
  });

  it('says the form lost its review when its metadata is unreadable, and decides nothing', async () => {
    const lost = await bot.submitView({
      callbackId: 'access-review.approve-modal',
      values: { reason: 'accepted for the pilot' },
      user: REVIEWERS.reviewer,
      privateMetadata: 'not json',
    });
    expect(lost.body).toEqual({
      response_action: 'errors',
      errors: { reason: 'This form lost its review; close it and click the button again.' },
    });
    expect((await reviews(bot))[0]?.decision).toBeNull();
  });

  it('records the approval with its reason, closes the GitHub issue, and updates the message', async () => {
    const metadata = bot.slack.callsOf('views.open')[0]?.args.view.private_metadata as string;
    const reason = 'beta runs autopost for its pilot until 2026-08-01; gamma is being raised';
    const answer = await bot.submitView({
      callbackId: 'access-review.approve-modal',
      values: { reason },
      user: REVIEWERS.reviewer,
      privateMetadata: metadata,
    });
    expect(answer.status).toBe(200);
    const [update] = await bot.slack.waitFor('chat.update', 1, 15_000);
    expect(update?.args.ts).toBe(review.slack_ts);
    expect(textOf(update?.args.blocks)).toContain(`Reviewed, no issues* — approved by <@${REVIEWERS.reviewer}>`);
    expect(textOf(update?.args.blocks)).not.toContain('Flag issue');
    const [row] = await reviews(bot);
    expect(row).toMatchObject({ decision: 'approved', decided_by: REVIEWERS.reviewer, note: reason });
    const [issue] = setup.github.issuesOf('acme/compliance');
    expect(issue).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(issue?.comments[0]).toContain(`Reviewed, no issues — approved by Slack user ${REVIEWERS.reviewer}`);
    expect(issue?.comments[0]).toContain(reason);
    expect(await audits(bot, 'access-review.approve')).toHaveLength(2);
    const replies = await bot.slack.waitFor('chat.postMessage', 2, 15_000);
    expect(replies.some((c) => c.args.thread_ts === review.slack_ts && /GitHub issue .*closed/.test(c.args.text))).toBe(
      true,
    );
  });

  it('answers a second click with who decided and when, and changes nothing', async () => {
    const updates = bot.slack.callsOf('chat.update').length;
    const before = bot.slack.callsOf('response_url').length;
    await click('approve', REVIEWERS.other);
    const reply = await waitForReply(bot, before, /already/);
    expect(reply).toMatch(
      new RegExp(
        `^This review was already approved by <@${REVIEWERS.reviewer}> at <!date\\^\\d+\\^[^|]+\\|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC>`,
      ),
    );
    await click('flag', REVIEWERS.other);
    await waitForReply(bot, before + 1, /already approved/);
    expect(bot.slack.callsOf('chat.update')).toHaveLength(updates);
    expect(setup.github.issuesOf('acme/compliance')[0]?.comments).toHaveLength(1);
    expect((await reviews(bot))[0]).toMatchObject({ decision: 'approved', decided_by: REVIEWERS.reviewer });
    expect(await audits(bot, 'access-review.approve')).toHaveLength(2);
  });

  it('approves a review without anomalies at once, without a modal', async () => {
    await setup.app.query('update tenants set autopost_enabled = false, threshold = 0.90');
    await bot.slash('/access-review', 'run', { user: REVIEWERS.requester });
    await waitForReview(bot, 2);
    const [, second] = (await reviews(bot)) as [ReviewRow, ReviewRow];
    const opened = bot.slack.callsOf('views.open').length;
    await click('approve', REVIEWERS.other, second.id);
    await bot.slack.waitFor('chat.update', 2, 15_000);
    expect(bot.slack.callsOf('views.open')).toHaveLength(opened);
    expect((await reviews(bot))[1]).toMatchObject({ decision: 'approved', decided_by: REVIEWERS.other, note: null });
    expect(setup.github.issuesOf('acme/compliance')[1]?.state).toBe('closed');
  });

  it('flags a review with its action items and keeps the GitHub issue open', async () => {
    await setup.app.query(
      "insert into users (id, tenant_id, email, role) values ('u9', null, 'ghost@acme.test', 'superuser')",
    );
    await bot.slash('/access-review', 'run', { user: REVIEWERS.requester });
    await waitForReview(bot, 3);
    const third = (await reviews(bot))[2]!;
    const opened = bot.slack.callsOf('views.open').length;
    // The requester may flag their own review: only approval needs a second person.
    await click('flag', REVIEWERS.requester, third.id);
    const open = (await bot.slack.waitFor('views.open', opened + 1, 15_000))[opened];
    expect(open?.args.view.callback_id).toBe('access-review.flag-modal');
    const metadata = open?.args.view.private_metadata as string;
    const empty = await bot.submitView({
      callbackId: 'access-review.flag-modal',
      values: { actionItems: '' },
      user: REVIEWERS.requester,
      privateMetadata: metadata,
    });
    expect(empty.body.errors.actionItems).toContain('List the action items');
    const items = 'Remove ghost@acme.test (no tenant, role superuser) — @ana';
    await bot.submitView({
      callbackId: 'access-review.flag-modal',
      values: { actionItems: items },
      user: REVIEWERS.requester,
      privateMetadata: metadata,
    });
    const update = (await bot.slack.waitFor('chat.update', 3, 15_000))[2];
    expect(textOf(update?.args.blocks)).toContain(`Issue flagged* by <@${REVIEWERS.requester}>`);
    expect((await reviews(bot))[2]).toMatchObject({ decision: 'flagged', note: items });
    const issue = setup.github.issuesOf('acme/compliance')[2];
    expect(issue?.state).toBe('open');
    expect(issue?.body).toContain('`ghost@acme.test` has role `superuser`');
    // Shown as typed, but `@ana` can't ping anyone on GitHub: a zero-width space follows each @.
    expect(issue?.comments.at(-1)).toContain(`Action items:\n${items.replace(/@/g, '@\u200B')}`);
    expect((await audits(bot, 'access-review.flag')).map((a) => a.outcome)).toEqual(['flagged']);
  });
});
