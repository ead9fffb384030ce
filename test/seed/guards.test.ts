// The guards: each refusal reaches the user with the runbook's reason, is audited, and the database gets no table.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { checkSeedTarget, seedDestinations } from '../../src/seed/guards.js';
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
        ENVIRONMENTS: 'staging,lite,mysql,blue,green,live,self,sneaky',
        SEED_ENVIRONMENTS: 'staging,lite,mysql,blue,green,self,sneaky',
        LITE_DATABASE_URL: `sqlite:///${sqlitePath}`,
        MYSQL_DATABASE_URL: 'mysql://app:pw@db.example.com:3306/app',
        BLUE_DATABASE_URL: prod.url,
        // The same database as live's, spelled differently: still refused.
        GREEN_DATABASE_URL: sharedUrl.toString(),
        LIVE_DATABASE_URL: shared.url,
        SELF_DATABASE_URL: own.url,
        // pg connects to the query string's host, not the URL's: this is opsbot's own database in disguise.
        SNEAKY_DATABASE_URL: sneaky(own.url),
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

  it("refuses opsbot's own database named through ?host=, and it gets no pilot table", async () => {
    expect(await refusalFor('sneaky')).toContain("opsbot's own database (DATABASE_URL) — refusing to run");
    expect(await tablesOf(own)).not.toContain('tenants');
    expect(await refusalsAudited('sneaky')).toHaveLength(1);
    expect(await bot.db.query("select id from runs where kind = 'seed'")).toEqual([]);
  });

  it('refuses, in the modal, an environment outside SEED_ENVIRONMENTS', async () => {
    const answer = await submitSeed(bot, { env: 'live' });
    expect(answer.body.errors).toEqual({ env: 'Pick one of: staging, lite, mysql, blue, green, self, sneaky.' });
  });

  it('shows each refusal beside its environment in the modal', async () => {
    const open = await nextCall(bot, 'views.open', () => bot.slash('/seed', 'pilots', { user: OPERATOR }));
    const where = JSON.stringify(open.args.view.blocks);
    expect(where).toContain('⛔ STAGING_DATABASE_URL is not set');
    expect(where).toContain("BLUE_DATABASE_URL contains 'prod'");
    expect(where).not.toContain('staging-db.internal');
  });
});

/** url, rewritten to name another host in its authority and its real one in ?host= (which pg obeys). */
function sneaky(url: string): string {
  const disguised = new URL(url);
  disguised.searchParams.set('host', disguised.hostname);
  disguised.hostname = 'staging-db.internal';
  return disguised.toString();
}

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

  it.each([
    ['postgresql://app:pw@staging-db/stage?host=prod-db.internal', 'host'],
    ['postgresql://app:pw@staging-db/stage?host=staging-db&host=Prod-DB', 'host'],
    ['postgresql://app:pw@staging-db/stage?user=produser', 'user'],
    ['postgresql://app:pw@staging-db:5432/stage?port=6543&user=PRODUCTION_rw', 'user'],
  ])("refuses %s: the query string's override is where pg connects, and it has 'prod' in its %s", (url, part) => {
    expect(reason(url)).toBe(
      `STAGING_DATABASE_URL contains 'prod' — refusing to run (in its ${part}). Use the staging database URL only.`,
    );
  });

  it.each([
    ['hostaddr', 'postgresql://app:pw@staging-db/stage?hostaddr=10.0.0.9'],
    ['dbname', 'postgresql://app:pw@staging-db/stage?dbname=app_production'],
    ['database', 'postgresql://app:pw@staging-db/stage?database=prod'],
    ['service', 'postgresql://app:pw@staging-db/stage?service=prod'],
  ])('refuses a URL with ?%s=, which psql or pg_dump would read differently from pg', (parameter, url) => {
    expect(reason(url)).toBe(
      `STAGING_DATABASE_URL sets \`?${parameter}=\`, which pg ignores but psql and pg_dump do not, so the URL names ` +
        'two destinations — refusing to run. Put the host, port, user and database in the URL itself: ' +
        'postgresql://user:pass@host:5432/db.',
    );
  });

  it("refuses the bot's own database named through ?host= or ?port= overrides on either URL", () => {
    const own = "STAGING_DATABASE_URL points at opsbot's own database (DATABASE_URL) — refusing to run.";
    const bot = { DATABASE_URL: 'postgres://bot:y@db.internal:5433/opsbot' };
    expect(reason('postgres://seed:x@staging-db/opsbot?host=db.internal&port=5433', bot)).toBe(own);
    expect(
      reason('postgres://seed:x@db.internal:5433/opsbot', {
        DATABASE_URL: 'postgres://bot:y@elsewhere/opsbot?host=db.internal&port=5433',
      }),
    ).toBe(own);
    expect(
      reason('postgres://seed:x@staging-db/opsbot?host=localhost', { DATABASE_URL: 'postgres://bot@127.0.0.1/opsbot' }),
    ).toBe(own);
  });

  it('refuses the database of an environment outside SEED_ENVIRONMENTS named through ?host=', () => {
    expect(
      reason('postgres://app:pw@staging-db/app?host=live-db', {
        ENVIRONMENTS: 'staging,live',
        LIVE_DATABASE_URL: 'postgres://app:pw@live-db:5432/app',
      }),
    ).toContain('same database as LIVE_DATABASE_URL, and `live` is not in SEED_ENVIRONMENTS');
  });

  it.each([
    ['postgres:///opsbot', 'names no host'],
    ['postgres://app:pw@staging-db/stage?host=', 'ok'],
    ['postgres://staging-db/stage', 'names no user'],
    ['postgres://app:pw@staging-db/stage?port=fifty', 'names no usable port'],
    ['postgres://app:pw@staging-db:99999/stage', 'is not a Postgres URL pg can read'],
  ])('judges %s by what pg would do: %s', (url, expected) => {
    const got = reason(url);
    if (expected === 'ok') expect(got).toBe('ok');
    else expect(got).toContain(expected);
  });

  it('seeds, and shows in the modal, the destination pg connects to: the overrides of the query string', () => {
    const url = 'postgresql://app:pw@staging-db:5432/stage?host=Staging-2.internal&port=6543&user=seeder';
    expect(checkSeedTarget('staging', config(url))).toMatchObject({
      ok: true,
      target: { host: 'staging-2.internal', port: 6543, user: 'seeder', database: 'stage' },
    });
    expect(seedDestinations(config(url))).toEqual([
      { env: 'staging', host: 'staging-2.internal', port: 6543, database: 'stage' },
    ]);
    const prod = config('postgresql://app:pw@staging-db:5432/stage?host=prod-db.internal');
    expect(seedDestinations(prod)).toEqual([
      {
        env: 'staging',
        host: 'prod-db.internal',
        port: 5432,
        database: 'stage',
        refusal: expect.stringContaining("'prod'"),
      },
    ]);
  });

  it('masks a password given as ?password=, which pg uses when the URL has none', () => {
    const verdict = checkSeedTarget('staging', config('postgresql://app@staging-db:5432/stage?password=hunter2&x=1'));
    expect(verdict).toMatchObject({
      ok: true,
      target: { masked: 'postgresql://app@staging-db:5432/stage?password=****&x=1' },
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
