// A 20-minute outage as the on-call engineer sees it: one alert in #ops-alerts, one GitHub issue "Downtime: staging
// since …" commented on when acknowledged and every hour, both resolved and closed with the duration.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { textOf } from '../support/slack-fake.js';
import { startUptimeSetup, type UptimeSetup } from './helpers.js';

describe('an outage of staging', () => {
  let s: UptimeSetup;
  const alertPosts = () =>
    s.bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C_ALERTS' && !c.args.thread_ts);
  const issues = () => s.github.issuesOf('acme/ops');

  beforeAll(async () => {
    s = await startUptimeSetup();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('stores one sample per path per round, judged by the smoke rules and /metrics by a 2xx alone', async () => {
    await s.round();
    await s.round();
    const samples = await s.bot.db.query<{ path: string; ok: boolean; status: number }>(
      'select path, ok, status from uptime_samples order by at, path',
    );
    expect(samples).toHaveLength(6);
    expect(new Set(samples.map((r) => r.path))).toEqual(new Set(['/healthz', '/readyz', '/metrics']));
    expect(samples.every((r) => r.ok && r.status === 200)).toBe(true);
    expect(alertPosts()).toHaveLength(0);
  });

  it('opens one alert and one GitHub issue labelled downtime once two rounds in a row fail', async () => {
    s.failing();
    await s.round(); // 10:15, first failing round
    expect(alertPosts()).toHaveLength(0);
    expect(issues()).toHaveLength(0);
    await s.round(); // 10:20
    await s.bot.slack.waitFor('chat.postMessage', 1, 10_000);
    expect(alertPosts()).toHaveLength(1);
    expect(textOf(alertPosts()[0]!.args.blocks)).toContain('staging is down');
    expect(issues()).toHaveLength(1);
    expect(issues()[0]).toMatchObject({
      title: 'Downtime: staging since 2026-03-02 10:15 UTC',
      labels: ['downtime'],
      state: 'open',
    });
    expect(issues()[0]!.body).toContain('/readyz');
  });

  it('comments on the issue once the alert is acknowledged, and keeps one alert and one issue while it lasts', async () => {
    const [alert] = await s.bot.db.query<{ id: string; slack_ts: string }>(
      'select id::text as id, slack_ts from alerts',
    );
    await s.bot.action({
      actionId: 'alert.acknowledge',
      value: alert!.id,
      user: 'U_ONCALL',
      channel: 'C_ALERTS',
      messageTs: alert!.slack_ts,
    });
    await s.bot.slack.waitFor('chat.update', 1, 10_000);
    await s.round(); // 10:25
    await s.round(); // 10:30
    expect(alertPosts()).toHaveLength(1);
    expect(issues()).toHaveLength(1);
    // The click comments itself, in the background of its answer: wait for it.
    await vi.waitFor(
      () => expect(issues()[0]!.comments).toEqual([expect.stringContaining('Acknowledged in Slack by U_ONCALL')]),
      { timeout: 10_000 },
    );
  });

  it('resolves the alert and closes the issue with the duration when staging is back', async () => {
    s.healthy();
    await s.round(); // 10:35: 20 minutes after the first failing round
    const [alert] = await s.bot.db.query<{ status: string }>('select status from alerts');
    expect(alert!.status).toBe('resolved');
    expect(issues()[0]!.state).toBe('closed');
    expect(issues()[0]!.comments.at(-1)).toBe('Back up at 2026-03-02 10:35 UTC: down for 20 min.');
    await s.bot.slack.waitFor('chat.postMessage', 2, 10_000);
    expect(s.bot.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts)).toHaveLength(1);
    expect(await s.bot.db.query('select started_at, ended_at, issue_number from uptime_outages')).toEqual([
      { started_at: new Date('2026-03-02T10:15:00Z'), ended_at: new Date('2026-03-02T10:35:00Z'), issue_number: 1 },
    ]);
  });

  it('comments once an hour on a long outage, and a second outage gets its own issue', async () => {
    s.failing();
    for (let i = 0; i < 16; i++) await s.round(); // 80 minutes down
    expect(issues()).toHaveLength(2);
    const hourly = issues()[1]!.comments.filter((c) => c.startsWith('Still down after'));
    expect(hourly).toEqual([expect.stringMatching(/^Still down after 1 h( \d+ min)?\.\n- \/readyz: HTTP 503/)]);
    s.healthy();
    await s.round();
    expect(issues()[1]!.state).toBe('closed');
    expect(issues()[1]!.comments.at(-1)).toMatch(/down for 1 h 20 min\.$/);
  });
});
