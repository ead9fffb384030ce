// The guards: each refusal reaches the user with the runbook's reason, is audited, and the database gets no table.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { checkSeedTarget } from '../../src/seed/guards.js';
import { type Bot, startBot } from '../support/bot.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { createTarget, nextCall, OPERATOR, submitSeed, tablesOf } from './helpers.js';

describeWithPostgres('seed guards over Slack', () => {
  let bot: Bot;
  let prod: TestDatabase;
  let shared: TestDatabase;
  let own: TestDatabase;
  const sqlitePath = `${tmpdir()}/opsbot-seed-guard-${process.pid}.db`;
  beforeAll(async () => {
    [prod, shared, own] = await Promise.all([
      createTestDatabase('prod'),
      createTarget('shared'),
      createTestDatabase('own'),
    ]);
    const sharedUrl = new URL(shared.url);
    sharedUrl.hostname = 'localhost';
    bot = await startBot({
      databaseUrl: own.url,
      env: {
        ENVIRONMENTS: 'staging,lite,mysql,blue,green,live,self',
        SEED_ENVIRONMENTS: 'staging,lite,mysql,blue,green,self',
        LITE_DATABASE_URL: `sqlite:///${sqlitePath}`,
        MYSQL_DATABASE_URL: 'mysql://app:pw@db.example.com:3306/app',
        BLUE_DATABASE_URL: prod.url,
        // The same database as live's, spelled differently: still refused.
        GREEN_DATABASE_URL: sharedUrl.toString(),
        LIVE_DATABASE_URL: shared.url,
        SELF_DATABASE_URL: own.url,
        OPSBOT_OPERATORS: OPERATOR,
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([prod?.drop(), shared?.drop(), own?.drop()]);
  });

  const refusalFor = async (env: string) =>
    (await nextCall(bot, 'chat.postEphemeral', () => submitSeed(bot, { env }))).args.text as string;
  const refusalsAudited = async (env: string) =>
    bot.db.query<{ outcome: string; reason: string }>(
      "select outcome, params->>'reason' as reason from audit_events where action = 'seed.refuse' and params->>'env' = $1",
      [env],
    );

  it('refuses when STAGING_DATABASE_URL is not set', async () => {
    const text = await refusalFor('staging');
    expect(text).toContain('STAGING_DATABASE_URL is not set');
    expect(await refusalsAudited('staging')).toEqual([
      { outcome: 'refused', reason: expect.stringContaining('STAGING_DATABASE_URL is not set') },
    ]);
  });

  it('refuses SQLite and creates no file', async () => {
    expect(await refusalFor('lite')).toContain('Refusing to run against SQLite');
    expect(existsSync(sqlitePath)).toBe(false);
    expect(await refusalsAudited('lite')).toHaveLength(1);
  });

  it('refuses a URL that is not postgres://', async () => {
    expect(await refusalFor('mysql')).toContain(
      'MYSQL_DATABASE_URL is not a postgres:// URL (`mysql:`) — refusing to run',
    );
    expect(await refusalsAudited('mysql')).toHaveLength(1);
  });

  it("refuses a database whose name contains 'prod', and the database gets no table", async () => {
    expect(await refusalFor('blue')).toContain("DATABASE_URL contains 'prod' — refusing to run");
    expect(await tablesOf(prod)).toEqual([]);
    expect(await refusalsAudited('blue')).toHaveLength(1);
  });

  it('refuses the database of an environment outside SEED_ENVIRONMENTS, and it gets no table', async () => {
    expect(await refusalFor('green')).toContain(
      'same database as LIVE_DATABASE_URL, and `live` is not in SEED_ENVIRONMENTS',
    );
    expect(await tablesOf(shared)).toEqual([]);
  });

  it("refuses opsbot's own database, and it gets no pilot table", async () => {
    expect(await refusalFor('self')).toContain("opsbot's own database (DATABASE_URL) — refusing to run");
    expect(await tablesOf(own)).not.toContain('tenants');
    expect(await bot.db.query("select id from runs where kind = 'seed'")).toEqual([]);
  });

  it('refuses, in the modal, an environment outside SEED_ENVIRONMENTS', async () => {
    const answer = await submitSeed(bot, { env: 'live' });
    expect(answer.body.errors).toEqual({ env: 'Pick one of: staging, lite, mysql, blue, green, self.' });
  });

  it('shows each refusal beside its environment in the modal', async () => {
    const open = await nextCall(bot, 'views.open', () => bot.slash('/seed', 'pilots', { user: OPERATOR }));
    const where = JSON.stringify(open.args.view.blocks);
    expect(where).toContain('⛔ STAGING_DATABASE_URL is not set');
    expect(where).toContain("BLUE_DATABASE_URL contains 'prod'");
  });
});

describe('checkSeedTarget', () => {
  const config = (url: string | undefined, extra: Record<string, string> = {}) =>
    loadConfig({ STAGING_DATABASE_URL: url, ...extra }, { requireSlack: false });
  const reason = (url: string | undefined, extra?: Record<string, string>) => {
    const verdict = checkSeedTarget('staging', config(url, extra));
    return verdict.ok ? 'ok' : verdict.reason;
  };

  it.each([
    ['postgres://app:pw@prod-db.internal:5432/app', 'host'],
    ['postgresql://app:pw@db.internal:5432/app_PRODUCTION', 'database'],
    ['postgres://Prod_writer:pw@db.internal/app', 'user'],
  ])("refuses %s: 'prod' in its %s, any case", (url, part) => {
    expect(reason(url)).toBe(
      `STAGING_DATABASE_URL contains 'prod' — refusing to run (in its ${part}). Use the staging database URL only.`,
    );
  });

  it.each(['sqlite:///data/app.db', 'sqlite3:app.sqlite', 'file:./app.db', './data/app.sqlite', '/var/lib/app.db'])(
    'refuses the SQLite location %s',
    (url) => {
      expect(reason(url)).toContain('Refusing to run against SQLite');
    },
  );

  it('refuses a URL without a database name', () => {
    expect(reason('postgres://app:pw@db.internal:5432/')).toContain('names no database');
  });

  it("refuses the bot's own database even on another spelling of localhost and with other credentials", () => {
    const verdict = checkSeedTarget(
      'staging',
      config('postgres://seed:x@127.0.0.1:5432/opsbot', { DATABASE_URL: 'postgres://bot:y@localhost/opsbot' }),
    );
    expect(verdict).toEqual({
      ok: false,
      reason: "STAGING_DATABASE_URL points at opsbot's own database (DATABASE_URL) — refusing to run.",
    });
  });

  it('passes a staging Postgres URL and masks its password', () => {
    const verdict = checkSeedTarget(
      'staging',
      config('postgresql://bookkeeper:hunter2@dpg-x.oregon-postgres.render.com:5432/ai_bookkeeper_staging'),
    );
    expect(verdict).toMatchObject({
      ok: true,
      target: {
        host: 'dpg-x.oregon-postgres.render.com',
        database: 'ai_bookkeeper_staging',
        masked: 'postgresql://bookkeeper:****@dpg-x.oregon-postgres.render.com:5432/ai_bookkeeper_staging',
      },
    });
  });
});
