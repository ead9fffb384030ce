// Writes a table's rows as upserts, one statement (one round trip) per batch: each column goes as one array parameter
// and unnest turns them back into rows, so a batch of any width costs the same as a single row.
import type { Db } from '../store/db.js';
import type { TableRows } from './data.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Bigger than any table of a chunk of tenants (steps.ts), small enough to keep each parameter modest. */
export const BATCH_ROWS = 5000;

export function upsertSql({ table, columns }: Pick<TableRows, 'table' | 'columns'>): string {
  const names = columns.map((c) => c.name);
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const rest = names.filter((n) => n !== 'id');
  const excluded = rest.map((n) => `excluded.${n}`).join(', ');
  // The where clause skips rows that are already as seeded: a second run rewrites nothing and says so.
  return `with written as (
    insert into ${table} (${names.join(', ')}) select * from unnest(${arrays})
    on conflict (id) do update set (${rest.join(', ')}) = row(${excluded})
      where (${rest.map((n) => `${table}.${n}`).join(', ')}) is distinct from (${excluded})
    returning (xmax = 0) as inserted)
  select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from written`;
}

export async function upsertRows(tx: Db, data: TableRows, batchRows = BATCH_ROWS): Promise<UpsertCounts> {
  const sql = upsertSql(data);
  const total: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  for (let start = 0; start < data.rows.length; start += batchRows) {
    const batch = data.rows.slice(start, start + batchRows);
    const params = data.columns.map((_, j) => batch.map((row) => row[j]));
    const [counts] = await tx.query<{ inserted: number; updated: number }>(sql, params);
    total.inserted += counts?.inserted ?? 0;
    total.updated += counts?.updated ?? 0;
    total.unchanged += batch.length - (counts?.inserted ?? 0) - (counts?.updated ?? 0);
  }
  return total;
}
