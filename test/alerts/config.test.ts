// The alert actions' variables: defaults, 0 turning a timer off, and every bad value reported at once with an example.
import { describe, expect, it } from 'vitest';
import { snoozeUntil } from '../../src/alerts/snooze.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123', ENVIRONMENTS: 'staging' };

describe('alert action settings', () => {
  it('defaults to asking after 240 min and escalating after 30 min, to nobody until a group is set', () => {
    expect(loadConfig(base).alerts).toMatchObject({
      ackTimeoutMinutes: 240,
      escalateMinutes: 30,
      oncallGroup: undefined,
    });
    expect(loadConfig({ ...base, ALERT_ESCALATE_MINUTES: '0', ALERT_ONCALL_GROUP: '@oncall' }).alerts).toMatchObject({
      escalateMinutes: 0,
      oncallGroup: '@oncall',
    });
  });

  it('reports a bad timeout and a bad group together, each with an example, and starts nothing', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ ...base, ALERT_ACK_TIMEOUT_MINUTES: 'soon', ALERT_ONCALL_GROUP: 'on call!' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        'ALERT_ACK_TIMEOUT_MINUTES: `soon` is not a number. Example: ALERT_ACK_TIMEOUT_MINUTES=240 (0 turns it off)',
        'ALERT_ONCALL_GROUP: `on call!` is not a user-group handle or id. Example: ALERT_ONCALL_GROUP=@oncall (or S0123ABCD)',
      ]),
    );
  });

  it('snoozes until 09:00 tomorrow on the clicker’s wall clock, across a daylight-saving change', () => {
    // 2026-03-28 22:00 UTC is 23:00 in Berlin (CET); overnight Berlin moves to CEST (UTC+2).
    expect(snoozeUntil('morning', new Date('2026-03-28T22:00:00Z'), 'Europe/Berlin')).toEqual(
      new Date('2026-03-29T07:00:00Z'),
    );
    expect(snoozeUntil('morning', new Date('2026-03-04T23:30:00Z'), 'America/New_York')).toEqual(
      new Date('2026-03-05T14:00:00Z'),
    );
    expect(snoozeUntil('4h', new Date('2026-03-04T23:30:00Z'), 'UTC')).toEqual(new Date('2026-03-05T03:30:00Z'));
  });
});
