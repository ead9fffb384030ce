// No alert is lost and none is doubled: when Slack refuses chat.postMessage (HTTP 500, or 429 rate limits) the alert
// waits in the outbox, the email still goes out, and the janitor posts it exactly once when Slack is back.
import { afterEach, describe, expect, it } from 'vitest';
import { janitorJob } from '../../jobs/janitor.js';
import type { AlertObservation } from '../../src/alerts/observation.js';
import { observeAlert } from '../../src/alerts/observe.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { textOf } from '../support/slack-fake.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp.js';

// The Web API client's own attempts per call (one try and two retries): all of them fail while Slack is "down".
const CLIENT_ATTEMPTS = 3;

const failing = (key: string): AlertObservation => ({
  key,
  failing: true,
  failureThreshold: 1,
  title: `🚨 Service ${key} failed`,
  lines: ['❌ `/readyz` 503 · 12 ms — HTTP 503'],
  url: 'https://staging.example.com',
  email: { subject: `🚨 Service ${key}: Smoke Test Failed`, text: 'URL: https://staging.example.com' },
});

describe('alert delivery when Slack fails', () => {
  let bot: Bot;
  let smtp: SmtpSink;
  let now = new Date('2026-03-04T09:00:00Z');
  afterEach(async () => {
    await bot?.stop();
    await smtp?.stop();
  });
  async function start() {
    smtp = await startSmtpSink();
    bot = await startBot({ now: () => now, env: { ALERT_EMAIL: 'ops@example.com', ...smtp.env() } });
  }
  const posts = () => bot.slack.callsOf('chat.postMessage');
  const outbox = () =>
    bot.db.query<{ kind: string; delivered: boolean; last_error: string | null }>(
      'select kind, delivered_at is not null as delivered, last_error from outbox order by id',
    );
  const janitor = async (minutesLater: number) => {
    now = new Date(now.getTime() + minutesLater * 60_000);
    await runJob(janitorJob, bot.deps);
  };

  it.each([
    ['answers HTTP 500', { status: 500, body: { ok: false, error: 'internal_error' } }, 'HTTP 500'],
    [
      'rate-limits with 429',
      { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } },
      'rate limit',
    ],
  ])(
    'posts the alert once after Slack recovers when Slack %s, and mails it meanwhile',
    async (_what, failure, error) => {
      await start();
      bot.slack.failNext('chat.postMessage', CLIENT_ATTEMPTS, failure);
      expect(await observeAlert(bot.deps, failing('smoke:staging'))).toBe('opened');
      expect(posts()).toHaveLength(CLIENT_ATTEMPTS);
      expect(await outbox()).toEqual([
        { kind: 'alert.sync', delivered: false, last_error: expect.stringContaining(error) },
        { kind: 'alert.email', delivered: true, last_error: null },
      ]);
      const [mail] = await smtp.waitFor(1);
      expect(mail!.subject).toBe('🚨 Service smoke:staging: Smoke Test Failed');
      expect(mail!.text).toContain('the alert message is not posted yet');

      await janitor(1);
      expect(posts()).toHaveLength(CLIENT_ATTEMPTS + 1);
      expect(textOf(posts().at(-1)!.args.blocks)).toContain('🚨 Service smoke:staging failed');
      expect((await outbox()).every((item) => item.delivered)).toBe(true);

      await janitor(1);
      await janitor(30);
      expect(posts()).toHaveLength(CLIENT_ATTEMPTS + 1);
      expect(await bot.db.query('select slack_ts is not null as posted from alerts')).toEqual([{ posted: true }]);
    },
  );

  it('updates the posted message, not a second post, when a later failure arrives while Slack is still down', async () => {
    await start();
    bot.slack.failNext('chat.postMessage', CLIENT_ATTEMPTS);
    await observeAlert(bot.deps, failing('backup:staging'));
    bot.slack.failNext('chat.postMessage', CLIENT_ATTEMPTS);
    expect(await observeAlert(bot.deps, failing('backup:staging'))).toBe('updated');
    await janitor(1);
    await janitor(5);
    const delivered = posts().slice(2 * CLIENT_ATTEMPTS);
    expect(delivered).toHaveLength(1);
    expect(textOf(delivered[0]!.args.blocks)).toContain('2 failing runs');
    expect(bot.slack.callsOf('chat.update')).toHaveLength(0);
  });

  it('posts the resolution reply in the thread of the alert, after the alert itself, when Slack was down throughout', async () => {
    await start();
    bot.slack.failNext('chat.postMessage', 2 * CLIENT_ATTEMPTS);
    await observeAlert(bot.deps, failing('drill:staging'));
    expect(await observeAlert(bot.deps, { ...failing('drill:staging'), failing: false })).toBe('resolved');
    await janitor(1);
    const delivered = posts().slice(2 * CLIENT_ATTEMPTS);
    expect(
      delivered.map((c) => [c.args.thread_ts === undefined ? 'message' : 'reply', c.args.text.slice(0, 11)]),
    ).toEqual([
      ['message', '✅ Resolved:'],
      ['reply', '✅ Resolved:'],
    ]);
    expect(delivered[1]!.args.thread_ts).toBe(
      (await bot.db.query<{ slack_ts: string }>('select slack_ts from alerts'))[0]!.slack_ts,
    );
  });

  it('posts once when two janitors deliver the same outbox at the same moment', async () => {
    await start();
    bot.slack.failNext('chat.postMessage', CLIENT_ATTEMPTS);
    await observeAlert(bot.deps, failing('posture:github'));
    now = new Date(now.getTime() + 60_000);
    await Promise.all([runJob(janitorJob, bot.deps), runJob(janitorJob, bot.deps), runJob(janitorJob, bot.deps)]);
    expect(posts()).toHaveLength(CLIENT_ATTEMPTS + 1);
  });
});
