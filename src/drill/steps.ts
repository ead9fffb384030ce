// The drill's steps between picking a backup and dropping the copy: integrity, restore, verification, smoke checks.

import { join } from 'node:path';
import type { BackupDeps } from '../backup/backup.js';
import type { BackupRow } from '../backup/backup-index.js';
import { CHECKSUM_ALGORITHM, checksumTables, listTables } from '../backup/checksum.js';
import { PARALLEL_JOBS } from '../backup/dump.js';
import { restoreProblem } from '../backup/failures.js';
import { type BackupManifest, DUMP_DIR } from '../backup/manifest.js';
import { missingToolProblem, passwordOf, runTool, toolVersion, withToolConnection } from '../backup/pg-tools.js';
import { walkAuditChain } from '../backup/snapshot.js';
import type { BackupStorage } from '../backup/storage.js';
import type { Deps } from '../deps.js';
import { formatBytes } from '../format.js';
import { maskUrl } from '../redact.js';
import { checkEnvironment, smokeProblem } from '../smoke/check.js';
import { closeQuietly, DrillFailure } from '../targets/connect.js';
import { type DrillServer, type DrillTarget, databaseIdentity, databaseUrlOn } from '../targets/target.js';
import type { Targets } from '../targets/targets.js';
import { createDrillDatabase, drillDatabaseName } from './ephemeral.js';
import type { DrillReport } from './report.js';
import { compareChains, compareTables } from './verify.js';

export type DrillDeps = BackupDeps & Pick<Deps, 'fetch'>;
export interface StepResult {
  detail: string;
  /** Reasons the step found; the drill goes on to its other checks and fails at the end. */
  problems?: string[];
}

const majorOf = (version: string) => Number(/\)\s*(\d+)/.exec(version)?.[1] ?? /(\d+)/.exec(version)?.[1] ?? 0);
const short = (hash: string) => `${hash.slice(0, 12)}…`;

/** The stored files against the manifest: the whole dump's sha256 and each file's, before anything is restored. */
export async function checkIntegrity(backup: BackupRow, storage: BackupStorage): Promise<{ dir: string } & StepResult> {
  const manifest = backup.manifest!;
  if (manifest.checksumAlgorithm !== CHECKSUM_ALGORITHM) {
    throw new DrillFailure(
      `The backup's checksums were computed as "${manifest.checksumAlgorithm}", this opsbot computes ` +
        `"${CHECKSUM_ALGORITHM}": take a new backup (opsbot backup ${backup.env}) and drill that.`,
    );
  }
  const dir = backup.path ? await storage.open(backup.path) : undefined;
  if (!dir) {
    const elsewhere = backup.storage !== storage.location ? `; it was written to ${backup.storage}` : '';
    const setting = storage.location.startsWith('s3://') ? 'BACKUP_STORAGE' : 'BACKUP_DIR';
    throw new DrillFailure(
      `Backup ${backup.id} is in the index but ${backup.path} is missing from ${setting} ` +
        `(${storage.location})${elsewhere}. With more than one replica, ${setting} must be storage they all share.`,
    );
  }
  const stored = new Map((await storage.files(backup.path!)).map((f) => [f.name, f]));
  const problems: string[] = [];
  for (const expected of manifest.files) {
    const found = stored.get(expected.name);
    stored.delete(expected.name);
    if (!found) problems.push(`${expected.name} is missing`);
    else if (found.sha256 !== expected.sha256)
      problems.push(`${expected.name} has sha256 ${short(found.sha256)}, the manifest says ${short(expected.sha256)}`);
  }
  for (const extra of stored.keys()) problems.push(`${extra} is not in the manifest`);
  if (problems.length) {
    throw new DrillFailure(
      `The stored dump does not match its manifest (sha256 ${short(manifest.sha256)}), so it was not restored: ${problems.join('; ')}.`,
    );
  }
  return {
    dir,
    detail: `sha256 ${short(manifest.sha256)} matches the manifest · ${manifest.files.length} files, ${formatBytes(manifest.sizeBytes)}`,
  };
}

