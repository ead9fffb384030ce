// Approve / Flag issue while the reviewer group takes longer than Slack's 3 s trigger window to look up: a loading
// modal opens in time and is then filled with the form, or with the refusal.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { type FakeSlack, startFakeSlack, textOf } from '../support/slack-fake.js';
import { REVIEWERS, type ReviewSetup, startReviewSetup, waitForReview } from './fixtures.js';

describeWithPostgres('access review buttons with a slow user-group directory', () => {
  let setup: ReviewSetup;
  let slack: FakeSlack;
  let bot: Bot;
  let reviewId: string;
  beforeAll(async () => {
    setup = await startReviewSetup();
    await setup.bot.slash('/access-review', 'run', { user: REVIEWERS.requester });
    await waitForReview(setup.bot, 1);
    [{ id: reviewId } = { id: '' }] = await setup.bot.db.query<{ id: string }>('select id from access_reviews');
    // A second replica on the same database, started cold: its reviewers are a group the directory gives in 4 s.
    slack = await startFakeSlack();
    slack.groups = { auditors: { id: 'S_AUDITORS', users: [REVIEWERS.other] } };
    slack.delay('usergroups.users.list', 4000);
    bot = await startBot({ slack, databaseUrl: setup.bot.databaseUrl, env: { OPSBOT_REVIEWERS: '@auditors' } });
  });
  afterAll(async () => {
    await bot?.stop();
    await slack?.stop();
    await setup?.stop();
  });

  it('opens a loading modal within 3 s, then shows the form to a member and the refusal to anyone else', async () => {
    const clicked = Date.now();
    const click = (actionId: string, user: string) =>
      bot.action({ actionId, value: reviewId, user, channel: 'C_REVIEW', triggerId: `trigger-${clicked}` });
    await Promise.all([click('access-review.flag', REVIEWERS.other), click('access-review.approve', REVIEWERS.nobody)]);

    const opened = await slack.waitForAnswers('views.open', 2, 5000);
    for (const open of opened) {
      expect(open.result?.ok).toBe(true);
      expect(open.at - clicked).toBeLessThan(3000);
      expect(textOf(open.args.view.blocks)).toContain('Checking');
    }
    const updates = await slack.waitFor('views.update', 2, 15_000);
    const ids = opened.map((o) => o.result?.view.id);
    expect(updates.map((u) => u.args.view_id).sort()).toEqual([...ids].sort());
    const byUser = (user: string) => {
      const open = opened.find(
        (o) => o.args.view.title.text === (user === REVIEWERS.other ? 'Flag issue' : 'Approve review'),
      );
      return updates.find((u) => u.args.view_id === open?.result?.view.id)!;
    };
    expect(byUser(REVIEWERS.other).args.view.callback_id).toBe('access-review.flag-modal');
    expect(textOf(byUser(REVIEWERS.nobody).args.view.blocks)).toContain('`Approve` needs a reviewer role');
    expect(await bot.db.query("select actor from audit_events where action = 'auth.deny'")).toEqual([
      { actor: REVIEWERS.nobody },
    ]);
    expect(await bot.db.query('select decision from access_reviews')).toEqual([{ decision: null }]);
  });

  it('refuses a non-member submission in the modal once the group is known, and records nothing', async () => {
    const answer = await bot.submitView({
      callbackId: 'access-review.flag-modal',
      user: REVIEWERS.nobody,
      privateMetadata: JSON.stringify({ reviewId, channel: 'C_REVIEW' }),
      values: { actionItems: 'Remove the contractor by Friday.' },
    });
    expect(answer.body.response_action).toBe('errors');
    expect(answer.body.errors.actionItems).toContain('needs a reviewer role');
    expect(await bot.db.query('select decision from access_reviews')).toEqual([{ decision: null }]);
  });
});
