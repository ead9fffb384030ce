// The HTTP server's limits, from a raw socket: a POST to /slack/events without Slack's signature headers is refused
// before its body is sent at all; a body that trickles in is cut off within HTTP_REQUEST_TIMEOUT_MS (15 s by
// default); a body declared over 1 MiB is refused with 413 unread.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../../cli/main.js';
import { type Bot, startBot } from '../support/bot.js';
import { signatureHeaders } from '../support/sign.js';

interface Exchange {
  /** Everything the server wrote before it closed the connection. */
  answer: string;
  /** From the headers going out to the connection closing. */
  ms: number;
  /** Body bytes written before the server closed. */
  sent: number;
}

/**
 * Sends a request's head, then its body one byte every dripMs (never, when dripMs is undefined), until the server
 * closes the connection; fails after timeoutMs.
 */
function exchange(url: string, head: string, body: string, dripMs?: number, timeoutMs = 25_000): Promise<Exchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let sent = 0;
    let drip: NodeJS.Timeout | undefined;
    const started = performance.now();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${timeoutMs} ms; it answered: ${chunks.join('')}`));
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(head);
      if (dripMs !== undefined)
        drip = setInterval(() => {
          if (sent < body.length && socket.writable) socket.write(body[sent++]!);
        }, dripMs);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      clearInterval(drip);
      resolve({ answer: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started, sent });
    });
  });
}

const headOf = (path: string, headers: Record<string, string>) =>
  `POST ${path} HTTP/1.1\r\nHost: opsbot\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;

const commandBody = (text: string) =>
  new URLSearchParams({ command: '/smoke', text, user_id: 'U_TEST', channel_id: 'C_OPS' }).toString();

describe('the HTTP server with a 3 s request timeout', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({ env: { HTTP_REQUEST_TIMEOUT_MS: '3000', GITHUB_WEBHOOK_SECRET: 'a-webhook-secret' } });
  });
  afterAll(() => bot.stop());

  it.each([
    ['no signature headers', {}],
    ['only the signature', { 'x-slack-signature': 'v0=abc' }],
    ['only the timestamp', { 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) }],
  ])('refuses a POST to /slack/events with %s (401) without waiting for its body', async (_case, signature) => {
    const body = commandBody('help');
    const head = headOf('/slack/events', {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(body.length),
      ...signature,
    });
    const { answer, ms, sent } = await exchange(bot.url, head, body);
    expect(sent).toBe(0);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('"error":"unsigned request"');
    // Answered and closed at once, not when the request timeout cut the connection.
    expect(ms).toBeLessThan(2000);
  });

  it('refuses a GitHub delivery without X-Hub-Signature-256 (401) without waiting for its body', async () => {
    const body = JSON.stringify({ action: 'requested' });
    const head = headOf('/github/events', {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'x-github-event': 'deployment_protection_rule',
      'x-github-delivery': 'd-unsigned',
    });
    const { answer, ms, sent } = await exchange(bot.url, head, body);
    expect(sent).toBe(0);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('unsigned delivery');
    expect(ms).toBeLessThan(2000);
  });

  it('refuses a stale timestamp before the body too', async () => {
    const body = commandBody('help');
    const head = headOf('/slack/events', {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(body.length),
      ...signatureHeaders(body, undefined, Math.floor(Date.now() / 1000) - 301),
    });
    const { answer, sent } = await exchange(bot.url, head, body);
    expect(sent).toBe(0);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('5 minutes');
  });

  it('cuts a signed request whose body arrives one byte a second off within the 3 s, and runs nothing', async () => {
    const body = commandBody('slow-body-marker');
    const head = headOf('/slack/events', {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(body.length),
      ...signatureHeaders(body),
    });
    const { answer, ms, sent } = await exchange(bot.url, head, body, 1000);
    expect(sent).toBeLessThan(body.length);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(3000 + 500);
    expect(bot.slack.calls.filter((call) => JSON.stringify(call.args).includes('slow-body-marker'))).toEqual([]);
    // A slow client is the client's problem: a warning, not an error of opsbot's.
    expect(bot.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it.each([
    ['/slack/events', signatureHeaders('x')],
    ['/api/approvals', { authorization: 'Bearer whatever' }],
  ])('refuses a body declared over 1 MiB on %s with 413, unread', async (path, headers) => {
    const head = headOf(path, {
      'content-type': 'application/json',
      'content-length': String(1024 * 1024 + 1),
      ...headers,
    });
    const { answer, sent } = await exchange(bot.url, head, '');
    expect(sent).toBe(0);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('over 1 MiB');
  });

  it('still answers a signed request sent at once', async () => {
    expect((await bot.slash('/smoke', 'help')).status).toBe(200);
  });
});

describe('HTTP_REQUEST_TIMEOUT_MS', () => {
  it('is shown by config check (15000 by default) and refused below 1000 ms, with exit 2', async () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'a-signing-secret' };
    const check = async (extra: Record<string, string>) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['config', 'check'], {
        env: { ...env, ...extra },
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    expect(await check({})).toMatchObject({ code: 0, out: expect.stringContaining('"requestTimeoutMs": 15000') });
    expect(await check({ HTTP_REQUEST_TIMEOUT_MS: '500' })).toMatchObject({
      code: 2,
      err: expect.stringContaining(
        'HTTP_REQUEST_TIMEOUT_MS: `500` must be at least 1000. Example: HTTP_REQUEST_TIMEOUT_MS=15000',
      ),
    });
  });
});

describe('the HTTP server by default', () => {
  it('cuts a body sent one byte every 5 s off within 15 s', async () => {
    const bot = await startBot();
    onTestFinished(() => bot.stop());
    const body = commandBody('help');
    const head = headOf('/slack/events', {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(body.length),
      ...signatureHeaders(body),
    });
    const { answer, ms } = await exchange(bot.url, head, body, 5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(15_000 + 500);
  }, 30_000);
});
