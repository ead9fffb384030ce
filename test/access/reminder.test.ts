// A review still undecided after ACCESS_REVIEW_REMIND_HOURS gets one reminder in its thread, naming the reviewers.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accessReviewJob } from '../../jobs/access-review.js';
import { accessReviewReminderJob } from '../../jobs/access-review-reminder.js';
import type { Bot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { REVIEWERS, type ReviewSetup, startReviewSetup } from './fixtures.js';

const HOUR = 3_600_000;
const TAKEN = Date.parse('2026-07-05T02:00:00Z');

describeWithPostgres('the review reminder', () => {
  let setup: ReviewSetup;
  let bot: Bot;
  let clock = new Date(TAKEN);
  const remindersIn = (ts: string) =>
    bot.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === ts && /⏰/.test(c.args.text));
  const reviewTs = async () =>
    (await bot.db.query<{ slack_ts: string }>('select slack_ts from access_reviews order by taken_at')).map(
      (r) => r.slack_ts,
    );

  beforeAll(async () => {
    setup = await startReviewSetup({
      clean: true,
      env: {
        GITHUB_TOKEN: undefined,
        OPSBOT_REVIEWERS: `${REVIEWERS.reviewer},S0SECURITY,compliance`,
        ACCESS_REVIEW_REMIND_HOURS: '48',
      },
      bot: { now: () => clock },
    });
    bot = setup.bot;
    await accessReviewJob.run(bot.deps);
    clock = new Date(TAKEN + HOUR);
    await accessReviewJob.run(bot.deps);
  });
  afterAll(() => setup?.stop());

  it('stays quiet before the review has waited 48 hours', async () => {
    clock = new Date(TAKEN + 47.5 * HOUR);
    await accessReviewReminderJob.run(bot.deps);
    const [first] = await reviewTs();
    expect(remindersIn(first!)).toHaveLength(0);
  });

  it('reminds an undecided review once in its thread, naming the reviewers, and never again', async () => {
    const [first, second] = await reviewTs();
    // The second review is decided before it is due: it gets no reminder.
    clock = new Date(TAKEN + 2 * HOUR);
    await bot.action({
      actionId: 'access-review.approve',
      value: (await bot.db.query<{ id: string }>('select id from access_reviews order by taken_at'))[1]!.id,
      user: REVIEWERS.reviewer,
      channel: 'C_REVIEW',
      messageTs: second,
    });
    await bot.slack.waitFor('chat.update', 1, 15_000);

    clock = new Date(TAKEN + 49 * HOUR);
    await accessReviewReminderJob.run(bot.deps);
    const [reminder] = remindersIn(first!);
    expect(reminder?.args.channel).toBe('C_REVIEW');
    expect(reminder?.args.text).toBe(
      `⏰ Weekly Access Review - 2026-07-05 has waited over 48 h for a decision. Reviewers: <@${REVIEWERS.reviewer}>, <!subteam^S0SECURITY>, \`@compliance\` (no such user group in Slack) — use *Approve* or *Flag issue* above.`,
    );

    clock = new Date(TAKEN + 80 * HOUR);
    await accessReviewReminderJob.run(bot.deps);
    expect(remindersIn(first!)).toHaveLength(1);
    expect(remindersIn(second!)).toHaveLength(0);
  });

  it('tries again on the next pass when Slack refuses the reminder', async () => {
    clock = new Date(TAKEN + 7 * 24 * HOUR);
    await accessReviewJob.run(bot.deps);
    const third = (await reviewTs())[2]!;
    clock = new Date(TAKEN + 10 * 24 * HOUR);
    const remindedAt = async () =>
      (
        await bot.db.query<{ reminded_at: Date | null }>('select reminded_at from access_reviews where slack_ts = $1', [
          third,
        ])
      )[0]?.reminded_at;
    bot.slack.failNext('chat.postMessage', 1, { status: 200, body: { ok: false, error: 'channel_not_found' } });
    await accessReviewReminderJob.run(bot.deps);
    expect(remindersIn(third)).toHaveLength(1);
    expect(await remindedAt()).toBeNull();
    await accessReviewReminderJob.run(bot.deps);
    expect(remindersIn(third)).toHaveLength(2);
    expect(await remindedAt()).toEqual(clock);
    await accessReviewReminderJob.run(bot.deps);
    expect(remindersIn(third)).toHaveLength(2);
  });
});
