// Counts what each policy would delete: rows in a read-only transaction on the target database, files by
// modification time. Nothing is deleted here; a policy that cannot be counted says why and is left alone.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { maskSecrets } from '../redact.js';
import type { Db } from '../store/db.js';
import type { FilePolicy, TablePolicy } from './policy.js';
import type { CountLine, PolicyCount } from './report.js';
import { countChildSql, countParentSql, deleteStatements, pastCutoff } from './sql.js';

const FILES_SHOWN = 1000;
const cutoffOf = (days: number, now: Date) => new Date(now.getTime() - days * 86_400_000).toISOString();

async function primaryKey(tx: Db, table: string): Promise<string[]> {
  const rows = await tx.query<{ name: string }>(
    `select a.attname as name from pg_index i
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = to_regclass($1) and i.indisprimary order by array_position(i.indkey, a.attnum)`,
    [`"${table}"`],
  );
  return rows.map((row) => row.name);
}

export async function countTable(db: Db, policy: TablePolicy, now: Date): Promise<PolicyCount> {
  const cutoff = cutoffOf(policy.days, now);
  const base = {
    policy: policy.name,
    kind: 'table' as const,
    where: policy.env,
    days: policy.days,
    cutoff,
    deleteAllowed: policy.deleteAllowed,
    statements: deleteStatements(policy, cutoff),
  };
  try {
    const lines = await db.transaction(async (tx) => {
      await tx.query('set transaction read only');
      const [parent] = await tx.query<{ rows: number; oldest: string | null; bytes: number }>(countParentSql(policy), [
        cutoff,
      ]);
      const key = await primaryKey(tx, policy.table);
      const keyExpr = key.length ? `concat_ws('/', ${key.map((k) => `"${k}"`).join(', ')})` : 'ctid::text';
      const samples = await tx.query<{ key: string }>(
        `select ${keyExpr} as key from "${policy.table}" where ${pastCutoff(policy)} order by "${policy.column}" limit 5`,
        [cutoff],
      );
      const out: CountLine[] = [
        {
          what: policy.table,
          rows: Number(parent!.rows),
          ...(parent!.oldest ? { oldest: parent!.oldest } : {}),
          bytes: Number(parent!.bytes),
          samples: samples.map((s) => s.key),
        },
      ];
      for (const child of policy.children) {
        const [counted] = await tx.query<{ rows: number; bytes: number }>(countChildSql(policy, child), [cutoff]);
        out.push({ what: child.table, rows: Number(counted!.rows), bytes: Number(counted!.bytes), samples: [] });
      }
      return out;
    });
    return { ...base, lines };
  } catch (error) {
    return { ...base, lines: [], error: maskSecrets((error as Error).message) };
  }
}

/** The files under policy.folder matching its glob and last modified before the cut-off, oldest first. */
export async function filesPast(
  policy: FilePolicy,
  cutoff: string,
): Promise<{ path: string; bytes: number; mtime: Date }[]> {
  const matches = picomatch(policy.glob, { dot: false });
  const names = (await readdir(policy.folder, { recursive: true })) as string[];
  const found: { path: string; bytes: number; mtime: Date }[] = [];
  for (const name of names) {
    if (!matches(name)) continue;
    const info = await stat(join(policy.folder, name)).catch(() => undefined);
    if (info?.isFile() && info.mtime < new Date(cutoff))
      found.push({ path: name, bytes: info.size, mtime: info.mtime });
  }
  return found.sort((a, b) => a.mtime.getTime() - b.mtime.getTime());
}

export async function countFiles(policy: FilePolicy, now: Date): Promise<PolicyCount> {
  const cutoff = cutoffOf(policy.days, now);
  const base = {
    policy: policy.name,
    kind: 'files' as const,
    where: policy.folder,
    days: policy.days,
    cutoff,
    deleteAllowed: policy.deleteAllowed,
    statements: [],
  };
  try {
    const files = await filesPast(policy, cutoff);
    const line: CountLine = {
      what: policy.folder,
      rows: files.length,
      ...(files[0] ? { oldest: files[0].mtime.toISOString() } : {}),
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
      samples: files.slice(0, 5).map((f) => f.path),
    };
    return { ...base, lines: [line], files: files.slice(0, FILES_SHOWN).map((f) => f.path) };
  } catch (error) {
    return { ...base, lines: [], error: maskSecrets((error as Error).message) };
  }
}
