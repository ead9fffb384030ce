// /seed pilots: the modal, its validation and who may open it; a rejected request leaves the target untouched.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { createTarget, nextCall, OPERATOR, PASSWORD, submitSeed, tablesOf } from './helpers.js';

describeWithPostgres('/seed pilots modal', () => {
  let bot: Bot;
  let target: Awaited<ReturnType<typeof createTarget>>;
  beforeAll(async () => {
    target = await createTarget();
    bot = await startBot({
      env: {
        ENVIRONMENTS: 'staging',
        STAGING_DATABASE_URL: target.urlWithPassword,
        OPSBOT_OPERATORS: OPERATOR,
        SEED_MAX_TENANTS: '50',
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await target?.drop();
  });

  it('opens a modal with environment, prefix, count and confirmation, prefilled from the command text', async () => {
    const open = await nextCall(bot, 'views.open', async () => {
      const answer = await bot.slash('/seed', 'pilots demo 5', { user: OPERATOR, triggerId: 'trigger-seed-1' });
      expect(answer.status).toBe(200);
    });
    expect(open.args.trigger_id).toBe('trigger-seed-1');
    const view = open.args.view;
    expect(view.callback_id).toBe('seed.confirm');
    const inputs = view.blocks.filter((b: any) => b.type === 'input');
    expect(inputs.map((b: any) => b.block_id)).toEqual(['env', 'prefix', 'count', 'confirm']);
    expect(inputs[0].element.initial_option.value).toBe('staging');
    expect(inputs[1].element.initial_value).toBe('demo');
    expect(inputs[2].element.initial_value).toBe('5');
    expect(inputs[3].label.text).toContain('I_UNDERSTAND');
    expect(JSON.parse(view.private_metadata)).toEqual({ channel: 'C_OPS', user: OPERATOR });
  });

  it('shows the host and database it will write to, never the password', async () => {
    const open = await nextCall(bot, 'views.open', () => bot.slash('/seed', 'pilots', { user: OPERATOR }));
    const text = textOf(open.args.view.blocks);
    expect(text).toContain('127.0.0.1:5432');
    expect(text).toContain(target.name);
    expect(JSON.stringify(open.args.view)).not.toContain(PASSWORD);
    expect(open.args.view.blocks.find((b: any) => b.block_id === 'prefix').element.initial_value).toBe('pilot');
    expect(open.args.view.blocks.find((b: any) => b.block_id === 'count').element.initial_value).toBe('3');
  });

  it.each([
    ['pilots Demo!', '`Demo!` is not a valid prefix'],
    ['pilots demo five', '`five` is not a usable count'],
    ['pilots demo 5 extra', '`extra` is extra'],
    ['tenants', '`tenants` is not something `/seed` does'],
    ['', '/seed pilots [prefix] [count]'],
  ])('answers `/seed %s` with the usage and what was wrong, opening no modal', async (text, problem) => {
    const opened = bot.slack.callsOf('views.open').length;
    const answer = await bot.slash('/seed', text, { user: OPERATOR });
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toContain(problem);
    expect(answer.body.text).toContain('/seed pilots [prefix] [count]');
    expect(bot.slack.callsOf('views.open').length).toBe(opened);
  });

  it('lists `/seed pilots` in help only for operators', async () => {
    expect((await bot.slash('/seed', 'help', { user: OPERATOR })).body.text).toContain(
      '`/seed pilots [prefix] [count]`',
    );
    const visitor = (await bot.slash('/seed', 'help', { user: 'U_VISITOR' })).body.text;
    expect(visitor).not.toContain('/seed pilots');
    expect(visitor).toContain('1 more needs a role you do not have');
  });

  it('opens the modal for anyone at once; the role is checked when it is submitted', async () => {
    const open = await nextCall(bot, 'views.open', () => bot.slash('/seed', 'pilots', { user: 'U_VISITOR' }));
    expect(open.args.view.callback_id).toBe('seed.confirm');
    expect(
      await bot.db.query("select seq from audit_events where action = 'auth.deny' and actor = 'U_VISITOR'"),
    ).toEqual([]);
  });

  it.each([
    ['confirm', { confirm: 'i_understand' }, 'You must type I_UNDERSTAND to run this'],
    ['confirm', { confirm: '' }, 'You must type I_UNDERSTAND to run this'],
    ['prefix', { prefix: 'Pilot' }, '2–20 lowercase letters'],
    ['prefix', { prefix: 'p' }, '2–20 lowercase letters'],
    ['count', { count: '0' }, 'At least 1 tenant'],
    ['count', { count: '51' }, 'At most 50 tenants'],
    ['count', { count: 'three' }, 'whole number'],
  ])('puts a field error next to %s for %j, and touches nothing', async (field, values, message) => {
    const answer = await submitSeed(bot, values);
    expect(answer.status).toBe(200);
    expect(answer.body.response_action).toBe('errors');
    expect(Object.keys(answer.body.errors)).toEqual([field]);
    expect(answer.body.errors[field]).toContain(message);
    expect(await tablesOf(target)).toEqual([]);
    expect(await bot.db.query("select id from runs where kind = 'seed'")).toEqual([]);
  });

  it('refuses the confirmation typed in another case: case matters', async () => {
    const wrong = await submitSeed(bot, { confirm: 'I_understand' });
    expect(wrong.body.errors.confirm).toContain('I_UNDERSTAND');
    expect(await tablesOf(target)).toEqual([]);
  });

  it('refuses a non-operator submission in the modal, audits it through the pipeline and writes nothing', async () => {
    const answer = await submitSeed(bot, {}, 'U_VISITOR');
    expect(answer.body.response_action).toBe('errors');
    expect(answer.body.errors.confirm).toContain('`/seed pilots` needs an operator role');
    expect(await tablesOf(target)).toEqual([]);
    expect(await bot.db.query("select id from runs where kind = 'seed'")).toEqual([]);
    const denials = await bot.db.query<{ params: unknown; channel: string }>(
      "select params, channel from audit_events where action = 'auth.deny' and actor = 'U_VISITOR'",
    );
    expect(denials).toEqual([{ params: { what: '/seed pilots', role: 'operator' }, channel: 'C_OPS' }]);
  });
});
