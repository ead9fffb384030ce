// Snooze and Resolve as people use them on the alert message: the alert's state and message change, reminders and
// escalation wait out a snooze, a manual resolution is reopened by the next failing run, and two clicks at once
// leave one state change (the other click is told "already …").
import { afterEach, describe, expect, it, vi } from 'vitest';
import { janitorJob } from '../../jobs/janitor.js';
import type { AlertObservation } from '../../src/alerts/observation.js';
import { observeAlert } from '../../src/alerts/observe.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, startBot } from '../support/bot.js';
import { textOf } from '../support/slack-fake.js';

const observation = (failing: boolean): AlertObservation => ({
  key: 'smoke:qa',
  failing,
  title: '🚨 Service qa smoke test failed',
  lines: ['❌ `/healthz` 503'],
  email: { subject: '🚨 qa', text: 'failed' },
});

describe('alert actions: snooze and resolve', () => {
  let bot: Bot;
  let now: Date;
  afterEach(() => bot?.stop());
  const start = async (env: Record<string, string> = {}) => {
    now = new Date('2026-03-04T09:00:00Z');
    bot = await startBot({
      now: () => now,
      env: { ALERT_ESCALATE_MINUTES: '30', ALERT_ONCALL_GROUP: '@oncall', ...env },
    });
    bot.slack.groups = { oncall: { id: 'S0ONCALL', users: ['U_A', 'U_B'] } };
  };
  const advance = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
  };
  const openAlert = async () => {
    await observeAlert(bot.deps, observation(true));
    await observeAlert(bot.deps, observation(true));
    const [alert] = await bot.db.query<{ id: string; slack_ts: string }>('select id::text as id, slack_ts from alerts');
    return alert!;
  };
  const lastMessage = (ts: string) =>
    textOf(
      bot.slack
        .callsOf('chat.update')
        .filter((c) => c.args.ts === ts)
        .at(-1)?.args.blocks,
    );
  const threadReplies = () => bot.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts);
  const auditOf = (action: string) =>
    bot.db.query<{ outcome: string; actor: string }>(
      'select outcome, actor from audit_events where action = $1 order by seq',
      [action],
    );
  const snooze = (id: string, choice: string, user = 'U_ONCALL') =>
    bot.action({ actionId: 'alert.snooze', selectedOption: `${id}:${choice}`, user, channel: 'C_ALERTS' });

  it('snoozes until tomorrow 09:00 in the clicker’s time zone: no reminder nor escalation until then', async () => {
    await start();
    bot.slack.timeZones = { U_ONCALL: 'Europe/Berlin' };
    const alert = await openAlert();
    await snooze(alert.id, 'morning');
    // 09:00 UTC is 10:00 in Berlin: tomorrow 09:00 there is 08:00 UTC.
    const until = new Date('2026-03-05T08:00:00Z');
    await vi.waitFor(
      async () => {
        expect(await bot.db.query('select status, snoozed_until, snoozed_by from alerts')).toEqual([
          { status: 'open', snoozed_until: until, snoozed_by: 'U_ONCALL' },
        ]);
      },
      { timeout: 20_000 },
    );
    await vi.waitFor(
      () => expect(lastMessage(alert.slack_ts)).toContain('Snoozed by <@U_ONCALL> until 2026-03-05 08:00 UTC'),
      {
        timeout: 20_000,
      },
    );
    const answer = await bot.slack.waitFor('response_url', 1, 20_000);
    expect(textOf(answer[0]!.args)).toContain('Snoozed until 2026-03-05 08:00 UTC');

    for (const minutes of [31, 60, 60, 600]) {
      advance(minutes);
      await runJob(janitorJob, bot.deps);
    }
    expect(threadReplies()).toHaveLength(0);
    expect(bot.slack.callsOf('conversations.open')).toHaveLength(0);
    expect(await bot.db.query('select escalated_at from alerts')).toEqual([{ escalated_at: null }]);

    now = new Date(until.getTime() + 60_000);
    await runJob(janitorJob, bot.deps);
    expect(await bot.db.query('select snoozed_until from alerts')).toEqual([{ snoozed_until: null }]);
    expect(lastMessage(alert.slack_ts)).not.toContain('Snoozed');
    expect(textOf(threadReplies().at(-1)?.args)).toContain('Still failing');
    expect((await auditOf('alert.unsnooze')).map((e) => e.outcome)).toEqual(['unsnoozed']);
    // Escalation counts again from the end of the snooze.
    advance(31);
    await runJob(janitorJob, bot.deps);
    expect(textOf(threadReplies().at(-1)?.args)).toContain('<!subteam^S0ONCALL>');
  });

  it('takes one of two snoozes clicked at once and tells the other it is already snoozed', async () => {
    await start();
    const alert = await openAlert();
    await Promise.all([snooze(alert.id, '1h', 'U_ONE'), snooze(alert.id, '4h', 'U_TWO')]);
    const answers = await bot.slack.waitFor('response_url', 2, 20_000);
    const [row] = await bot.db.query<{ snoozed_by: string; snoozed_until: Date }>(
      'select snoozed_by, snoozed_until from alerts',
    );
    const hours = row!.snoozed_by === 'U_ONE' ? 1 : 4;
    expect(row!.snoozed_until).toEqual(new Date(now.getTime() + hours * 3_600_000));
    expect(answers.map((a) => a.args.text).filter((t: string) => t.startsWith('Already snoozed by'))).toHaveLength(1);
    const events = await auditOf('alert.snooze');
    expect(events.filter((e) => e.outcome === 'snoozed')).toEqual([{ outcome: 'snoozed', actor: row!.snoozed_by }]);
    expect(events.map((e) => e.outcome).sort()).toEqual(['snoozed', 'unchanged']);
  });

  it('ends a snooze from the menu, and refuses a snooze choice it does not know', async () => {
    await start();
    const alert = await openAlert();
    await snooze(alert.id, '1h');
    await vi.waitFor(() => expect(lastMessage(alert.slack_ts)).toContain('Snoozed'), { timeout: 20_000 });
    await snooze(alert.id, 'end');
    await snooze(alert.id, 'forever');
    const answers = await bot.slack.waitFor('response_url', 3, 20_000);
    expect(answers.map((a) => a.args.text)).toContain('`forever` is not a snooze choice; nothing changed.');
    await vi.waitFor(() => expect(lastMessage(alert.slack_ts)).not.toContain('Snoozed'), { timeout: 20_000 });
    expect(await bot.db.query('select snoozed_until from alerts')).toEqual([{ snoozed_until: null }]);
  });

  it('resolves by hand with a note from the modal, and the next failing run opens a new alert at once', async () => {
    await start();
    const alert = await openAlert();
    await bot.action({
      actionId: 'alert.resolve',
      value: alert.id,
      user: 'U_ONCALL',
      channel: 'C_ALERTS',
      triggerId: 't-1',
    });
    const [open] = await bot.slack.waitFor('views.open', 1, 20_000);
    expect(open!.args.view.callback_id).toBe('alert.resolve-modal');
    const metadata = open!.args.view.private_metadata;
    const empty = await bot.submitView({
      callbackId: 'alert.resolve-modal',
      values: { note: '  ' },
      user: 'U_ONCALL',
      privateMetadata: metadata,
    });
    expect(empty.body).toMatchObject({
      response_action: 'errors',
      errors: { note: expect.stringContaining('what fixed it') },
    });
    expect(await bot.db.query('select status from alerts')).toEqual([{ status: 'open' }]);

    await Promise.all(
      ['U_ONCALL', 'U_OTHER'].map((user) =>
        bot.submitView({
          callbackId: 'alert.resolve-modal',
          values: { note: `restarted <!channel> pool (${user})` },
          user,
          privateMetadata: metadata,
        }),
      ),
    );
    await vi.waitFor(() => expect(bot.slack.callsOf('chat.postEphemeral')).toHaveLength(1), { timeout: 20_000 });
    const [row] = await bot.db.query<{ status: string; resolved_by: string; resolve_note: string }>(
      'select status, resolved_by, resolve_note from alerts',
    );
    expect(row).toMatchObject({ status: 'resolved', resolve_note: `restarted <!channel> pool (${row!.resolved_by})` });
    expect(bot.slack.callsOf('chat.postEphemeral')[0]!.args.text).toContain(
      `already resolved by <@${row!.resolved_by}>`,
    );
    expect((await auditOf('alert.resolve')).map((e) => e.outcome).sort()).toEqual(['resolved', 'unchanged']);
    await vi.waitFor(() => expect(lastMessage(alert.slack_ts)).toContain(`*Resolved* by <@${row!.resolved_by}>`), {
      timeout: 20_000,
    });
    expect(lastMessage(alert.slack_ts)).toContain('&lt;!channel&gt;');
    expect(lastMessage(alert.slack_ts)).not.toContain('Acknowledge');
    await vi.waitFor(() => expect(textOf(threadReplies().at(-1)?.args)).toContain('Resolved by'), { timeout: 20_000 });

    advance(60);
    expect(await observeAlert(bot.deps, observation(true))).toBe('opened');
    const alerts = await bot.db.query<{ status: string; first_seen: Date; occurrences: number }>(
      'select status, first_seen, occurrences from alerts order by id',
    );
    expect(alerts).toEqual([
      expect.objectContaining({ status: 'resolved' }),
      { status: 'open', first_seen: now, occurrences: 1 },
    ]);
    expect(bot.slack.callsOf('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(2);
  });
});
