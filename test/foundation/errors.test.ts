// The global error handler: a listener's fault reaches the user as a short note with a reference, the log gets the rest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';

describe('a listener that fails', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({
      register: (app) => {
        app.command('/explode', async ({ ack }) => {
          await ack();
          throw new Error('connect ECONNREFUSED postgres://app:hunter2@db:5432/app');
        });
        app.command('/explode-early', async () => {
          throw new Error('failed before its ack');
        });
      },
      commands: ['/explode', '/explode-early'],
    });
  });
  afterAll(() => bot.stop());

  it('tells the user something went wrong, with a reference and no detail', async () => {
    const answer = await bot.slash('/explode', '');
    expect(answer.status).toBe(200);
    const [note] = await bot.slack.waitFor('response_url', 1);
    expect(note!.args.text).toMatch(
      /^Something went wrong in opsbot \(ref e_[a-z0-9]{6}\); the details are in its log\.$/,
    );
    expect(note!.args.response_type).toBe('ephemeral');
    const ref = /ref (e_[a-z0-9]+)/.exec(note!.args.text)![1];
    const logged = bot.logs.find((line) => line.ref === ref);
    expect(logged?.msg).toBe('listener failed');
    expect(bot.logText()).not.toContain('hunter2');
    expect(bot.logText()).toContain('postgres://app:****@db:5432/app');
  });

  it('answers a command that failed before its ack with nothing but the error note', async () => {
    const before = bot.slack.callsOf('response_url').length;
    const answer = await bot.slash('/explode-early', '');
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    const notes = await bot.slack.waitFor('response_url', before + 1);
    expect(notes.at(-1)!.args.text).toMatch(/^Something went wrong in opsbot \(ref e_[a-z0-9]{6}\)/);
  });
});
