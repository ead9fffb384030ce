// Roles: user ids and user-group handles, admins hold every role, and every refusal is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize } from '../../src/operate/operate.js';
import { type Bot, startBot } from '../support/bot.js';

describe('roles', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({
      env: { OPSBOT_ADMINS: 'U_ADMIN', OPSBOT_OPERATORS: 'U_OPS,@platform-oncall', OPSBOT_REVIEWERS: 'S0COMPLIANCE' },
    });
    bot.slack.groups = {
      'platform-oncall': { id: 'S0ONCALL', users: ['U_PAGER'] },
      compliance: { id: 'S0COMPLIANCE', users: ['U_AUDIT'] },
    };
  });
  afterAll(() => bot.stop());

  it.each([
    ['U_OPS', 'operator', true],
    ['U_PAGER', 'operator', true],
    ['U_AUDIT', 'reviewer', true],
    ['U_ADMIN', 'reviewer', true],
    ['U_ADMIN', 'operator', true],
    ['U_PAGER', 'reviewer', false],
    ['U_STRANGER', 'operator', false],
  ] as const)('%s holds the %s role: %s', async (user, role, expected) => {
    expect(await bot.deps.roles.has(user, role)).toBe(expected);
  });

  it('knows group members without waiting once the directory was read, for help before ack', async () => {
    await bot.deps.roles.refresh();
    expect(bot.deps.roles.rolesKnownNow('U_PAGER')).toEqual(['operator']);
    expect(bot.deps.roles.rolesKnownNow('U_ADMIN')).toEqual(['admin', 'operator', 'reviewer']);
    expect(bot.deps.roles.rolesKnownNow('U_STRANGER')).toEqual([]);
  });

  it('refuses a user without the role, tells them what is missing, and audits the refusal', async () => {
    const refused = await authorize(bot.deps, {
      kind: 'seed',
      role: 'operator',
      what: '/seed',
      actor: { user: 'U_STRANGER', channel: 'C_OPS' },
    });
    expect(refused?.reason).toBe('`/seed` needs an operator role; ask an admin to add you to OPSBOT_OPERATORS.');
    expect(
      await authorize(bot.deps, { kind: 'seed', role: 'operator', what: '/seed', actor: { user: 'U_OPS' } }),
    ).toBeUndefined();
    const rows = await bot.db.query(
      "select actor, channel, action, params, outcome from audit_events where action = 'auth.deny'",
    );
    expect(rows).toEqual([
      {
        actor: 'U_STRANGER',
        channel: 'C_OPS',
        action: 'auth.deny',
        params: { what: '/seed', role: 'operator' },
        outcome: 'denied',
      },
    ]);
  });

  it('lists in help only what the caller may run', async () => {
    const stranger = await bot.slash('/access-review', 'help', { user: 'U_STRANGER' });
    const reviewer = await bot.slash('/access-review', 'help', { user: 'U_AUDIT' });
    expect(stranger.body.text).not.toContain('evidence <YYYY-Qn>');
    expect(reviewer.body.text).toContain('evidence <YYYY-Qn>');
  });
});
