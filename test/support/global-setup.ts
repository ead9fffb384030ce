// Once per `vitest run`: compiles the command line for the processes tests spawn (cli-build.ts), migrates the template
// that bots' databases are copied from, tags the databases this run creates, and at the end fails the run if any of
// them is left (a test that stops its bot in the wrong order leaks one per run on the shared server). A run that was
// killed cleans nothing up: the next run drops the databases of runs that started more than STALE_RUN_MS ago.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { postgresDb } from '../../src/store/postgres.js';
import { buildCli } from './cli-build.js';
import { urlFor } from './infra.js';

// vitest calls it for the root config and again for each project that extends it (vitest.config.ts): the first call
// does the work, the others leave it to it.
const DONE = Symbol.for('opsbot.global-setup');
// Far longer than any run takes (about 3 minutes), so no database of a run still going is touched.
const STALE_RUN_MS = 6 * 3_600_000;
// A run's tag: its start in milliseconds (base 36, 8 characters) and 4 random hex digits.
const RUN_TAG = /^opsbot_(?:.*_r|template_)([0-9a-z]{8})[0-9a-f]{4}(?:_[0-9a-f]{10})?$/;

export default async function setup() {
  const state = globalThis as { [DONE]?: true };
  if (state[DONE]) return () => {};
  state[DONE] = true;
  const run = `${Date.now().toString(36).padStart(8, '0')}${randomBytes(2).toString('hex')}`;
  await dropStaleRuns();
  // Workers inherit it: infra.ts puts it into every database name.
  process.env.OPSBOT_TEST_RUN = run;
  // And this one: process.ts spawns the compiled command line with plain node.
  const cli = await buildCli();
  process.env.OPSBOT_TEST_CLI = cli.main;
  const template = await createTemplate(run);
  return async () => {
    cli.remove();
    const url = process.env.TEST_DATABASE_URL;
    if (!url) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      if (template) await client.query(`drop database if exists ${template} with (force)`);
      const { rows } = await client.query<{ datname: string }>(
        'select datname from pg_database where datname like $1 order by 1',
        [`opsbot\\_%\\_r${run}\\_%`],
      );
      if (rows.length) {
        // Dropped, so the server stays clean, and reported, so the test that leaked them gets fixed.
        for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
        throw new Error(`The run left ${rows.length} database(s) behind: ${rows.map((r) => r.datname).join(', ')}`);
      }
    } finally {
      await client.end();
    }
  };
}

/**
 * The run's migrated database, which infra.ts copies for every bot (createTestDatabase's `migrated`): copying it costs
 * the server less than applying every migration to each of some 130 empty databases.
 */
async function createTemplate(run: string): Promise<string | undefined> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return undefined;
  const name = `opsbot_template_${run}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  // Closed before any copy: Postgres copies a template only while nobody is connected to it.
  const db = postgresDb(urlFor(name), 1);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  process.env.OPSBOT_TEST_TEMPLATE = name;
  return name;
}

/** Drops the databases of runs that started more than STALE_RUN_MS ago: runs killed before their teardown. */
async function dropStaleRuns(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 'opsbot%'",
    );
    for (const { datname } of rows) {
      const started = RUN_TAG.exec(datname)?.[1];
      if (started && Date.now() - Number.parseInt(started, 36) > STALE_RUN_MS)
        await client.query(`drop database if exists "${datname}" with (force)`);
    }
  } finally {
    await client.end();
  }
}
