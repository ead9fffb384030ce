// A graceful stop: no new work is taken, work in flight may finish within the grace period, the rest is marked.
import type { App } from '@slack/bolt';
import { expect, it, onTestFinished } from 'vitest';
import type { Deps } from '../../src/deps.js';
import { startBot } from '../support/bot.js';
import { createTestDatabase, describeWithPostgres } from '../support/infra.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A bot whose database outlives it, with a /work command whose run takes workMs. */
async function botWithSlowCommand(workMs: number) {
  const database = await createTestDatabase('stop');
  onTestFinished(() => database.drop());
  const register = (app: App, deps: Deps) => {
    app.command('/work', async ({ ack, command }) => {
      await ack({ response_type: 'ephemeral', text: 'Working…' });
      await deps.runs.track({ kind: 'work', trigger: 'slash' }, async () => {
        await pause(workMs);
        return { verdict: 'passed' };
      });
      await deps.chat.post(command.channel_id, { text: 'work done' });
    });
  };
  const bot = await startBot({ databaseUrl: database.url, register });
  onTestFinished(() => bot.slack.stop());
  return { bot, database };
}

describeWithPostgres('graceful stop', () => {
  it('lets a command that is still working finish, post its result and record its run', async () => {
    const { bot, database } = await botWithSlowCommand(400);
    expect((await bot.slash('/work')).body.text).toBe('Working…');
    await bot.stop(10_000);
    expect(bot.slack.callsOf('chat.postMessage').map((c) => c.args.text)).toEqual(['work done']);
    expect(await database.query("select status from runs where kind = 'work'")).toEqual([{ status: 'passed' }]);
  });

  it('marks a run that outlives the grace period as interrupted', async () => {
    const { bot, database } = await botWithSlowCommand(5000);
    await bot.slash('/work');
    const started = Date.now();
    while ((await database.query("select 1 from runs where kind = 'work'")).length === 0 && Date.now() - started < 5000)
      await pause(20);
    await bot.stop(200);
    expect(await database.query("select status, error from runs where kind = 'work'")).toEqual([
      { status: 'interrupted', error: 'interrupted: opsbot was stopped' },
    ]);
    expect(bot.slack.callsOf('chat.postMessage')).toEqual([]);
  });
});
