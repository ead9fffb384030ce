// Two replicas on one Postgres both taking every uptime round at the same moment: one round stored, one alert, one
// downtime issue, one close, as with one replica.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uptimeJob } from '../../jobs/uptime.js';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { startUptimeSetup, type UptimeSetup } from './helpers.js';

describeWithPostgres('uptime on two replicas', () => {
  let s: UptimeSetup;
  let second: Bot;
  const both = async () => {
    s.clock.advance(5);
    // Straight into the job on both at once: the scheduler's own lock would otherwise keep the second one out.
    await Promise.all([uptimeJob.run(s.bot.deps), uptimeJob.run(second.deps)]);
  };

  beforeAll(async () => {
    s = await startUptimeSetup();
    second = await startBot({
      now: () => s.clock.now,
      slack: s.bot.slack,
      databaseUrl: s.bot.databaseUrl,
      redisPrefix: s.bot.redisPrefix,
      env: {
        ENVIRONMENTS: 'staging',
        STAGING_BASE_URL: s.app.url,
        N_UPTIME_PATHS: '/metrics',
        GITHUB_TOKEN: 'ghp_fakeOwnerToken000000000000',
        GITHUB_ORG: 'acme',
        GITHUB_API_URL: s.github.url,
        GITHUB_REPO: 'acme/ops',
      },
    });
  });
  afterAll(async () => {
    await second?.stop();
    await s?.stop();
  });

  it('gives one alert and one GitHub issue for a 20-minute outage, resolved and closed once', async () => {
    await both();
    s.failing();
    for (let i = 0; i < 4; i++) await both(); // 10:10 … 10:25 failing
    s.healthy();
    await both(); // 10:30
    expect(await s.bot.db.query('select count(*)::int as n from uptime_rounds')).toEqual([{ n: 6 }]);
    expect(await s.bot.db.query('select key, status from alerts')).toEqual([
      { key: 'uptime:staging', status: 'resolved' },
    ]);
    const issues = s.github.issuesOf('acme/ops');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ title: 'Downtime: staging since 2026-03-02 10:10 UTC', state: 'closed' });
    expect(issues[0]!.comments).toEqual(['Back up at 2026-03-02 10:30 UTC: down for 20 min.']);
    await s.bot.slack.waitFor('chat.postMessage', 2, 10_000);
    const posts = s.bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C_ALERTS');
    expect(posts.filter((c) => !c.args.thread_ts)).toHaveLength(1);
    expect(posts.filter((c) => c.args.thread_ts)).toHaveLength(1);
  });
});