/** Creates opsbot_drill_<runId> and restores the dump into it; onCreate runs as soon as the database exists. */
export async function restoreBackup(
  manifest: BackupManifest,
  dir: string,
  target: DrillTarget,
  server: DrillServer,
  runId: string,
  deps: DrillDeps,
  report: DrillReport,
  onCreate: () => void,
): Promise<{ url: string } & StepResult> {
  const binDir = deps.config.drill.pgBinDir;
  const dumpMajor = majorOf(manifest.pgDumpVersion);
  const pgRestore = await toolVersion('pg_restore', binDir);
  if (!pgRestore) throw new DrillFailure(missingToolProblem('pg_restore', binDir, dumpMajor || undefined));
  report.versions.pgRestore = pgRestore.text;
  if (pgRestore.major < dumpMajor) {
    throw new DrillFailure(
      `pg_restore ${pgRestore.major} cannot read a dump made by pg_dump ${dumpMajor}: install ` +
        `postgresql-client-${dumpMajor} (and set PG_BIN_DIR=/usr/lib/postgresql/${dumpMajor}/bin if it is not first on PATH).`,
    );
  }
  const name = drillDatabaseName(runId);
  if (databaseIdentity(databaseUrlOn(server.url, name)) === databaseIdentity(target.url)) {
    throw new DrillFailure(`Refusing to drill: the throw-away database ${name} would be the source database itself.`);
  }
  const url = await createDrillDatabase(deps, server, runId, manifest.encoding);
  onCreate();
  const result = await withToolConnection(url, (conninfo) =>
    runTool(
      'pg_restore',
      [
        '--no-owner',
        '--no-acl',
        '--exit-on-error',
        `--jobs=${PARALLEL_JOBS}`,
        `--dbname=${conninfo}`,
        join(dir, DUMP_DIR),
      ],
      { binDir, secrets: [passwordOf(url)].filter((s): s is string => Boolean(s)) },
    ),
  );
  if (result.code !== 0) throw new DrillFailure(restoreProblem(result, binDir));
  return { url, detail: `\`${name}\` on ${maskUrl(server.url)} · pg_restore -j ${PARALLEL_JOBS}` };
}

/** Recounts and rechecksums the restored copy, compares it with the manifest, and walks its audit chain. */
export async function verifyRestore(
  targets: Targets,
  url: string,
  manifest: BackupManifest,
  report: DrillReport,
): Promise<StepResult> {
  const what = 'the drill database';

  const client = await targets.client(url, what);
  try {
    const { rows } = await client.query<{ version: string }>(`select current_setting('server_version') as version`);
    report.versions.drillServer = rows[0]?.version;
    const sums = await checksumTables(
      await listTables(client),
      PARALLEL_JOBS,
      () => targets.client(url, what),
      closeQuietly,
    );
    report.tables = compareTables(manifest.tables, sums);
    report.checksumAlgorithm = manifest.checksumAlgorithm;
    if (manifest.auditChain) report.chain = compareChains(manifest.auditChain, await walkAuditChain(client));
  } finally {
    await closeQuietly(client);
  }
  const bad = report.tables.filter((t) => !t.ok);
  const problems = [
    ...bad.map((t) => `Table ${t.schema}.${t.name}: ${t.problem}.`),
    ...(report.chain && !report.chain.ok ? [`Audit chain: ${report.chain.problem}.`] : []),
  ];
  const rowCount = report.tables.reduce((total, t) => total + (t.sourceRows ?? 0), 0);
  const tables = bad.length
    ? `${bad.length} of ${report.tables.length} tables differ`
    : `${report.tables.length} tables: counts and checksums equal (${rowCount.toLocaleString('en-US')} rows)`;
  const chain = report.chain
    ? ` · audit chain ${report.chain.ok ? `equal: ${report.chain.sourceRows} rows, head ${short(report.chain.sourceHead)}` : 'differs'}`
    : '';
  return { detail: `${tables}${chain}`, problems };
}

export async function smokeTarget(
  target: DrillTarget,
  deps: DrillDeps,
  report: DrillReport,
): Promise<StepResult & { skipped?: boolean }> {
  const env = target.environment;
  const skipped = !env
    ? "the bot's own database has no health checks"
    : smokeProblem(env)
      ? `no base URL is set for ${env.name}`
      : undefined;
  if (!env || skipped) {
    report.smoke = { verdict: 'skipped', reason: skipped ?? 'skipped' };
    return { detail: skipped ?? 'skipped', skipped: true };
  }
  const smoke = await checkEnvironment(env, deps);
  report.smoke = { verdict: smoke.verdict, checks: smoke.checks };
  const failing = smoke.checks.filter((c) => !c.ok).map((c) => `${c.path} ${c.reason ?? c.status ?? ''}`.trim());
  return {
    detail: `${smoke.verdict} · ${smoke.checks.map((c) => `${c.path} ${c.status ?? 'no response'}`).join(', ')}`,
    problems: failing.length ? [`Smoke checks of ${env.name} failed: ${failing.join('; ')}.`] : [],
  };
}
