// The alert lifecycle as any job sees it through observeAlert: thresholds against flapping, a new alert after a
// resolution, acknowledge racing resolve, stale reminders, email skipped (said once), messages within Slack's limits.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { janitorJob } from '../../jobs/janitor.js';
import type { AlertObservation } from '../../src/alerts/observation.js';
import { observeAlert } from '../../src/alerts/observe.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { textOf } from '../support/slack-fake.js';

const observation = (key: string, failing: boolean, extra: Partial<AlertObservation> = {}): AlertObservation => ({
  key,
  failing,
  title: `🚨 Service ${key} failed`,
  lines: ['❌ `/healthz` no response · 10.00 s — timed out after 10 s'],
  email: { subject: `🚨 ${key}`, text: 'failed' },
  ...extra,
});

describe('alert lifecycle', () => {
  let bot: Bot;
  let now = new Date('2026-03-04T09:00:00Z');
  afterEach(() => bot?.stop());
  const start = async (env: Record<string, string> = {}) => {
    bot = await startBot({ now: () => now, env });
  };
  const alertPosts = () => bot.slack.callsOf('chat.postMessage').filter((c) => !c.args.thread_ts);
  const observeAll = async (key: string, verdicts: boolean[]) => {
    const outcomes = [];
    for (const failing of verdicts) outcomes.push(await observeAlert(bot.deps, observation(key, failing)));
    return outcomes;
  };

  it('does not open an alert for a flapping check that never fails twice in a row', async () => {
    await start();
    expect(await observeAll('smoke:qa', [true, false, true, false, true])).toEqual([
      'pending',
      'quiet',
      'pending',
      'quiet',
      'pending',
    ]);
    expect(alertPosts()).toHaveLength(0);
    expect(await bot.db.query('select id from alerts')).toEqual([]);
  });

  it('resolves only after ALERT_SUCCESS_THRESHOLD passing runs in a row', async () => {
    await start({ ALERT_SUCCESS_THRESHOLD: '2' });
    expect(await observeAll('smoke:qa', [true, true, false, true, false, false])).toEqual([
      'pending',
      'opened',
      'pending',
      'updated',
      'pending',
      'resolved',
    ]);
    expect(await bot.db.query('select status, occurrences from alerts')).toEqual([
      { status: 'resolved', occurrences: 3 },
    ]);
  });

  it('opens a new alert with a new message when the check fails again after a resolution', async () => {
    await start();
    await observeAll('smoke:qa', [true, true, false, true, true]);
    expect(await bot.db.query('select status from alerts order by id')).toEqual([
      { status: 'resolved' },
      { status: 'open' },
    ]);
    expect(alertPosts()).toHaveLength(2);
  });

  it('keeps both an acknowledgement and a resolution that arrive together: the alert ends resolved, never reopened', async () => {
    await start();
    for (const key of ['race:1', 'race:2', 'race:3', 'race:4']) {
      await observeAll(key, [true, true]);
      const [alert] = await bot.db.query<{ id: string; slack_ts: string }>(
        'select id::text as id, slack_ts from alerts where key = $1',
        [key],
      );
      await Promise.all([
        bot.action({
          actionId: 'alert.acknowledge',
          value: alert!.id,
          user: 'U_ONCALL',
          channel: 'C_ALERTS',
          messageTs: alert!.slack_ts,
        }),
        observeAlert(bot.deps, observation(key, false)),
      ]);
      const [row] = await bot.db.query<{ status: string }>('select status from alerts where id = $1', [alert!.id]);
      expect(row!.status).toBe('resolved');
      // Whatever order they landed in, the message ends showing the resolution.
      const updates = () => bot.slack.callsOf('chat.update').filter((c) => c.args.ts === alert!.slack_ts);
      await vi.waitFor(() => expect(textOf(updates().at(-1)?.args.blocks)).toContain('*Resolved* at'), {
        timeout: 10_000,
        interval: 20,
      });
      expect(textOf(updates().at(-1)!.args.blocks)).toContain('*Resolved* at');
    }
  });

  it('drops a reminder that could not be posted before someone acknowledged the alert', async () => {
    await start();
    await observeAll('smoke:qa', [true, true]);
    const [alert] = await bot.db.query<{ id: string; slack_ts: string }>('select id::text as id, slack_ts from alerts');
    now = new Date(now.getTime() + 61 * 60_000);
    bot.slack.failNext('chat.postMessage', 3);
    await runJob(janitorJob, bot.deps);
    await bot.action({ actionId: 'alert.acknowledge', value: alert!.id, user: 'U_ONCALL', channel: 'C_ALERTS' });
    await bot.slack.waitFor('chat.update', 1, 10_000);
    // The acknowledgement's own delivery may still be marking its item when chat.update is seen: let it finish.
    await vi.waitFor(
      async () => {
        expect(await bot.db.query('select count(*)::int as n from outbox where claimed_until is not null')).toEqual([
          { n: 0 },
        ]);
      },
      { timeout: 10_000 },
    );
    now = new Date(now.getTime() + 5 * 60_000);
    await runJob(janitorJob, bot.deps);
    const replies = bot.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts);
    expect(replies).toHaveLength(3);
    expect(await bot.db.query('select count(*)::int as pending from outbox where delivered_at is null')).toEqual([
      { pending: 0 },
    ]);
  });

  it('refuses Acknowledge from another channel or for an unknown alert, changing nothing', async () => {
    await start();
    await observeAll('smoke:qa', [true, true]);
    const [alert] = await bot.db.query<{ id: string }>('select id::text as id from alerts');
    await bot.action({ actionId: 'alert.acknowledge', value: alert!.id, user: 'U_X', channel: 'C_ELSEWHERE' });
    await bot.action({ actionId: 'alert.acknowledge', value: '999999', user: 'U_X', channel: 'C_ALERTS' });
    const replies = await bot.slack.waitFor('response_url', 2, 10_000);
    expect(replies.map((r) => r.args.text).sort()).toEqual([
      'There is no alert `999999`; nothing changed.',
      'This alert lives in <#C_ALERTS>; acknowledge it there. Nothing changed.',
    ]);
    expect(await bot.db.query('select status, acknowledged_by from alerts')).toEqual([
      { status: 'open', acknowledged_by: null },
    ]);
    expect(bot.slack.callsOf('chat.update')).toHaveLength(0);
  });

  it('skips email when SMTP is not configured and says so once in the log', async () => {
    await start();
    await observeAll('smoke:qa', [true, true, true]);
    await observeAll('backup:qa', [true, true]);
    expect(bot.logs.filter((l) => String(l.msg).startsWith('alert email is skipped'))).toHaveLength(1);
    expect(await bot.db.query("select id from outbox where kind = 'alert.email'")).toEqual([]);
    expect(alertPosts()).toHaveLength(2);
  });

  it('fits an alert with 60 long check lines and a long title into one valid Slack message', async () => {
    await start();
    const lines = Array.from({ length: 60 }, (_, i) => `❌ \`/check-${i}\` 500 · 1 ms — ${'x'.repeat(1400)}`);
    const outcome = await observeAlert(
      bot.deps,
      observation('posture:github', true, { failureThreshold: 1, lines, title: `🚨 ${'very '.repeat(60)}long` }),
    );
    expect(outcome).toBe('opened');
    const [post] = alertPosts();
    expect(post!.args.blocks.length).toBeLessThanOrEqual(50);
    expect(post!.args.blocks[0].text.text.length).toBeLessThanOrEqual(150);
    expect(textOf(post!.args.blocks)).toContain('more');
    expect(await bot.db.query('select slack_ts is not null as posted from alerts')).toEqual([{ posted: true }]);
  });
});
