// The pilot schema on a target database: the SQL files of src/seed/migrations, applied in name order, each recorded
// in pilot_schema_version so it is applied once; the newest applied name is the schema version.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from '../store/db.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
export const VERSION_TABLE = 'pilot_schema_version';
/** The tables the summary counts, in the runbook's order; analytics_daily holds the rollup. */
export const PILOT_TABLES = [
  'tenants',
  'users',
  'transactions',
  'journal_entries',
  'rules',
  'audit_log',
  'receipts',
  'receipt_fields',
  'analytics_daily',
] as const;

export function pilotMigrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

/** Applies what is missing; call it inside the seeding transaction so a failure leaves no table behind. */
export async function applyPilotSchema(tx: Db): Promise<{ applied: string[]; version: string }> {
  await tx.query(`create table if not exists ${VERSION_TABLE} (
    version text primary key, applied_at timestamptz not null default now())`);
  const done = new Set(
    (await tx.query<{ version: string }>(`select version from ${VERSION_TABLE}`)).map((r) => r.version),
  );
  const names = pilotMigrationNames();
  const applied: string[] = [];
  for (const name of names.filter((n) => !done.has(n.replace(/\.sql$/, '')))) {
    await tx.query(readFileSync(`${MIGRATIONS_DIR}/${name}`, 'utf8'));
    await tx.query(`insert into ${VERSION_TABLE} (version) values ($1)`, [name.replace(/\.sql$/, '')]);
    applied.push(name.replace(/\.sql$/, ''));
  }
  return { applied, version: names.at(-1)!.replace(/\.sql$/, '') };
}

/** The newest applied version, or undefined when the pilot schema is not there. */
export async function pilotSchemaVersion(db: Db): Promise<string | undefined> {
  const [exists] = await db.query<{ present: boolean }>('select to_regclass($1) is not null as present', [
    VERSION_TABLE,
  ]);
  if (!exists?.present) return undefined;
  const [row] = await db.query<{ version: string }>(`select max(version) as version from ${VERSION_TABLE}`);
  return row?.version ?? undefined;
}

/** Row count of every pilot table present (the runbook's db_summary.txt). */
export async function countPilotTables(db: Db): Promise<{ table: string; rows: number }[]> {
  const present = await db.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r' and c.relname = any($1::text[])`,
    [PILOT_TABLES],
  );
  const names = PILOT_TABLES.filter((table) => present.some((p) => p.name === table));
  if (names.length === 0) return [];
  const [counts] = await db.query<Record<string, number>>(
    `select ${names.map((table) => `(select count(*)::int from ${table}) as ${table}`).join(', ')}`,
  );
  return names.map((table) => ({ table, rows: Number(counts?.[table] ?? 0) }));
}
