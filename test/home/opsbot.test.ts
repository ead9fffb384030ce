// /opsbot [help|status] and the @-mention: one help listing only what the caller may run; bad input changes nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { textOf } from '../support/slack-fake.js';

describe('/opsbot', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({ env: { OPSBOT_ADMINS: 'U_ADMIN', OPSBOT_OPERATORS: 'U_OPER', OPSBOT_REVIEWERS: 'U_REV' } });
  }, 60_000);
  afterAll(() => bot?.stop());

  const help = async (user: string, text = 'help') => {
    const answer = await bot.slash('/opsbot', text, { user });
    expect(answer.status).toBe(200);
    return String(answer.body.text);
  };

  it('lists only the commands the caller may run, with examples', async () => {
    const nobody = await help('U_NOBODY');
    expect(nobody).toContain('`/smoke [env]`');
    expect(nobody).toContain('`/drill restore history`');
    expect(nobody).not.toContain('/seed');
    expect(nobody).not.toContain('`/drill restore [env]`');
    expect(nobody).not.toContain('`/access-review [run]`');
    // /seed and /evidence need a role for everything but their help: both are left out.
    expect(nobody).not.toContain('/evidence 2026-Q3');
    expect(nobody).toContain('_2 more commands need a role you do not have._');
    const operator = await help('U_OPER', '');
    expect(operator).toContain('e.g. `/seed pilots demo 5`');
    expect(operator).toContain('`/drill restore [env]`');
    expect(operator).not.toContain('`/access-review [run]`');
    const reviewer = await help('U_REV');
    expect(reviewer).toContain('`/access-review [run]`');
    expect(reviewer).not.toContain('/seed pilots');
    const admin = await help('U_ADMIN');
    for (const command of ['/seed pilots', '/access-review [run]', '/retention [run]', '/maintenance end'])
      expect(admin).toContain(command);
    expect(admin).not.toContain('a role you do not have');
  });

  it('answers a subcommand it does not know with what went wrong and the list, changing nothing', async () => {
    const before = await bot.db.query('select count(*)::int as n from runs');
    const text = await help('U_NOBODY', 'deploy prod');
    expect(text).toContain('`/opsbot deploy prod` is not something opsbot does');
    expect(text).toContain('`/opsbot status`');
    expect(text).toContain('`/smoke [env]`');
    expect(await bot.db.query('select count(*)::int as n from runs')).toEqual(before);
  });

  it('escapes hostile subcommand text in its answer', async () => {
    const text = await help('U_NOBODY', '<!everyone> `x`');
    expect(text).not.toContain('<!everyone>');
  });

  it("answers status with the Home's summary as an ephemeral message", async () => {
    await bot.slash('/opsbot', 'status', { user: 'U_REV' });
    await vi.waitFor(
      () => expect(bot.slack.callsOf('response_url').some((c) => /Open alerts/.test(textOf(c.args.blocks)))).toBe(true),
      { timeout: 10_000 },
    );
    const status = bot.slack.callsOf('response_url').find((c) => /Open alerts/.test(textOf(c.args.blocks)))!;
    expect(status.args.response_type).toBe('ephemeral');
    expect(textOf(status.args.blocks)).toContain('Nothing waits for you.');
  });

  it('answers an @-mention with the same help in its thread', async () => {
    await bot.event({
      type: 'app_mention',
      user: 'U_NOBODY',
      channel: 'C_OPS',
      ts: '1700000000.000100',
      text: '<@U_OPSBOT> hi',
    });
    const [reply] = await bot.slack.waitFor('chat.postMessage', 1, 10_000);
    expect(reply!.args.thread_ts).toBe('1700000000.000100');
    expect(reply!.args.text).toContain('`/smoke [env]`');
    expect(reply!.args.text).not.toContain('/seed pilots');
  });
});
