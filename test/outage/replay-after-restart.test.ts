// The replay guard outlives its store: a signed request captured and accepted before Redis restarts without
// persistence is refused after it (the guard starts again from the restart), and one captured before Redis went down
// is refused by Postgres standing in. Fresh requests are accepted throughout.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { type PrivateRedis, startPrivateRedis } from '../support/redis-server.js';
import { signatureHeaders } from '../support/sign.js';

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const nowSeconds = () => Math.floor(Date.now() / 1000);

describeWithPostgres('the replay guard across Redis outages', () => {
  let redis: PrivateRedis;
  let bot: Bot;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    bot = await startBot({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await bot?.stop();
    await redis?.stop();
  });

  /** A signed /smoke help, as an attacker on the path would capture it. */
  const capture = () => {
    const body = new URLSearchParams({
      command: '/smoke',
      text: 'help',
      user_id: 'U_TEST',
      channel_id: 'C_OPS',
      response_url: bot.slack.responseUrl(),
    }).toString();
    const headers = signatureHeaders(body);
    return {
      signedAt: Number(headers['x-slack-request-timestamp']),
      signature: headers['x-slack-signature'],
      send: () => bot.post(body, { signed: false, headers }),
    };
  };
  const marker = () => redis.client.get(`${bot.redisPrefix}replay:since`);

  it('refuses a request captured before a restart without persistence, and accepts a fresh one', async () => {
    const captured = capture();
    expect((await captured.send()).status).toBe(200);
    expect(await captured.send()).toMatchObject({ status: 401, body: { error: 'replayed request' } });
    // The restart comes at least a second after the signature (the guard counts whole seconds).
    await until('the next second', async () => nowSeconds() > captured.signedAt);
    await redis.kill();
    await redis.start();
    // The bot reconnected (its guard marked the restart); what Redis knew of the signature is gone.
    const since = Number(await until('the guard to mark the restart', marker));
    expect(since).toBeGreaterThan(captured.signedAt);
    expect(await redis.client.exists(`${bot.redisPrefix}seen:sig:${captured.signature}`)).toBe(0);

    expect(await captured.send()).toMatchObject({
      status: 401,
      body: { error: 'signed before the replay guard started' },
    });
    const fresh = capture();
    expect((await fresh.send()).status).toBe(200);
    expect(await redis.client.exists(`${bot.redisPrefix}seen:sig:${fresh.signature}`)).toBe(1);
    expect(await fresh.send()).toMatchObject({ status: 401, body: { error: 'replayed request' } });
    expect(bot.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('refuses, while Postgres stands in, a request captured before Redis went down', async () => {
    const captured = capture();
    expect((await captured.send()).status).toBe(200);
    // Postgres never saw it: its guard starts (one second of grace) when it takes over.
    await until('two seconds after the signature', async () => nowSeconds() > captured.signedAt + 1);
    await redis.kill();
    expect(await captured.send()).toMatchObject({
      status: 401,
      body: { error: 'signed before the replay guard started' },
    });
    const fresh = capture();
    expect((await fresh.send()).status).toBe(200);
    expect(await fresh.send()).toMatchObject({ status: 401, body: { error: 'replayed request' } });
    expect(bot.logText()).toContain('redis is unreachable: coordinating through postgres');
    await redis.start();
  });
});
