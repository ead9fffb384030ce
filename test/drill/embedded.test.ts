// On throwaway in-memory state (DATA_DIR=memory://) the bot's own database is not backed up: /drill says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { OPERATOR } from './helpers.js';

describe('/drill on in-memory embedded state', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({
      env: { DATABASE_URL: undefined, DATA_DIR: 'memory://', ENVIRONMENTS: 'staging', OPSBOT_OPERATORS: OPERATOR },
    });
  });
  afterAll(() => bot?.stop());

  it("says there is nothing to back up when asked to drill the bot's own in-memory state", async () => {
    const answer = await bot.slash('/drill', 'restore opsbot', { user: OPERATOR });
    expect(answer.status).toBe(200);
    expect(answer.body.text).toContain("The bot's own state is a throwaway in-memory database (DATA_DIR=memory://)");
    expect(answer.body.text).toContain('Set DATA_DIR to a folder, or DATABASE_URL to a PostgreSQL database.');
  });

  it('names the variable to set when the environment has no database', async () => {
    const answer = await bot.slash('/drill', 'restore staging', { user: OPERATOR });
    expect(answer.body.text).toContain('`staging` has no database: set STAGING_DATABASE_URL');
    expect(await bot.db.query("select count(*)::int as n from runs where kind = 'drill'")).toEqual([{ n: 0 }]);
  });
});
