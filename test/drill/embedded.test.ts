// On embedded state (no DATABASE_URL) the bot's own database cannot be dumped: /drill says so, and what to set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { OPERATOR } from './helpers.js';

describe('/drill on embedded state', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({
      env: { DATABASE_URL: undefined, DATA_DIR: 'memory://', ENVIRONMENTS: 'staging', OPSBOT_OPERATORS: OPERATOR },
    });
  });
  afterAll(() => bot?.stop());

  it("says pg_dump cannot dump the embedded database when asked to drill the bot's own state", async () => {
    const answer = await bot.slash('/drill', 'restore opsbot', { user: OPERATOR });
    expect(answer.status).toBe(200);
    expect(answer.body.text).toContain(
      "The bot's own state is embedded (DATABASE_URL is not set): pg_dump cannot dump the embedded database",
    );
    expect(answer.body.text).toContain('Set DATABASE_URL to a PostgreSQL database to include it.');
  });

  it('names the variable to set when the environment has no database', async () => {
    const answer = await bot.slash('/drill', 'restore staging', { user: OPERATOR });
    expect(answer.body.text).toContain('`staging` has no database: set STAGING_DATABASE_URL');
    expect(await bot.db.query("select count(*)::int as n from runs where kind = 'drill'")).toEqual([{ n: 0 }]);
  });
});
