// A stopping bot ends the event streams it holds, in Socket Mode too (where its HTTP server serves only health and
// the API): the stop is not held until a request's expiry, and the waiting CLI follows the stream again elsewhere.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { type FakeSlack, startFakeSlack } from '../support/slack-fake.js';
import { type SocketModeFake, startSocketModeFake } from '../support/socket-mode-fake.js';
import { API_TOKEN, approvalsEnv, SHA } from './helpers.js';

describeWithPostgres('event streams when the bot stops (Socket Mode)', () => {
  let slack: FakeSlack;
  let socket: SocketModeFake;
  let bot: Bot;
  beforeAll(async () => {
    slack = await startFakeSlack();
    socket = await startSocketModeFake(slack);
    bot = await startBot({
      slack,
      env: { ...approvalsEnv({ SLACK_APP_TOKEN: 'xapp-1-A0-1-test' }), SLACK_SIGNING_SECRET: undefined },
    });
    await socket.connected;
  });
  afterAll(async () => {
    await bot?.stop();
    await socket?.stop();
    await slack?.stop();
  });

  it('ends an open stream and stops within its grace instead of waiting for the decision', async () => {
    const res = await fetch(`${bot.url}/api/approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        env: 'production',
        ref: 'v5.0.0',
        sha: SHA,
        title: 'Release 5.0.0',
        requestedBy: 'octocat',
        timeoutSeconds: 3600,
      }),
    });
    const { request } = (await res.json()) as { request: { id: string } };
    const stream = await fetch(`${bot.url}/api/approvals/${request.id}/events`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(stream.status).toBe(200);
    const ended = (async () => {
      try {
        for await (const _ of stream.body as unknown as AsyncIterable<Uint8Array>) {
        }
      } catch {}
      return performance.now();
    })();
    const started = performance.now();
    await bot.stop(500);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await ended) - started).toBeLessThan(5_000);
  }, 20_000);
});
