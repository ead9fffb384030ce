// Maintenance windows set from Slack: operators only, announced and audited; alerts held and samples left out of
// the SLO while a window is open; a failure that outlasts it alerts at once; /uptime agrees with the stored samples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../support/slack-fake.js';
import { startUptimeSetup, type UptimeSetup } from './helpers.js';

describe('maintenance windows and /uptime', () => {
  let s: UptimeSetup;
  const alertPosts = () =>
    s.bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C_ALERTS' && !c.args.thread_ts);
  const alerts = () => s.bot.db.query<{ key: string }>('select key from alerts');

  beforeAll(async () => {
    s = await startUptimeSetup();
    for (let i = 0; i < 3; i++) await s.round();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('tells a bad duration, a missing reason or an unknown environment, and starts nothing', async () => {
    for (const [text, said] of [
      ['staging 30x deploy', 'is not a duration'],
      ['staging 2d deploy', 'at most 1 d'],
      ['staging 30m', 'a reason is required'],
      ['prod 30m deploy', '`prod` is not a configured environment'],
    ] as const) {
      const answer = await s.bot.slash('/maintenance', text, { user: 'U_OPS' });
      expect(answer.body.text).toContain(said);
    }
    expect(await s.bot.db.query('select id from maintenance_windows')).toEqual([]);
  });

  it('refuses someone without the operator role', async () => {
    await s.bot.slash('/maintenance', 'staging 30m deploy', { user: 'U_NOBODY' });
    const [reply] = await s.bot.slack.waitFor('response_url', 1, 10_000);
    expect(reply!.args.text).toContain('operator');
    expect(await s.bot.db.query('select id from maintenance_windows')).toEqual([]);
  });

  it('opens a window from Slack, announces who, why and until when, and audits it', async () => {
    await s.bot.slash('/maintenance', 'staging 30m database <upgrade>', { user: 'U_OPS' });
    await s.bot.slack.waitFor('chat.postMessage', 1, 10_000);
    const [announcement] = alertPosts();
    expect(announcement!.args.text).toBe(
      '🛠️ Maintenance of *staging* until 2026-03-02 10:45 UTC, started by <@U_OPS>: database &lt;upgrade&gt;. Alerts for staging are held and its uptime samples are left out of the SLO until then.',
    );
    expect(
      await s.bot.db.query(
        "select actor, outcome, params->>'reason' as reason from audit_events where action = 'maintenance.start'",
      ),
    ).toEqual([{ actor: 'U_OPS', outcome: 'started', reason: 'database <upgrade>' }]);
    await s.bot.slash('/maintenance', 'list', { user: 'U_ANYONE' });
    const replies = await s.bot.slack.waitFor('response_url', 3, 10_000);
    expect(textOf(replies.at(-1)!.args.blocks)).toContain(
      '*staging* until 2026-03-02 10:45 UTC — database &lt;upgrade&gt;',
    );
  });

  it('holds the alert and marks the samples while the window is open', async () => {
    s.failing();
    for (let i = 0; i < 5; i++) await s.round(); // 10:20 … 10:40, inside the window (10:15 to 10:45)
    expect(await alerts()).toEqual([]);
    const marked = await s.bot.db.query<{ in_maintenance: boolean; n: number }>(
      'select in_maintenance, count(*)::int as n from uptime_rounds group by 1 order by 1',
    );
    expect(marked).toEqual([
      { in_maintenance: false, n: 3 },
      { in_maintenance: true, n: 5 },
    ]);
  });

  it('alerts at the first round after the window when the failure outlasts it', async () => {
    await s.round(); // 10:45: the window is over, staging still fails
    expect(await alerts()).toEqual([{ key: 'uptime:staging' }]);
    await s.bot.slack.waitFor('chat.postMessage', 2, 10_000);
    expect(alertPosts()).toHaveLength(2);
  });

  it('reports availability on /uptime staging that matches the stored samples to 0.01 %', async () => {
    s.healthy();
    for (let i = 0; i < 5; i++) await s.round();
    const [expected] = await s.bot.db.query<{ pct: number }>(
      `select 100.0 * count(*) filter (where up) / count(*) as pct from (
         select at, bool_and(ok) as up from uptime_samples where not in_maintenance group by at) r`,
    );
    await s.bot.slash('/uptime', 'staging', { user: 'U_ANYONE' });
    const replies = await s.bot.slack.waitFor('response_url', 4, 10_000);
    const text = textOf(replies.at(-1)!.args.blocks);
    const shown = Number(/30d: ([\d.]+) %/.exec(text)![1]);
    expect(Math.abs(shown - Number(expected!.pct))).toBeLessThan(0.01);
    expect(shown).toBeLessThan(100);
    expect(text).toContain('Outages in 30 days');
    expect(text).toContain('burns');
  });
});
