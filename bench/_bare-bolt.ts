// A bare Bolt app for bench/ack: one slash command that acks at once, on the port given; nothing else.
import { App } from '@slack/bolt';

const [port, secret, apiUrl] = process.argv.slice(2);
const app = new App({
  signingSecret: secret!,
  authorize: async () => ({ botToken: 'xoxb-bench', botId: 'B_BENCH', botUserId: 'U_BENCH' }),
  clientOptions: { slackApiUrl: apiUrl },
});
app.command('/smoke', async ({ ack }) => ack({ response_type: 'ephemeral', text: 'Usage: /smoke [env]' }));
await app.start(Number(port));
process.stdout.write('ready\n');
