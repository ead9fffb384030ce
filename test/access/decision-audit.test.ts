// A decision and its audit event are one write: both are kept, or, when opsbot fails between them, neither is and the
// review can still be decided.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../support/bot.js';
import { auditFault } from '../support/faults.js';
import { describeWithPostgres } from '../support/infra.js';
import { REVIEWERS, type ReviewSetup, startReviewSetup, waitForReply, waitForReview } from './fixtures.js';

describeWithPostgres('an access-review decision and its audit event', () => {
  let setup: ReviewSetup;
  let bot: Bot;
  let review: { id: string; slack_ts: string };
  let failBetween = true;
  const approve = () =>
    bot.action({
      actionId: 'access-review.approve',
      value: review.id,
      user: REVIEWERS.reviewer,
      channel: 'C_REVIEW',
      messageTs: review.slack_ts,
    });
  const decision = async () =>
    (await bot.db.query<{ decision: string | null }>('select decision from access_reviews'))[0]?.decision;
  const audited = () =>
    bot.db.query<{ actor: string; outcome: string }>(
      "select actor, outcome from audit_events where action = 'access-review.approve'",
    );

  beforeAll(async () => {
    setup = await startReviewSetup({
      clean: true,
      bot: {
        wrap: {
          audit: auditFault((event) => {
            if (failBetween && event.action === 'access-review.approve' && event.outcome === 'approved')
              throw new Error('opsbot stopped between the decision and its audit event');
          }),
        },
      },
    });
    bot = setup.bot;
    await bot.slash('/access-review', 'run', { user: REVIEWERS.requester });
    await waitForReview(bot, 1);
    [review] = (await bot.db.query('select id, slack_ts from access_reviews')) as [typeof review];
  });
  afterAll(() => setup?.stop());

  it('keeps neither the decision nor its audit event when opsbot fails between them, and records the failure', async () => {
    const before = bot.slack.callsOf('response_url').length;
    await approve();
    expect(await waitForReply(bot, before, /Something went wrong/)).toMatch(/^Something went wrong in opsbot \(ref e_/);
    expect(await decision()).toBeNull();
    expect(await audited()).toEqual([{ actor: REVIEWERS.reviewer, outcome: 'error' }]);
    expect(bot.slack.callsOf('chat.update')).toHaveLength(0);
  });

  it('keeps both when the decision is taken again', async () => {
    failBetween = false;
    await approve();
    await bot.slack.waitFor('chat.update', 1, 15_000);
    expect(await decision()).toBe('approved');
    expect(await audited()).toEqual([
      { actor: REVIEWERS.reviewer, outcome: 'error' },
      { actor: REVIEWERS.reviewer, outcome: 'approved' },
    ]);
    expect((await bot.deps.audit.verify()).ok).toBe(true);
  });
});
