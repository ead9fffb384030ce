// The receiver: signed requests reach listeners; unsigned, stale, future and replayed ones get 401 and reach none.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { signatureHeaders } from '../support/sign.js';

describe('signed requests', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot.stop());

  const smokeHelp = () =>
    new URLSearchParams({
      command: '/smoke',
      text: 'help',
      user_id: 'U_TEST',
      channel_id: 'C_OPS',
      response_url: bot.slack.responseUrl(),
    }).toString();

  it('answers a correctly signed /smoke help with its usage within 3 s', async () => {
    const answer = await bot.slash('/smoke', 'help');
    expect(answer.status).toBe(200);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toContain('/smoke [env]');
    expect(answer.ms).toBeLessThan(3000);
  });

  it('refuses an unsigned request with 401', async () => {
    const answer = await bot.post(smokeHelp(), { signed: false });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('unsigned request');
  });

  it('refuses a request signed with another secret', async () => {
    const body = smokeHelp();
    const answer = await bot.post(body, { signed: false, headers: signatureHeaders(body, 'not-the-secret') });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('bad signature');
  });

  it.each([
    ['stale', -301],
    ['future', +301],
  ])('refuses a %s timestamp (over 5 minutes from now)', async (_kind, offset) => {
    const body = smokeHelp();
    const headers = signatureHeaders(body, undefined, Math.floor(Date.now() / 1000) + offset);
    const answer = await bot.post(body, { signed: false, headers });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toContain('5 minutes');
  });

  it('refuses the replay of a request it already answered', async () => {
    const body = smokeHelp();
    const headers = signatureHeaders(body);
    expect((await bot.post(body, { signed: false, headers })).status).toBe(200);
    const replay = await bot.post(body, { signed: false, headers });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('replayed request');
  });

  it('lets no refused request reach a listener', async () => {
    const marker = 'refused-request-marker';
    const body = new URLSearchParams({
      command: '/smoke',
      text: marker,
      user_id: 'U_TEST',
      channel_id: 'C_OPS',
    }).toString();
    expect((await bot.post(body, { signed: false })).status).toBe(401);
    expect((await bot.post(body, { signed: false, headers: signatureHeaders(body, 'wrong-secret') })).status).toBe(401);
    // A request that does reach a listener is audited; wait for that one, then look for the refused ones.
    await bot.slash('/smoke', 'help', { user: 'U_AFTER' });
    const audited = () =>
      bot.db.query<{ actor: string; text: string }>(
        "select actor, params->>'text' as text from audit_events where action = 'command.invoke'",
      );
    const deadline = Date.now() + 5000;
    while (!(await audited()).some((row) => row.actor === 'U_AFTER') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await audited()).map((row) => row.text)).not.toContain(marker);
    expect(bot.slack.calls.filter((call) => JSON.stringify(call.args).includes(marker))).toEqual([]);
  });
});

describe('audit of command invocations', () => {
  it('appends one event per slash command, with its text and who sent it from where', async () => {
    const bot = await startBot();
    onTestFinished(() => bot.stop());
    await bot.slash('/smoke', 'help', { user: 'U_ANA', channel: 'C_OPS' });
    const rows = async () =>
      bot.db.query("select actor, channel, params, outcome from audit_events where action = 'command.invoke'");
    const deadline = Date.now() + 5000;
    while ((await rows()).length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await rows()).toEqual([
      { actor: 'U_ANA', channel: 'C_OPS', params: { command: '/smoke', text: 'help' }, outcome: 'received' },
    ]);
  });
});
