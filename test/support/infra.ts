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

/** Creates an empty database on the TEST_DATABASE_URL server; drop() removes it, even with connections open. */
export async function createTestDatabase(label = 't'): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `opsbot_${label}_${runTag}${suffix()}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = urlFor(name);
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pool.on('error', () => {});
  return {
    name,
    url,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function redisPrefix(): string {
  return `opsbot-test:${suffix()}:`;
}
