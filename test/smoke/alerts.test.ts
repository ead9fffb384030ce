// The scheduled smoke job through the alert lifecycle, as the on-call engineer sees it in #ops-alerts and the inbox:
// one message per alert, updated, reminded, acknowledged, resolved; mail with the runbook's subject.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janitorJob } from '../../jobs/janitor.js';
import { smokeJob } from '../../jobs/smoke.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeApp, healthyRoutes, startFakeApp } from '../support/fake-app.js';
import { textOf } from '../support/slack-fake.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp.js';

describe('scheduled smoke alerts', () => {
  let app: FakeApp;
  let smtp: SmtpSink;
  let bot: Bot;
  let now = new Date('2026-03-04T14:00:00Z');
  const minutes = (n: number) => {
    now = new Date(now.getTime() + n * 60_000);
  };
  const alertPosts = () =>
    bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C_ALERTS' && !c.args.thread_ts);
  const threadReplies = () => bot.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts);
  const updates = () => bot.slack.callsOf('chat.update').filter((c) => c.args.channel === 'C_ALERTS');
  const alertTs = async () => (await bot.db.query<{ slack_ts: string }>('select slack_ts from alerts'))[0]!.slack_ts;
  const alertId = async () => (await bot.db.query<{ id: string }>('select id::text as id from alerts'))[0]!.id;

  beforeAll(async () => {
    app = await startFakeApp({ ...healthyRoutes(), '/readyz': { status: 503, json: { status: 'not_ready' } } });
    smtp = await startSmtpSink();
    bot = await startBot({
      now: () => now,
      env: {
        ENVIRONMENTS: 'staging',
        STAGING_BASE_URL: app.url,
        SERVICE_NAME: 'AI Bookkeeper',
        ALERT_LINKS: 'Logs=https://logs.example.com/staging,Dashboard=https://grafana.example.com/d/1',
        ALERT_EMAIL: 'ops@example.com',
        SMTP_FROM: 'opsbot@example.com',
        ...smtp.env(),
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([app?.stop(), smtp?.stop()]);
  });

  it('opens no alert on the first failing run', async () => {
    await runJob(smokeJob, bot.deps);
    expect(await bot.db.query("select status from runs where kind = 'smoke'")).toEqual([{ status: 'failed' }]);
    expect(alertPosts()).toHaveLength(0);
    expect(smtp.mails).toHaveLength(0);
  });

  it('posts one alert message on the second failing run: checks, URL, tips, links and Acknowledge', async () => {
    minutes(1);
    await runJob(smokeJob, bot.deps);
    expect(alertPosts()).toHaveLength(1);
    const [post] = alertPosts();
    const text = textOf(post!.args.blocks);
    expect(text).toContain('🚨 AI Bookkeeper staging smoke test failed');
    expect(text).toContain(app.url);
    expect(text).toContain('✅ `/healthz` 200');
    expect(text).toContain('❌ `/readyz` 503');
    expect(text).toContain('cold start: wait 60 s');
    expect(text).toContain('<https://logs.example.com/staging|Logs> · <https://grafana.example.com/d/1|Dashboard>');
    expect(text).toContain('Failing since 2026-03-04 14:00 UTC · 2 failing runs');
    const button = post!.args.blocks
      .flatMap((b: { elements?: unknown[] }) => b.elements ?? [])
      .find((e: { action_id?: string }) => e.action_id === 'alert.acknowledge');
    expect(button).toMatchObject({ text: { text: 'Acknowledge' }, value: await alertId() });
  });

  it('sends the alert mail with the runbook subject, the URL, each check and the link to the message', async () => {
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe('🚨 AI Bookkeeper staging: Smoke Test Failed');
    expect(mail!.to).toEqual(['ops@example.com']);
    expect(mail!.text).toContain(`URL: ${app.url}`);
    expect(mail!.text).toContain('✅ /healthz 200');
    expect(mail!.text).toContain('❌ /readyz 503');
    expect(mail!.text).toContain(`Slack: https://slack.test/archives/C_ALERTS/p${(await alertTs()).replace('.', '')}`);
  });

  it('updates that same message on the next failing run instead of posting a new one', async () => {
    minutes(1);
    await runJob(smokeJob, bot.deps);
    expect(alertPosts()).toHaveLength(1);
    expect(updates()).toHaveLength(1);
    expect(updates()[0]!.args.ts).toBe(await alertTs());
    expect(textOf(updates()[0]!.args.blocks)).toContain('3 failing runs, last at 14:02 UTC');
    expect(smtp.mails).toHaveLength(1);
  });

  it('reminds in the thread and by mail when nobody acknowledges within ALERT_RENOTIFY_MINUTES', async () => {
    minutes(58);
    await runJob(janitorJob, bot.deps);
    expect(threadReplies()).toHaveLength(0);
    minutes(1);
    await runJob(janitorJob, bot.deps);
    expect(threadReplies()).toHaveLength(1);
    expect(threadReplies()[0]!.args).toMatchObject({ channel: 'C_ALERTS', thread_ts: await alertTs() });
    expect(threadReplies()[0]!.args.text).toContain('Still failing after 1 h 1 min and nobody has acknowledged it');
    const mails = await smtp.waitFor(2);
    expect(mails[1]!.subject).toBe('Reminder: 🚨 AI Bookkeeper staging: Smoke Test Failed');
  });

  it('marks the message acknowledged by who and when on Acknowledge, and audits it', async () => {
    const id = await alertId();
    const answer = await bot.action({
      actionId: 'alert.acknowledge',
      value: id,
      user: 'U_ONCALL',
      channel: 'C_ALERTS',
      messageTs: await alertTs(),
    });
    expect(answer.status).toBe(200);
    const [, update] = await bot.slack.waitFor('chat.update', 2, 10_000);
    const text = textOf(update!.args.blocks);
    expect(text).toContain('Acknowledged by <@U_ONCALL> at 15:01 UTC');
    expect(text).not.toContain('Acknowledge\n');
    // Acknowledge is gone; Resolve and Snooze stay while the alert is open.
    const actionIds = update!.args.blocks
      .filter((b: { type: string }) => b.type === 'actions')
      .flatMap((b: { elements: { action_id: string }[] }) => b.elements.map((e) => e.action_id));
    expect(actionIds).not.toContain('alert.acknowledge');
    expect(actionIds.length).toBeGreaterThan(0);
    expect(
      await bot.db.query("select actor, channel, outcome, params from audit_events where action = 'alert.acknowledge'"),
    ).toEqual([
      {
        actor: 'U_ONCALL',
        channel: 'C_ALERTS',
        outcome: 'acknowledged',
        params: { alertId: id, key: 'smoke:staging', runId: expect.stringMatching(/^r_/) },
      },
    ]);
  });

  it('changes nothing on a second click, and says who acknowledged it', async () => {
    const before = {
      updates: updates().length,
      audit: await bot.db.query("select seq from audit_events where action = 'alert.acknowledge'"),
    };
    await bot.action({
      actionId: 'alert.acknowledge',
      value: await alertId(),
      user: 'U_LATE',
      channel: 'C_ALERTS',
      messageTs: await alertTs(),
    });
    const [reply] = await bot.slack.waitFor('response_url', 1, 10_000);
    expect(reply!.args).toMatchObject({
      response_type: 'ephemeral',
      text: 'Already acknowledged by <@U_ONCALL> at 15:01 UTC; nothing changed.',
    });
    expect(updates()).toHaveLength(before.updates);
    // The second click is an outcome of its own: audited as unchanged, after the acknowledgement it left alone.
    const audited = await bot.db.query<{ seq: number; outcome: string }>(
      "select seq, outcome from audit_events where action = 'alert.acknowledge' order by seq",
    );
    expect(audited.map((e) => e.seq).slice(0, before.audit.length)).toEqual(before.audit.map((e) => e.seq));
    expect(audited.slice(before.audit.length).map((e) => e.outcome)).toEqual(['unchanged']);
    expect(await bot.db.query('select acknowledged_by from alerts')).toEqual([{ acknowledged_by: 'U_ONCALL' }]);
  });

  it('sends no more reminders once acknowledged', async () => {
    minutes(180);
    await runJob(janitorJob, bot.deps);
    expect(threadReplies()).toHaveLength(1);
    expect(smtp.mails).toHaveLength(2);
  });

  it('resolves on a passing run: the message says how long it was down, the thread and the inbox hear it', async () => {
    app.set('/readyz', healthyRoutes()['/readyz']!);
    await runJob(smokeJob, bot.deps);
    const last = updates().at(-1)!;
    expect(last.args.ts).toBe(await alertTs());
    expect(textOf(last.args.blocks)).toContain('✅ Resolved: AI Bookkeeper staging smoke test failed');
    expect(textOf(last.args.blocks)).toContain('*Resolved* at 18:01 UTC after 4 h 1 min');
    expect(threadReplies().at(-1)!.args.text).toContain('✅ Resolved: passing again after 4 h 1 min');
    const mails = await smtp.waitFor(3);
    expect(mails[2]!.subject).toBe('✅ Resolved: AI Bookkeeper staging: Smoke Test Failed');
    expect(await bot.db.query('select status from alerts')).toEqual([{ status: 'resolved' }]);
    expect(alertPosts()).toHaveLength(1);
  });
});
