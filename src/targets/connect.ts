// Connections to the databases a drill touches, with failures turned into sentences an operator can act on.
import pg from 'pg';
import { maskSecrets, maskUrl } from '../redact.js';
import type { Db } from '../store/db.js';

/** A failure a drill or backup reports as its reason (already masked), rather than a fault of opsbot's. */
export class DrillFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DrillFailure';
  }
}

// The same text form of every value on every server, so checksums match whatever the server's defaults are; no
// timeouts, since a checksum of a big table or a transaction holding the snapshot during a dump may take long.
const SESSION = [
  "set timezone = 'UTC'",
  "set datestyle = 'ISO, YMD'",
  "set intervalstyle = 'postgres'",
  'set extra_float_digits = 1',
  "set bytea_output = 'hex'",
  "set lc_monetary = 'C'",
  'set statement_timeout = 0',
  'set lock_timeout = 0',
  'set idle_in_transaction_session_timeout = 0',
].join('; ');

/** Why a connection failed, in words: `connection refused`, `password authentication failed for user "app"`. */
export function connectionProblem(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { message?: string };
  if (e?.code === 'ECONNREFUSED') return 'connection refused (is the server running and the port right?)';
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return 'host not found';
  if (e?.code === 'ETIMEDOUT' || /timeout/i.test(e?.message ?? '')) return 'timed out';
  return maskSecrets(e?.message ?? String(error));
}

export async function connect(url: string, what: string, applicationName = 'opsbot-drill'): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 15_000,
    application_name: applicationName,
  });
  // An error on an idle client (server restart, drop with force) surfaces on its next query, not as a crash.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(SESSION);
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw new DrillFailure(`Cannot connect to ${what} ${maskUrl(url)}: ${connectionProblem(error)}.`);
  }
}

export async function closeQuietly(client: pg.Client | undefined): Promise<void> {
  await client?.end().catch(() => {});
}

/** A Db over one client (inside its open transaction), for code that walks the audit chain. */
export function clientDb(client: pg.Client): Db {
  return {
    kind: 'postgres',
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(sql, params as unknown[])).rows as T[],
    transaction: () => Promise.reject(new Error('nested transactions are not supported')),
    close: async () => {},
  };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
