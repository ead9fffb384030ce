// Db over an embedded Postgres (PGlite) persisted under DATA_DIR: the default when DATABASE_URL is unset.
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db } from './db.js';

/** dataDir `memory://` keeps everything in memory (tests); any other value is a folder. */
export async function embeddedDb(dataDir: string): Promise<Db> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(inMemory ? dataDir : `${dataDir}/pgdata`);
  // Without parameters, exec runs multi-statement scripts (migrations), which the extended protocol refuses.
  const run = async <T>(target: PGlite | Transaction, sql: string, params: readonly unknown[]) =>
    params.length === 0
      ? (((await target.exec(sql)).at(-1)?.rows ?? []) as T[])
      : (await target.query<T>(sql, params as unknown[])).rows;
  const onTx = (tx: Transaction): Db => ({
    kind: 'embedded',
    query: (sql, params = []) => run(tx, sql, params),
    transaction: () => Promise.reject(new Error('nested transactions are not supported')),
    close: async () => {},
  });
  return {
    kind: 'embedded',
    query: (sql, params = []) => run(lite, sql, params),
    // PGlite is one connection: its transaction() holds a mutex, so transactions never interleave.
    transaction: (fn) => lite.transaction((tx) => fn(onTx(tx))),
    close: () => lite.close(),
  };
}
