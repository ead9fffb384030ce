// Acknowledging an outage's alert comments on its GitHub issue at once (issue 15: "commented on when it is
// acknowledged"), not at the next uptime round, and once only: two replicas taking the click together, and the rounds
// after, add no second comment.
import { afterEach, expect, it, vi } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { OWNER_TOKEN } from '../support/fake-github.js';
import { describeWithPostgres } from '../support/infra.js';
import { startUptimeSetup, type UptimeSetup } from './helpers.js';

describeWithPostgres('the downtime issue hears of an acknowledgement', () => {
  let s: UptimeSetup;
  let second: Bot | undefined;
  afterEach(async () => {
    await second?.stop();
    await s?.stop();
  });
  const startOutage = async () => {
    s = await startUptimeSetup();
    s.failing();
    await s.round();
    await s.round();
    expect(s.github.issuesOf('acme/ops')).toHaveLength(1);
    const [alert] = await s.bot.db.query<{ id: string; slack_ts: string }>(
      'select id::text as id, slack_ts from alerts',
    );
    return alert!;
  };
  const acknowledge = (bot: Bot, alert: { id: string; slack_ts: string }, user: string) =>
    bot.action({
      actionId: 'alert.acknowledge',
      value: alert.id,
      user,
      channel: 'C_ALERTS',
      messageTs: alert.slack_ts,
    });
  const comments = () => s.github.issuesOf('acme/ops')[0]!.comments;

  it('comments once, right away, when two replicas take two Acknowledge clicks at the same moment', async () => {
    const alert = await startOutage();
    second = await startBot({
      now: () => s.clock.now,
      slack: s.bot.slack,
      databaseUrl: s.bot.databaseUrl,
      redisPrefix: s.bot.redisPrefix,
      env: {
        ENVIRONMENTS: 'staging',
        STAGING_BASE_URL: s.app.url,
        N_UPTIME_PATHS: '/metrics',
        GITHUB_TOKEN: OWNER_TOKEN,
        GITHUB_ORG: 'acme',
        GITHUB_API_URL: s.github.url,
        GITHUB_REPO: 'acme/ops',
      },
    });
    await Promise.all([acknowledge(s.bot, alert, 'U_ONCALL'), acknowledge(second, alert, 'U_OTHER')]);
    // No uptime round has run since: the comment comes from the click.
    await vi.waitFor(() => expect(comments()).toHaveLength(1), { timeout: 10_000 });
    const [row] = await s.bot.db.query<{ acknowledged_by: string }>('select acknowledged_by from alerts');
    expect(comments()).toEqual([expect.stringContaining(`Acknowledged in Slack by ${row!.acknowledged_by}`)]);
    await s.bot.slack.waitFor('response_url', 1, 10_000);
    await s.round();
    await s.round();
    expect(comments()).toHaveLength(1);
  });
});
