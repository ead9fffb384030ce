// Slack that takes the post but loses the answer, answers 500, or rate-limits: afterwards exactly one alert message
// exists, and reminders queued meanwhile arrive as one reply worded for the time it is sent.
import { afterEach, expect, it } from 'vitest';
import { janitorJob } from '../../jobs/janitor.js';
import type { AlertObservation } from '../../src/alerts/observation.js';
import { observeAlert } from '../../src/alerts/observe.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import type { Outage } from '../support/slack-fake.js';

const failing: AlertObservation = {
  key: 'smoke:staging',
  failing: true,
  failureThreshold: 1,
  title: '🚨 Service staging smoke test failed',
  lines: ['❌ `/readyz` 503 · 12 ms — HTTP 503'],
  email: { subject: 'Smoke Test Failed', text: 'HTTP 503' },
};
// Slack's side of the outage: the post and the history lookup both misbehave.
const METHODS = ['chat.postMessage', 'conversations.history', 'conversations.replies'];

describeWithPostgres('alert messages when Slack loses answers', () => {
  let bot: Bot;
  let now = new Date('2026-03-04T09:00:00Z');
  afterEach(() => bot?.stop());
  const later = async (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
    await runJob(janitorJob, bot.deps);
  };
  const slackDown = (outage: Outage | undefined) => {
    for (const method of METHODS) bot.slack.outage(method, outage);
  };
  const alertMessages = () => bot.slack.marked('C_ALERTS', 'opsbot_alert');

  it.each<[string, Outage]>([
    ['accepts posts but never answers', { mode: 'accept-no-answer' }],
    ['answers HTTP 500', { mode: '500' }],
    ['rate-limits with 429 and Retry-After', { mode: '429', retryAfterSeconds: 1 }],
  ])('posts exactly one alert message when Slack %s for a while', async (_what, outage) => {
    now = new Date('2026-03-04T09:00:00Z');
    bot = await startBot({ now: () => now, env: { SLACK_API_TIMEOUT_MS: '300' } });
    slackDown(outage);
    expect(await observeAlert(bot.deps, failing)).toBe('opened');
    await later(1);
    await later(2);
    slackDown(undefined);
    await later(5);
    await later(15);
    await later(30);
    expect(alertMessages()).toHaveLength(1);
    const [alert] = await bot.db.query<{ slack_ts: string }>('select slack_ts from alerts');
    expect(alert!.slack_ts).toBe(alertMessages()[0]!.ts);
    expect(await bot.db.query('select id from outbox where delivered_at is null')).toEqual([]);
  });

  it('sends the reminders queued while Slack was down as one reply, worded for when it is sent', async () => {
    now = new Date('2026-03-04T09:00:00Z');
    bot = await startBot({ now: () => now, env: { SLACK_API_TIMEOUT_MS: '300', ALERT_RENOTIFY_MINUTES: '60' } });
    expect(await observeAlert(bot.deps, failing)).toBe('opened');
    expect(alertMessages()).toHaveLength(1);
    slackDown({ mode: '500' });
    for (let hour = 0; hour < 3; hour++) await later(61);
    const queued = await bot.db.query(
      "select id from outbox where kind = 'alert.reply' and payload->>'type' = 'reminder'",
    );
    expect(queued.length).toBe(3);
    expect(bot.slack.messages.filter((m) => m.thread_ts)).toEqual([]);
    slackDown(undefined);
    await later(16);
    const replies = bot.slack.messages.filter((m) => m.thread_ts === alertMessages()[0]!.ts);
    expect(replies).toHaveLength(1);
    // First seen at 09:00, sent at 12:19: the wording says so, not "1 h".
    expect(replies[0]!.text).toContain('3 h 19 min');
  });
});
