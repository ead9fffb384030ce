// Applies the SQL files of src/store/migrations in name order, once, under an advisory lock, in one transaction.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any constant works; replicas starting together must agree on it. ("opsbot" in ASCII.)
const MIGRATION_LOCK = 0x6f7073626f74;

export interface MigrationReport {
  applied: string[];
  total: number;
}

export function migrationNames(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  const names = migrationNames(dir);
  const applied = await db.transaction(async (tx) => {
    // Held until commit: a replica that waits here then sees every migration as applied.
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`create table if not exists schema_migrations (
      name text primary key, applied_at timestamptz not null default now())`);
    const done = new Set((await tx.query<{ name: string }>('select name from schema_migrations')).map((r) => r.name));
    const fresh = names.filter((name) => !done.has(name));
    for (const name of fresh) {
      await tx.query(readFileSync(`${dir}/${name}`, 'utf8'));
      await tx.query('insert into schema_migrations (name) values ($1)', [name]);
    }
    return fresh;
  });
  return { applied, total: names.length };
}

/** Migrations present in the code but not applied to db: empty when the schema is current. */
export async function pendingMigrations(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const rows = await db
    .query<{ name: string }>('select name from schema_migrations')
    .catch(() => [] as { name: string }[]);
  const done = new Set(rows.map((r) => r.name));
  return migrationNames(dir).filter((name) => !done.has(name));
}
