// Socket Mode (SLACK_APP_TOKEN): opsbot connects out to Slack, answers over the WebSocket, still serves /healthz.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeSlack, startFakeSlack } from '../support/slack-fake.js';
import { type SocketModeFake, startSocketModeFake } from '../support/socket-mode-fake.js';

describe('Socket Mode', () => {
  let slack: FakeSlack;
  let socket: SocketModeFake;
  let bot: Bot;
  beforeAll(async () => {
    slack = await startFakeSlack();
    socket = await startSocketModeFake(slack);
    bot = await startBot({ slack, env: { SLACK_APP_TOKEN: 'xapp-1-A0-1-test', SLACK_SIGNING_SECRET: undefined } });
    await socket.connected;
  });
  afterAll(async () => {
    await bot.stop();
    await socket.stop();
    await slack.stop();
  });

  it('opens the connection with the app token through SLACK_API_URL', () => {
    expect(slack.callsOf('apps.connections.open')).toHaveLength(1);
  });

  it('answers /smoke help over the WebSocket with its usage', async () => {
    const ack = await socket.send('slash_commands', {
      command: '/smoke',
      text: 'help',
      user_id: 'U_TEST',
      channel_id: 'C_OPS',
      team_id: 'T_TEST',
      response_url: slack.responseUrl(),
      trigger_id: 't1',
    });
    expect(ack).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/smoke [env]') });
  });

  it('serves /healthz and /readyz on PORT', async () => {
    expect((await bot.get('/healthz')).status).toBe(200);
    expect((await bot.get('/readyz')).body).toMatchObject({ status: 'ready' });
  });

  it('has no /slack/events endpoint to attack', async () => {
    expect((await bot.post('command=/smoke&text=help&user_id=U1&channel_id=C1')).status).toBe(404);
  });
});
