// Malformed but signed requests: the bot stays up, answers each within a second, never with a 5xx or a stack trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { signatureHeaders } from '../support/sign.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const form = (payload: string) => `payload=${encodeURIComponent(payload)}`;
const user = { id: 'U_TEST' };

const corpus: [string, number, string, string][] = [
  ['payload=null', 400, FORM, 'payload=null'],
  ['a payload that is not JSON', 400, FORM, form('{not json')],
  ['a payload that is an array', 400, FORM, form('[]')],
  ['a JSON body null', 400, JSON_TYPE, 'null'],
  ['a JSON body that is a string', 400, JSON_TYPE, '"hello"'],
  ['a JSON body that does not parse', 400, JSON_TYPE, '{"type":'],
  ['an empty form body', 400, FORM, ''],
  ['a plain-text body', 400, 'text/plain', 'hello'],
  [
    'block actions without a user',
    400,
    FORM,
    form(JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'alert.acknowledge' }] })),
  ],
  ['block actions without actions', 400, FORM, form(JSON.stringify({ type: 'block_actions', user }))],
  [
    'block actions with an empty actions list',
    400,
    FORM,
    form(JSON.stringify({ type: 'block_actions', user, actions: [] })),
  ],
  [
    'block actions with an action that is null',
    400,
    FORM,
    form(JSON.stringify({ type: 'block_actions', user, actions: [null] })),
  ],
  ['a view submission without a view', 400, FORM, form(JSON.stringify({ type: 'view_submission', user }))],
  [
    'a view submission whose state is a string',
    400,
    FORM,
    form(JSON.stringify({ type: 'view_submission', user, view: { callback_id: 'seed.confirm', state: 'x' } })),
  ],
  [
    'an event callback with a null event',
    400,
    JSON_TYPE,
    JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: null }),
  ],
  [
    'a slash command without a user',
    400,
    FORM,
    new URLSearchParams({ command: '/smoke', text: '', channel_id: 'C1' }).toString(),
  ],
  [
    'a slash command with 5000 characters of text',
    400,
    FORM,
    new URLSearchParams({ command: '/smoke', text: 'x'.repeat(5000), user_id: 'U1', channel_id: 'C1' }).toString(),
  ],
  ['an unknown payload type', 400, FORM, form(JSON.stringify({ type: 'workflow_step_edit', user }))],
  [
    'an unknown slash command',
    200,
    FORM,
    new URLSearchParams({ command: '/nope', text: 'x', user_id: 'U1', channel_id: 'C1' }).toString(),
  ],
  [
    'an unknown action id',
    200,
    FORM,
    form(JSON.stringify({ type: 'block_actions', user, actions: [{ action_id: 'nobody.handles.this', value: 'x' }] })),
  ],
  [
    'an unknown callback id',
    200,
    FORM,
    form(
      JSON.stringify({
        type: 'view_submission',
        user,
        view: { callback_id: 'nobody.handles.this', state: { values: {} } },
      }),
    ),
  ],
  [
    'a known action id with a missing value',
    200,
    FORM,
    form(
      JSON.stringify({
        type: 'block_actions',
        user,
        channel: { id: 'C1' },
        actions: [{ action_id: 'alert.acknowledge' }],
      }),
    ),
  ],
  [
    'a view closed notice',
    200,
    FORM,
    form(JSON.stringify({ type: 'view_closed', user, view: { callback_id: 'seed.confirm' } })),
  ],
  ['an SSL check', 200, FORM, 'ssl_check=1&token=x'],
  ['a shortcut nobody handles', 200, FORM, form(JSON.stringify({ type: 'shortcut', callback_id: 'x', user }))],
];

describe('hostile input', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot.stop());

  it.each(corpus)(
    'answers %s with %i within a second, without a stack trace',
    async (_name, status, contentType, body) => {
      const answer = await bot.post(body, { contentType });
      expect(answer.status).toBe(status);
      expect(answer.ms).toBeLessThan(1000);
      expect(answer.text).not.toMatch(/\n\s+at |Error:/);
    },
  );

  it('answers a URL verification with its challenge', async () => {
    const answer = await bot.post(JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' }), {
      contentType: JSON_TYPE,
    });
    expect(answer.body).toEqual({ challenge: 'c-123' });
  });

  it('handles an event once when Slack retries its delivery', async () => {
    const event = JSON.stringify({
      type: 'event_callback',
      event_id: 'Ev_retry',
      team_id: 'T1',
      event: { type: 'app_home_opened', user: 'U1' },
    });
    const first = await bot.post(event, { contentType: JSON_TYPE });
    // Slack signs a redelivery anew: a later timestamp, so a new signature that the replay guard lets through.
    const resigned = signatureHeaders(event, undefined, Math.floor(Date.now() / 1000) + 1);
    const retry = await bot.post(event, {
      contentType: JSON_TYPE,
      signed: false,
      headers: { ...resigned, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.ms).toBeLessThan(1000);
  });

  it('audits a command whose text jsonb would refuse (a NUL, a lone surrogate), escaped', async () => {
    const text = 'staging\u0000\uD800';
    const answer = await bot.slash('/smoke', text, { user: 'U_NUL' });
    expect(answer.status).toBe(200);
    const rows = () =>
      bot.db.query<{ text: string }>("select params->>'text' as text from audit_events where actor = 'U_NUL'");
    const deadline = Date.now() + 5000;
    while ((await rows()).length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await rows()).toEqual([{ text: 'staging\\u0000\uFFFD' }]);
  });

  it('refuses ids that are not Slack ids with 400', async () => {
    const body = new URLSearchParams({
      command: '/smoke',
      text: 'help',
      user_id: 'U1\u0000',
      channel_id: 'C1',
    }).toString();
    expect((await bot.post(body)).status).toBe(400);
  });

  it('refuses a body over 1 MB with 413', async () => {
    const answer = await bot.post(`text=${'x'.repeat(1_100_000)}`);
    expect(answer.status).toBe(413);
  });

  it('is still up and ready after the whole corpus', async () => {
    expect((await bot.get('/healthz')).status).toBe(200);
    expect((await bot.get('/readyz')).status).toBe(200);
    expect(bot.logs.filter((l) => l.level === 'fatal')).toEqual([]);
  });
});
