// Real PostgreSQL and Redis for integration tests (TEST_DATABASE_URL, TEST_REDIS_URL): a fresh database and a fresh
// key prefix for each use, so parallel workers never collide. Without them, suites say they are skipped and why.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;

const suffix = () => randomBytes(5).toString('hex');
// Set by global-setup.ts: the run's databases carry it, so the run can check at its end that none is left.
const runTag = process.env.OPSBOT_TEST_RUN ? `r${process.env.OPSBOT_TEST_RUN}_` : '';

/** describe, or describe.skip with the reason in its name when TEST_DATABASE_URL is not set. */
export const describeWithPostgres: typeof describe = (
  TEST_DATABASE_URL
    ? describe
    : (name: string, ...rest: unknown[]) =>
        (describe.skip as any)(`${name} (skipped: TEST_DATABASE_URL is not set)`, ...rest)
) as typeof describe;

export const describeWithRedis: typeof describe = (
  TEST_REDIS_URL
    ? describe
    : (name: string, ...rest: unknown[]) =>
        (describe.skip as any)(`${name} (skipped: TEST_REDIS_URL is not set)`, ...rest)
) as typeof describe;

export function urlFor(database: string, base = TEST_DATABASE_URL!): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

// One connection per worker for creating and dropping databases: a connection costs the server a process and some
// 20 ms of CPU, and a run creates some 170 databases. Opened again when it is lost, and closed once idle for
// ADMIN_IDLE_MS, so that it never keeps a process (a benchmark, a script) from exiting.
const ADMIN_IDLE_MS = 2000;
let admin: Promise<pg.Client> | undefined;
let idle: NodeJS.Timeout | undefined;
function adminClient(): Promise<pg.Client> {
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    const forget = () => {
      if (admin === opened) admin = undefined;
    };
    client.on('error', forget);
    client.on('end', forget);
    await client.connect();
    return client;
  })().catch((error) => {
    admin = undefined;
    throw error;
  });
  const opened = admin;
  return admin;
}
// Statements on the shared connection, one at a time: CREATE and DROP DATABASE can't share a transaction block.
let adminQueue: Promise<unknown> = Promise.resolve();
let pending = 0;
function adminQuery(sql: string): Promise<void> {
  pending += 1;
  clearTimeout(idle);
  const next = adminQueue.then(async () => {
    await (await adminClient()).query(sql);
  });
  adminQueue = next
    .catch(() => {})
    .finally(() => {
      pending -= 1;
      if (pending === 0) idle = setTimeout(closeAdmin, ADMIN_IDLE_MS).unref();
    });
  return next;
}
function closeAdmin(): void {
  if (pending > 0 || !admin) return;
  const closing = admin;
  admin = undefined;
  void closing.then((client) => client.end()).catch(() => {});
}

export interface TestDatabaseOptions {
  /**
   * A copy of the run's migrated template (global-setup.ts) instead of an empty database: for a database a bot only
   * uses, so that 130 bots don't each apply every migration. The bot's own migrate() then finds nothing to do.
   */
  migrated?: boolean;
}

/** Creates an empty database on the TEST_DATABASE_URL server; drop() removes it, even with connections open. */
export async function createTestDatabase(label = 't', options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `opsbot_${label}_${runTag}${suffix()}`;
  const template = options.migrated ? process.env.OPSBOT_TEST_TEMPLATE : undefined;
  await adminQuery(`create database ${name}${template ? ` template ${template}` : ''}`);
  const url = urlFor(name);
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pool.on('error', () => {});
  return {
    name,
    url,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async drop() {
      await pool.end();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

export function redisPrefix(): string {
  return `opsbot-test:${suffix()}:`;
}
