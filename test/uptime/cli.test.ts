// `opsbot maintenance` and `opsbot uptime` as a deploy pipeline uses them: exit codes, the window announced in Slack
// and audited, the report as JSON under 24h/7d/30d; and the month's availability report for the evidence.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { postgresDb } from '../../src/store/postgres.js';
import { monthlyAvailability } from '../../src/uptime/monthly.js';
import { TEST_BOT_TOKEN } from '../support/bot.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { runOpsbot } from '../support/process.js';
import { type FakeSlack, startFakeSlack } from '../support/slack-fake.js';

// Each step spawns the CLI: generous on a loaded 2-core machine.
vi.setConfig({ testTimeout: 180_000 });

describeWithPostgres('the uptime and maintenance command line', () => {
  let state: TestDatabase;
  let slack: FakeSlack;
  const env = () => ({
    ENVIRONMENTS: 'staging',
    STAGING_BASE_URL: 'http://127.0.0.1:9',
    DATABASE_URL: state.url,
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_API_URL: slack.url,
    SLACK_ALERT_CHANNEL: 'C_ALERTS',
  });

  beforeAll(async () => {
    [state, slack] = await Promise.all([createTestDatabase('uptime_cli'), startFakeSlack()]);
    expect((await runOpsbot(['migrate'], env())).code).toBe(0);
  }, 60_000);
  afterAll(() => Promise.all([state?.drop(), slack?.stop()]));

  it('refuses a window without a reason, too long, or for an unknown environment, with exit code 2', async () => {
    const cases = [
      [['start', 'staging', '--for', '30m'], 'a reason is required'],
      [['start', 'staging', '--for', '3d', '--reason', 'x'], 'at most 1 d'],
      [['start', 'prod', '--for', '30m', '--reason', 'x'], '`prod` is not a configured environment'],
    ] as const;
    // Independent processes, started together.
    const results = await Promise.all(cases.map(([args]) => runOpsbot(['maintenance', ...args], env())));
    results.forEach((result, i) => {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(cases[i]![1]);
    });
    expect(await state.query('select id from maintenance_windows')).toEqual([]);
  });

  it('starts, lists and ends a window, announced in the alert channel and audited', async () => {
    const started = await runOpsbot(
      ['maintenance', 'start', 'staging', '--for', '30m', '--reason', 'deploy 1.2'],
      env(),
    );
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('Maintenance of staging until');
    const [announcement] = await slack.waitFor('chat.postMessage', 1, 10_000);
    expect(announcement!.args).toMatchObject({ channel: 'C_ALERTS' });
    expect(announcement!.args.text).toMatch(/Maintenance of \*staging\* until .* started by cli:\S+: deploy 1\.2\./);
    const again = await runOpsbot(['maintenance', 'start', 'staging', '--for', '30m', '--reason', 'twice'], env());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already in maintenance');
    const listed = await runOpsbot(['maintenance', 'list'], env());
    expect(listed.stdout).toMatch(/^staging until .* — deploy 1\.2 \(by cli:/);
    expect((await runOpsbot(['maintenance', 'end', 'staging'], env())).code).toBe(0);
    expect((await runOpsbot(['maintenance', 'end', 'staging'], env())).code).toBe(1);
    expect(
      await state.query('select action, outcome from audit_events where action like $1 order by seq', [
        'maintenance.%',
      ]),
    ).toEqual([
      { action: 'maintenance.start', outcome: 'started' },
      { action: 'maintenance.start', outcome: 'refused' },
      { action: 'maintenance.end', outcome: 'ended' },
      { action: 'maintenance.end', outcome: 'none-open' },
    ]);
  });

  it('prints the uptime report as JSON under 24h, 7d and 30d', async () => {
    await state.query(
      `insert into uptime_rounds (env, at, up, latency_ms, in_maintenance)
       select 'staging', now() - make_interval(mins => 5 * n), n <> 3, 50 + n, false from generate_series(1, 10) n`,
    );
    const result = await runOpsbot(['uptime', 'staging', '--json'], env());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report['24h']).toMatchObject({ availability: 90, rounds: 10, upRounds: 9 });
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['24h', '7d', '30d']));
  });

  it('gives the month its availability, maintenance windows and whether the SLO was met', async () => {
    const db = postgresDb(state.url, 1);
    try {
      const month = new Date().toISOString().slice(0, 7);
      const report = await monthlyAvailability(db, 'staging', month, 99.9, new Date());
      expect(report).toMatchObject({ env: 'staging', month, rounds: 10, upRounds: 9, availability: 90, sloMet: false });
      expect(report.maintenanceWindows.map((w) => w.reason)).toEqual(['deploy 1.2']);
    } finally {
      await db.close();
    }
  });
});
