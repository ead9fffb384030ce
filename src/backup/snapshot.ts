// An exported snapshot of the source: pg_dump (--snapshot) and every checksum connection read the very same data.
import type pg from 'pg';
import { type AuditVerifyReport, verifyAuditChain } from '../store/audit.js';
import { clientDb, closeQuietly, connect, DrillFailure } from '../targets/connect.js';

export interface SourceSnapshot {
  /** The connection whose open transaction keeps the snapshot alive; it is only ever read through. */
  client: pg.Client;
  id: string;
  takenAt: string;
  serverVersion: string;
  serverMajor: number;
  database: string;
  encoding: string;
  close(): Promise<void>;
}

export async function openSnapshot(url: string, what: string): Promise<SourceSnapshot> {
  const client = await connect(url, what, 'opsbot-backup');
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{
      id: string;
      at: Date;
      version: string;
      num: string;
      db: string;
      enc: string;
    }>(
      `select pg_export_snapshot() as id, now() as at, current_setting('server_version') as version,
              current_setting('server_version_num') as num, current_database() as db,
              pg_encoding_to_char(encoding) as enc
         from pg_database where datname = current_database()`,
    );
    const row = rows[0]!;
    return {
      client,
      id: row.id,
      takenAt: new Date(row.at).toISOString(),
      serverVersion: row.version,
      serverMajor: Math.floor(Number(row.num) / 10_000),
      database: row.db,
      encoding: row.enc,
      async close() {
        await client.query('commit').catch(() => {});
        await closeQuietly(client);
      },
    };
  } catch (error) {
    await closeQuietly(client);
    throw error instanceof DrillFailure
      ? error
      : new DrillFailure(`Cannot take a snapshot of ${what}: ${(error as Error).message}.`);
  }
}

/** A further connection that reads the snapshot (for checksums running beside pg_dump). */
export async function importSnapshot(url: string, what: string, snapshotId: string): Promise<pg.Client> {
  const client = await connect(url, what, 'opsbot-backup');
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query(`set transaction snapshot '${snapshotId.replace(/'/g, "''")}'`);
    return client;
  } catch (error) {
    await closeQuietly(client);
    throw new DrillFailure(`Cannot share the snapshot of ${what}: ${(error as Error).message}.`);
  }
}

/** opsbot's own audit_events (seq, prev_hash, hash): present in the bot's database, and in a restore of it. */
export async function hasAuditChain(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>(
    `select count(*)::int as n from information_schema.columns
      where table_schema = 'public' and table_name = 'audit_events' and column_name in ('seq', 'prev_hash', 'hash')`,
  );
  return rows[0]?.n === 3;
}

/** Walks the chain when the database holds one; undefined otherwise. */
export async function walkAuditChain(client: pg.Client): Promise<AuditVerifyReport | undefined> {
  if (!(await hasAuditChain(client))) return undefined;
  return verifyAuditChain(clientDb(client));
}
