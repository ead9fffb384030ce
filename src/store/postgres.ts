// Db over a pg connection pool (DATABASE_URL).
import pg from 'pg';
import type { Db, QueryOptions } from './db.js';

// int8 and numeric come back as strings by default; counts in opsbot fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresOptions {
  kind?: Db['kind'];
  applicationName?: string;
  /** How long opening a connection may take (default 15 s). */
  connectTimeoutMs?: number;
  /** Server side: a statement running longer is cancelled. Client side, query_timeout: a server that does not answer. */
  statementTimeoutMs?: number;
  /** How long an idle connection is kept (default 10 s); 0 keeps it, so the next query need not connect first. */
  idleTimeoutMs?: number;
}

export function postgresDb(url: string, max = 10, options: PostgresOptions = {}): Db & { pool: pg.Pool } {
  const { kind = 'postgres', applicationName = 'opsbot', connectTimeoutMs = 15_000, statementTimeoutMs } = options;
  const { idleTimeoutMs = 10_000 } = options;
  // An unreachable host fails in 15 s with a clear error instead of waiting out the OS's TCP timeout.
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: applicationName,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: idleTimeoutMs,
    ...(statementTimeoutMs === undefined
      ? {}
      : { statement_timeout: statementTimeoutMs, lock_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs }),
  });
  // An idle client losing its connection (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const onClient = (client: pg.PoolClient | pg.Pool): Db => ({
    kind,
    async query<T>(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}) {
      const values = params as unknown[];
      const result = options.name
        ? await client.query({ name: options.name, text: sql, values })
        : await client.query(sql, values);
      return result.rows as T[];
    },
    transaction: () => Promise.reject(new Error('nested transactions are not supported')),
    close: async () => {},
  });
  return {
    kind,
    pool,
    query: (sql, params, options) => onClient(pool).query(sql, params, options),
    async transaction(fn) {
      const client = await pool.connect();
      // A connection lost while fn awaits something else (Slack, SMTP) must fail the transaction, not crash the
      // process: without a listener, pg emits the error on the checked-out client as an uncaught exception.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      client.on('error', onError);
      try {
        await client.query('begin');
        const result = await fn(onClient(client));
        await client.query('commit');
        return result;
      } catch (error) {
        // A connection whose server stopped answering (query_timeout) or that cannot even roll back is not handed out
        // again; the server rolls back what it had when the connection goes.
        const fail = error instanceof Error ? error : new Error(String(error));
        if (/Query read timeout/.test(fail.message)) lost ??= fail;
        else
          await client.query('rollback').catch(() => {
            lost ??= fail;
          });
        throw error;
      } finally {
        client.off('error', onError);
        // A lost connection is destroyed rather than returned to the pool.
        client.release(lost);
      }
    },
    close: () => pool.end(),
  };
}
