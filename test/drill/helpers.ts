// Drill test helpers: a seeded source database (pilot tenants plus odd shapes: no primary key, duplicate rows, a quoted
// name, another schema, a dropped column), a backup directory, and ways to look at what a drill left behind.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { seedPilots } from '../../src/seed/pilots.js';
import { pgTargets } from '../../src/targets/targets.js';
import type { Bot } from '../support/bot.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';

export const OPERATOR = 'U_DRILL_OP';
export const PASSWORD = 's3cret-drill-pw';

export interface Source extends TestDatabase {
  /** The URL with a password (ignored by the trust-auth test server) that must never show anywhere. */
  urlWithPassword: string;
}

/** Pilot tenants (the seed capability's own data) and fixture tables of the shapes a drill must handle. */
export async function createSource(label = 'src', { pilots = 2, extraRows = 500 } = {}): Promise<Source> {
  const db = await createTestDatabase(label);
  const url = new URL(db.url);
  url.password = PASSWORD;
  if (!url.username) url.username = 'postgres';
  await seedPilots(db.url, { prefix: 'pilot', count: pilots }, { targets: pgTargets() });
  await db.query(`
    create table events_nopk (kind text, payload jsonb, at timestamptz, amount double precision, tags text[]);
    insert into events_nopk select 'k' || (g % 7), jsonb_build_object('g', g), timestamptz '2026-01-01' + g * interval '1 minute',
      g / 3.0, array['a', 'b' || g] from generate_series(1, ${extraRows}) g;
    insert into events_nopk select * from events_nopk limit 5;
    create schema billing;
    create table billing."Invoice Lines" (id bigint generated always as identity primary key, note text, cents bigint,
      blob bytea, span interval, obsolete int);
    insert into billing."Invoice Lines" (note, cents, blob, span, obsolete)
      select case when g % 5 = 0 then null else 'line ' || g end, g * 100, decode(md5(g::text), 'hex'), g * interval '1 hour', g
        from generate_series(1, ${extraRows}) g;
    alter table billing."Invoice Lines" drop column obsolete;
    create table empty_table (id int primary key);`);
  return Object.assign(db, { urlWithPassword: url.toString() });
}

export async function backupDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-backups-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Databases on the test server whose name starts with prefix (drill databases left behind, say). */
export async function databasesLike(prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1) order by 1',
      [prefix],
    );
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

/** Databases on the test server owned by role. */
export async function databasesOwnedBy(role: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where datdba = (select oid from pg_roles where rolname = $1)',
      [role],
    );
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

/** Runs sql on the server's maintenance connection (roles, for permission tests). */
export async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Flips one byte in the middle of the biggest data file of a stored dump (a rotting disk, a tampered file). */
export async function flipByteInDump(backupPath: string): Promise<string> {
  const dumpDir = join(backupPath, 'dump');
  const names = (await readdir(dumpDir)).filter((n) => n.endsWith('.dat.gz'));
  const sized = await Promise.all(names.map(async (n) => ({ n, size: (await readFile(join(dumpDir, n))).length })));
  const biggest = sized.sort((a, b) => b.size - a.size)[0]!.n;
  const bytes = await readFile(join(dumpDir, biggest));
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0xff;
  await writeFile(join(dumpDir, biggest), bytes);
  return `dump/${biggest}`;
}

/** Polls check until it returns a truthy value; fails with what it last saw after timeoutMs. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last saw ${JSON.stringify(last)}`);
}

export interface DrillRunRow {
  id: string;
  status: string;
  report: any;
  slack_ts: string;
}

/** Runs /drill with text and waits for its evidence files (the drill's last visible act); returns what people see. */
export async function slashDrill(bot: Bot, text = 'restore staging', user = OPERATOR) {
  const uploads = bot.slack.callsOf('files.completeUploadExternal').length;
  const answer = await bot.slash('/drill', text, { user, channel: 'C_OPS' });
  if (answer.status !== 200) throw new Error(`/drill answered ${answer.status}`);
  await bot.slack.waitFor('files.completeUploadExternal', uploads + 1, 120_000);
  const [run] = await bot.db.query<DrillRunRow>(
    "select id, status, report, slack_ts from runs where kind = 'drill' order by started_at desc limit 1",
  );
  const files = bot.slack.files.filter((f) => f.threadTs === run!.slack_ts);
  const updates = bot.slack.callsOf('chat.update').filter((c) => c.args.ts === run!.slack_ts);
  return { answer, run: run!, files, final: textOf(updates.at(-1)?.args.blocks, updates.at(-1)?.args.text) };
}
