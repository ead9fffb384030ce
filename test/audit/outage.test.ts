// With the bot's Postgres stopped (or not answering at all), no command goes unaudited: each one, help included, is
// told "opsbot can't write its audit log right now; nothing was done" within Slack's 3 s, and nothing runs. After the
// restart, the command.invoke rows are exactly the commands that said they ran.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_UNAVAILABLE } from '../../src/store/audit.js';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeApp, startFakeApp } from '../support/fake-app.js';
import { describeWithPostgres } from '../support/infra.js';
import { type PrivatePostgres, startPrivatePostgres } from '../support/postgres-server.js';

// Each would act: answer usage, run checks, open a modal, start a drill, compute uptime.
const COMMANDS: [string, string][] = [
  ['/smoke', 'help'],
  ['/smoke', 'staging'],
  ['/seed', 'pilots'],
  ['/drill', 'restore'],
  ['/uptime', ''],
  ['/access-review', 'help'],
];
// What a command that ran leaves behind in Slack; ack-only answers leave nothing, hence the run and app checks too.
const ACTING = /^(chat\.|views\.|files\.|response_url)/;

describeWithPostgres('commands while the audit log cannot be written', { timeout: 120_000 }, () => {
  let postgres: PrivatePostgres;
  let app: FakeApp;
  let bot: Bot;
  let ran = 0;

  beforeAll(async () => {
    [postgres, app] = await Promise.all([startPrivatePostgres(), startFakeApp()]);
    bot = await startBot({
      databaseUrl: postgres.url,
      env: { ENVIRONMENTS: 'staging', STAGING_BASE_URL: app.url, OPSBOT_ADMINS: 'U_ADMIN' },
    });
  });
  afterAll(async () => {
    postgres?.resume();
    await bot?.stop();
    await Promise.all([postgres?.remove(), app?.stop()]);
  });

  /** Sends every command; each must be refused in time, with nothing done. */
  async function expectAllRefused() {
    const calls = bot.slack.calls.length;
    const requests = app.requests.length;
    // All at once, as several users would: each is still held to its own 3 s.
    const answers = await Promise.all(COMMANDS.map(([command, text]) => bot.slash(command, text, { user: 'U_ADMIN' })));
    answers.forEach((answer, i) => {
      const [command, text] = COMMANDS[i]!;
      expect(answer.status, `${command} ${text}`).toBe(200);
      expect(answer.body?.text, `${command} ${text}`).toBe(AUDIT_UNAVAILABLE);
      expect(answer.ms, `${command} ${text}`).toBeLessThan(3000);
    });
    expect(
      bot.slack.calls
        .slice(calls)
        .map((c) => c.method)
        .filter((m) => ACTING.test(m)),
    ).toEqual([]);
    expect(app.requests.length).toBe(requests);
  }
  async function sendHelp() {
    const answer = await bot.slash('/smoke', 'help', { user: 'U_ADMIN' });
    expect(answer.status).toBe(200);
    if (answer.body?.text !== AUDIT_UNAVAILABLE) ran += 1;
    return answer;
  }

  it('refuses every command within 3 s while the database is stopped, and audits exactly those that ran', async () => {
    expect((await sendHelp()).body?.text).not.toBe(AUDIT_UNAVAILABLE);
    await postgres.stop();
    await expectAllRefused();
    await postgres.start();
    // The first command after the restart may still find the pool's dead connections; one that ran is enough.
    for (let tries = 0; tries < 10 && ran < 2; tries++) await sendHelp();
    expect(ran).toBeGreaterThanOrEqual(2);
    const [{ invoked }] = (await bot.db.query<{ invoked: number }>(
      "select count(*)::int as invoked from audit_events where action = 'command.invoke'",
    )) as [{ invoked: number }];
    expect(invoked).toBe(ran);
    expect(await bot.db.query('select id from runs')).toEqual([]);
    expect((await bot.deps.audit.verify()).ok).toBe(true);
  });

  it('refuses every command within 3 s while the database accepts connections but answers nothing', async () => {
    postgres.pause();
    try {
      await expectAllRefused();
    } finally {
      postgres.resume();
    }
    const before = ran;
    for (let tries = 0; tries < 10 && ran === before; tries++) await sendHelp();
    const [{ invoked }] = (await bot.db.query<{ invoked: number }>(
      "select count(*)::int as invoked from audit_events where action = 'command.invoke'",
    )) as [{ invoked: number }];
    expect(invoked).toBe(ran);
  });
});
