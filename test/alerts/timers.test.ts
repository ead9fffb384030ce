// The alert timers as the janitor runs them: an old acknowledgement asks its acknowledger by DM ("Still on it" keeps
// it; no answer within the hour returns the alert to unacknowledged), and an unacknowledged alert escalates to the
// on-call group (thread mention + a DM each), once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { janitorJob } from '../../jobs/janitor.js';
import { observeAlert } from '../../src/alerts/observe.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { textOf } from '../support/slack-fake.js';

describe('alert timers', () => {
  let bot: Bot;
  let now: Date;
  afterEach(() => bot?.stop());
  const start = async (env: Record<string, string> = {}) => {
    now = new Date('2026-03-04T09:00:00Z');
    bot = await startBot({ now: () => now, env });
    bot.slack.groups = { oncall: { id: 'S0ONCALL', users: ['U_A', 'U_B'] } };
  };
  const tick = async (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
    await runJob(janitorJob, bot.deps);
  };
  const openAlert = async () => {
    for (let i = 0; i < 2; i++)
      await observeAlert(bot.deps, {
        key: 'smoke:qa',
        failing: true,
        title: '🚨 Service qa smoke test failed',
        lines: ['❌ `/healthz` 503'],
        email: { subject: '🚨 qa', text: 'failed' },
      });
    const [alert] = await bot.db.query<{ id: string; slack_ts: string }>('select id::text as id, slack_ts from alerts');
    return alert!;
  };
  const lastMessage = (ts: string) =>
    bot.slack
      .callsOf('chat.update')
      .filter((c) => c.args.ts === ts)
      .at(-1)?.args;
  const dms = (user: string) => bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === `D_${user}`);
  const audit = (action: string) =>
    bot.db.query<{ outcome: string }>('select outcome from audit_events where action = $1 order by seq', [action]);

  it('asks the acknowledger after ALERT_ACK_TIMEOUT_MINUTES, keeps the acknowledgement on "Still on it", and returns the alert to unacknowledged when nobody answers within the hour', async () => {
    await start({ ALERT_ACK_TIMEOUT_MINUTES: '240', ALERT_ESCALATE_MINUTES: '0' });
    const alert = await openAlert();
    await bot.action({ actionId: 'alert.acknowledge', value: alert.id, user: 'U_ONCALL', channel: 'C_ALERTS' });
    await vi.waitFor(
      () => expect(textOf(lastMessage(alert.slack_ts)?.blocks)).toContain('Acknowledged by <@U_ONCALL>'),
      {
        timeout: 20_000,
      },
    );

    await tick(239);
    expect(dms('U_ONCALL')).toHaveLength(0);
    await tick(2);
    expect(bot.slack.callsOf('conversations.open').map((c) => c.args.users)).toEqual(['U_ONCALL']);
    const [ask] = dms('U_ONCALL');
    expect(textOf(ask!.args.blocks)).toContain('Are you still on it?');
    expect(JSON.stringify(ask!.args.blocks)).toContain('alert.still-on-it');
    expect(textOf(lastMessage(alert.slack_ts)?.blocks)).toContain('Asked <@U_ONCALL>');

    // Two clicks of "Still on it" at once: one confirmation, one "already" answer.
    const click = () =>
      bot.action({ actionId: 'alert.still-on-it', value: alert.id, user: 'U_ONCALL', channel: 'D_U_ONCALL' });
    await Promise.all([click(), click()]);
    const answers = await bot.slack.waitFor('response_url', 2, 20_000);
    expect(answers.map((a) => textOf(a.args)).filter((t) => t.includes('Already confirmed'))).toHaveLength(1);
    expect((await audit('alert.confirm')).map((e) => e.outcome).sort()).toEqual(['confirmed', 'unchanged']);
    await vi.waitFor(() => expect(textOf(lastMessage(alert.slack_ts)?.blocks)).toContain('Still on it at'), {
      timeout: 20_000,
    });

    await tick(61);
    expect(await bot.db.query('select status, acknowledged_by from alerts')).toEqual([
      { status: 'acknowledged', acknowledged_by: 'U_ONCALL' },
    ]);
    expect(dms('U_ONCALL')).toHaveLength(1);

    await tick(180); // 240 min after the confirmation: asked again
    expect(dms('U_ONCALL')).toHaveLength(2);
    await tick(59);
    expect(await bot.db.query('select status from alerts')).toEqual([{ status: 'acknowledged' }]);
    await tick(2);
    expect(await bot.db.query('select status, acknowledged_by, ack_lapsed_by from alerts')).toEqual([
      { status: 'open', acknowledged_by: null, ack_lapsed_by: 'U_ONCALL' },
    ]);
    const message = lastMessage(alert.slack_ts)!;
    expect(textOf(message.blocks)).toContain('*Unacknowledged again*: <@U_ONCALL> did not confirm');
    expect(JSON.stringify(message.blocks)).toContain('"alert.acknowledge"');
    const replies = bot.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === alert.slack_ts);
    expect(textOf(replies.at(-1)?.args)).toContain('is unacknowledged again');
    expect((await audit('alert.unacknowledge')).map((e) => e.outcome)).toEqual(['lapsed']);
    expect((await audit('alert.ask')).map((e) => e.outcome)).toEqual(['asked', 'asked']);

    // A late "Still on it" changes nothing and says why.
    await click();
    await vi.waitFor(
      () =>
        expect(bot.slack.callsOf('response_url').at(-1)?.args.text).toContain('Too late: the acknowledgement lapsed'),
      { timeout: 20_000 },
    );
    expect(await bot.db.query('select status from alerts')).toEqual([{ status: 'open' }]);
  });

  it('escalates an unacknowledged alert after ALERT_ESCALATE_MINUTES: the on-call group in the thread, a DM to each member, once', async () => {
    await start({ ALERT_ESCALATE_MINUTES: '30', ALERT_ONCALL_GROUP: '@oncall' });
    const alert = await openAlert();
    await tick(29);
    expect(bot.slack.callsOf('conversations.open')).toHaveLength(0);
    await tick(2);
    const replies = bot.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === alert.slack_ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.args.text).toContain('<!subteam^S0ONCALL>');
    expect(
      bot.slack
        .callsOf('conversations.open')
        .map((c) => c.args.users)
        .sort(),
    ).toEqual(['U_A', 'U_B']);
    for (const user of ['U_A', 'U_B']) expect(textOf(dms(user)[0]?.args.blocks)).toContain('you are on call');
    expect(textOf(lastMessage(alert.slack_ts)?.blocks)).toContain('Escalated to on-call');
    expect((await audit('alert.escalate')).map((e) => e.outcome)).toEqual(['escalated']);

    await tick(5);
    await tick(5);
    expect(bot.slack.callsOf('conversations.open')).toHaveLength(2);
    expect((await audit('alert.escalate')).map((e) => e.outcome)).toEqual(['escalated']);
  });

  it('never escalates with ALERT_ESCALATE_MINUTES=0', async () => {
    await start({ ALERT_ESCALATE_MINUTES: '0', ALERT_ONCALL_GROUP: '@oncall' });
    await openAlert();
    await tick(120);
    expect(bot.slack.callsOf('conversations.open')).toHaveLength(0);
    expect(await bot.db.query('select escalated_at from alerts')).toEqual([{ escalated_at: null }]);
  });
});
