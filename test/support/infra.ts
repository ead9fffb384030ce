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

// One connection per worker for creating and dropping databases, one statement at a time: a connection costs the
// server a process and some 20 ms of CPU, and a run creates some 170 databases. pg's pool keeps it for the worker's
// life (no idle timeout), opens it again when it is lost, and lets a process (a benchmark, a script) exit while it is
// idle.
let admin: pg.Pool | undefined;
async function adminQuery(sql: string): Promise<void> {
  admin ??= new pg.Pool({
    connectionString: TEST_DATABASE_URL,
    max: 1,
    idleTimeoutMillis: 0,
    allowExitOnIdle: true,
  }).on('error', () => {});
  await admin.query(sql);
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
