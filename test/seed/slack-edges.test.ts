// /seed pilots at Slack's edges: the modal opens within the trigger's 3 s while the operator group takes longer to
// look up, and a seed that is committed is reported as done even where opsbot can't post or upload.
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { startFakeSlack, textOf } from '../support/slack-fake.js';
import { createTarget, OPERATOR, submitSeed, tablesOf } from './helpers.js';

const SLOW_MS = 4000;

describeWithPostgres('/seed pilots at the Slack edges', () => {
  let target: Awaited<ReturnType<typeof createTarget>>;
  beforeAll(async () => {
    target = await createTarget();
  });
  afterAll(async () => {
    await target?.drop();
  });

  /** A bot whose operators are the @ops user group, looked up in a directory that answers after 4 s. */
  async function slowDirectoryBot(): Promise<Bot> {
    const slack = await startFakeSlack();
    slack.groups = { ops: { id: 'S_OPS', users: [OPERATOR] } };
    slack.delay('usergroups.users.list', SLOW_MS);
    const bot = await startBot({
      slack,
      env: { ENVIRONMENTS: 'staging', STAGING_DATABASE_URL: target.urlWithPassword, OPSBOT_OPERATORS: '@ops' },
    });
    onTestFinished(async () => {
      await bot.stop();
      await slack.stop();
    });
    return bot;
  }

  it('refuses a trigger older than 3 s, as Slack does (the window the tests below are held to)', async () => {
    const bot = await slowDirectoryBot();
    await bot.slash('/seed', 'pilots', { user: OPERATOR, triggerId: `trigger-${Date.now() - 3500}` });
    const [open] = await bot.slack.waitForAnswers('views.open');
    expect(open!.result).toEqual({ ok: false, error: 'expired_trigger_id' });
  });

  it('opens the modal within the 3 s while the operator group takes 4 s to look up', async () => {
    const bot = await slowDirectoryBot();
    const sent = Date.now();
    expect((await bot.slash('/seed', 'pilots', { user: OPERATOR, triggerId: `trigger-${sent}` })).status).toBe(200);
    const [open] = await bot.slack.waitForAnswers('views.open');
    expect(open!.result?.ok).toBe(true);
    expect(open!.at - sent).toBeLessThan(3000);
    expect(open!.args.view.callback_id).toBe('seed.confirm');
  });

  it('closes the modal of a group member while the directory is slow, then seeds', async () => {
    const bot = await slowDirectoryBot();
    const answer = await submitSeed(bot, { prefix: 'slow' });
    expect(answer.ms).toBeLessThan(3000);
    expect(answer.body).toBeFalsy();
    await bot.slack.waitFor('files.completeUploadExternal', 1, 60_000);
    expect(await bot.db.query("select status from runs where kind = 'seed'")).toEqual([{ status: 'passed' }]);
  });

  it('tells a non-member after the modal closed when the directory answers late, audits it, writes nothing', async () => {
    const bot = await slowDirectoryBot();
    const before = await tablesOf(target);
    const answer = await submitSeed(bot, {}, 'U_VISITOR');
    expect(answer.ms).toBeLessThan(3000);
    expect(answer.body).toBeFalsy();
    const [told] = await bot.slack.waitFor('chat.postEphemeral', 1, 15_000);
    expect(told!.args.text).toContain('`/seed pilots` needs an operator role');
    expect(await bot.db.query("select actor from audit_events where action = 'auth.deny'")).toEqual([
      { actor: 'U_VISITOR' },
    ]);
    expect(await bot.db.query("select id from runs where kind = 'seed'")).toEqual([]);
    expect(await tablesOf(target)).toEqual(before);
  });
});

describeWithPostgres('/seed pilots in channels opsbot is not in', () => {
  let bot: Bot;
  let target: Awaited<ReturnType<typeof createTarget>>;
  beforeAll(async () => {
    target = await createTarget();
    bot = await startBot({
      env: { ENVIRONMENTS: 'staging', STAGING_DATABASE_URL: target.urlWithPassword, OPSBOT_OPERATORS: OPERATOR },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await target?.drop();
  });

  it('joins a public channel before uploading the evidence there', async () => {
    bot.slack.channel('C_PUBLIC', 'public');
    expect((await submitSeed(bot, {}, OPERATOR, 'C_PUBLIC')).body).toBeFalsy();
    const [upload] = await bot.slack.waitForAnswers('files.completeUploadExternal', 1, 60_000);
    expect(upload!.result?.ok).toBe(true);
    const joins = bot.slack.callsOf('conversations.join');
    expect(joins.map((c) => c.args.channel)).toEqual(['C_PUBLIC']);
    expect(joins[0]!.at).toBeLessThanOrEqual(upload!.at);
    expect(bot.slack.files.filter((f) => f.channel === 'C_PUBLIC').map((f) => f.filename)).toContain('seed_log.txt');
  });

  it('reports a seed from a private channel it is not in as done, by DM, saying to invite @opsbot', async () => {
    bot.slack.channel('C_SECRET', 'private');
    const before = bot.slack.callsOf('chat.postMessage').length;
    expect((await submitSeed(bot, { prefix: 'hidden' }, OPERATOR, 'C_SECRET')).body).toBeFalsy();
    const posted = await waitForPost(bot, OPERATOR, before);
    const text = textOf(undefined, posted.args.text);
    expect(text).toMatch(/Seed.*staging/i);
    expect(text).toMatch(/invite @opsbot to <#C_SECRET>/i);
    expect(text).not.toContain('Something went wrong');
    const [run] = await bot.db.query<{ id: string; status: string }>(
      "select id, status from runs where kind = 'seed' and params->>'prefix' = 'hidden'",
    );
    expect(run?.status).toBe('passed');
    expect(text).toContain(run!.id);
    expect(await target.query("select name from tenants where name like 'hidden-%' order by name")).toHaveLength(3);
    expect(bot.logText()).toContain('invite @opsbot there');
    expect(bot.slack.files.filter((f) => f.channel === 'C_SECRET')).toEqual([]);
  });
});

/** The first chat.postMessage to channel after the first `before` ones. */
async function waitForPost(bot: Bot, channel: string, before: number) {
  for (let n = before + 1; ; n++) {
    const calls = await bot.slack.waitFor('chat.postMessage', n, 60_000);
    const found = calls.slice(before).find((c) => c.args.channel === channel);
    if (found) return found;
  }
}
