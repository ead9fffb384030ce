// The content checksum of each table, computed in the database: the row count and the sum, mod 2^64, of a 64-bit hash
// of each row's text form. A sum ignores row order and the dump format, streams in constant memory through any table
// (primary key or not), and moves when any value of any row changes.
import type pg from 'pg';
import { quoteIdent } from '../targets/connect.js';

// hashtextextended (the 64-bit hash behind hash partitioning, so stable across PostgreSQL versions) rather than md5:
// md5 costs about five times as much per row, which would double a drill's verify time. Its values depend on the
// server's byte order: source and drill server must share it (every x86-64 and ARM64 server does); if not, the drill
// FAILs, never passes wrongly.
export const CHECKSUM_ALGORITHM = 'count(*) and sum mod 2^64 of hashtextextended(row::text, 0), per table';

export interface TableInfo {
  schema: string;
  name: string;
  hasPrimaryKey: boolean;
  /** From the catalog (relpages): only used to start the biggest tables first. */
  estimatedBytes: number;
}
export interface TableSum {
  schema: string;
  name: string;
  hasPrimaryKey: boolean;
  rowCount: number;
  /** 16 hex digits. */
  checksum: string;
}

/**
 * The tables whose rows pg_dump writes: ordinary tables and partitions outside the system schemas, except temporary
 * tables and those an extension owns (pg_dump leaves their data to the extension).
 */
export async function listTables(client: pg.Client): Promise<TableInfo[]> {
  const { rows } = await client.query<{ schema: string; name: string; has_pk: boolean; bytes: string }>(`
    select n.nspname as schema, c.relname as name,
           exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary) as has_pk,
           (c.relpages::bigint * current_setting('block_size')::bigint)::text as bytes
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'r' and c.relpersistence <> 't'
       and n.nspname not in ('pg_catalog', 'information_schema')
       and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
       and not exists (select 1 from pg_depend d
                        where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
     order by n.nspname, c.relname`);
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    hasPrimaryKey: r.has_pk,
    estimatedBytes: Number(r.bytes),
  }));
}

export async function checksumTable(client: pg.Client, table: TableInfo): Promise<TableSum> {
  const { rows } = await client.query<{ n: string; total: string }>(
    `select count(*)::text as n,
            coalesce(sum(hashtextextended((t.*)::text, 0)), 0)::text as total
       from only ${quoteIdent(table.schema)}.${quoteIdent(table.name)} as t`,
  );
  const total = BigInt(rows[0]?.total ?? '0');
  return {
    schema: table.schema,
    name: table.name,
    hasPrimaryKey: table.hasPrimaryKey,
    rowCount: Number(rows[0]?.n ?? 0),
    checksum: BigInt.asUintN(64, total).toString(16).padStart(16, '0'),
  };
}

/**
 * Checksums tables over `jobs` connections at once, the biggest first; openWorker gives each connection (sharing
 * the exported snapshot on a source). Results come back in the order of tables.
 */
export async function checksumTables(
  tables: TableInfo[],
  jobs: number,
  openWorker: () => Promise<pg.Client>,
  closeWorker: (client: pg.Client) => Promise<void>,
  signal?: AbortSignal,
): Promise<TableSum[]> {
  const queue = [...tables].sort((a, b) => b.estimatedBytes - a.estimatedBytes);
  // Aborting (the dump beside it failed) stops each worker after its current table.
  signal?.addEventListener('abort', () => {
    queue.length = 0;
  });
  const sums = new Map<TableInfo, TableSum>();
  const worker = async () => {
    let client: pg.Client | undefined;
    try {
      client = await openWorker();
      for (let table = queue.shift(); table; table = queue.shift()) sums.set(table, await checksumTable(client, table));
    } catch (error) {
      queue.length = 0; // the other workers stop after their current table
      throw error;
    } finally {
      if (client) await closeWorker(client);
    }
  };
  const workers = Math.max(1, Math.min(jobs, tables.length));
  const results = await Promise.allSettled(Array.from({ length: tables.length === 0 ? 0 : workers }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  if (signal?.aborted) throw new Error('checksums cancelled');
  return tables.map((t) => sums.get(t)!);
}

export const tableKey = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;
