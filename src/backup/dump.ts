// pg_dump (directory format, parallel) and the per-table checksums at once, all reading one exported snapshot.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { closeQuietly, DrillFailure } from '../targets/connect.js';
import type { DrillTarget } from '../targets/target.js';
import { checksumTables, type TableInfo } from './checksum.js';
import { dumpProblem } from './failures.js';
import { DUMP_DIR } from './manifest.js';
import { passwordOf, runTool, withToolConnection } from './pg-tools.js';
import { importSnapshot, type SourceSnapshot, walkAuditChain } from './snapshot.js';

// gzip level 1: about a third of the CPU of pg_dump's default level 6 for a dump only a few percent bigger.
export const COMPRESSION_LEVEL = 1;
/** Connections per phase (pg_dump and pg_restore jobs, checksum workers): the cores, at least 2, at most 4. */
export const PARALLEL_JOBS = Math.max(2, Math.min(4, availableParallelism()));

/** pg_dump and the checksums at once, all in the snapshot; a failure of either stops the other. */
export async function dumpAndChecksum(
  target: DrillTarget,
  snapshot: SourceSnapshot,
  dir: string,
  tables: TableInfo[],
  binDir: string | undefined,
) {
  const abort = new AbortController();
  const what = `the source of ${target.name}`;
  const dumpStarted = performance.now();
  let dumpMs = 0;
  const dumping = withToolConnection(target.url, (conninfo) =>
    runTool(
      'pg_dump',
      [
        '--format=directory',
        `--jobs=${PARALLEL_JOBS}`,
        `--compress=${COMPRESSION_LEVEL}`,
        '--no-owner',
        '--no-acl',
        `--snapshot=${snapshot.id}`,
        `--file=${join(dir, DUMP_DIR)}`,
        `--dbname=${conninfo}`,
      ],
      { binDir, secrets: [passwordOf(target.url)].filter((s): s is string => Boolean(s)), signal: abort.signal },
    ),
  ).then((result) => {
    dumpMs = Math.round(performance.now() - dumpStarted);
    if (result.code !== 0 && !abort.signal.aborted) abort.abort();
    return result;
  });
  const checkStarted = performance.now();
  const checking = Promise.all([
    checksumTables(
      tables,
      PARALLEL_JOBS,
      () => importSnapshot(target.url, what, snapshot.id),
      closeQuietly,
      abort.signal,
    ),
    walkAuditChain(snapshot.client),
  ]).then(([sums, chain]) => ({ sums, chain, checksumMs: Math.round(performance.now() - checkStarted) }));
  const [dumped, checked] = await Promise.allSettled([
    dumping,
    checking.catch((error) => {
      abort.abort();
      throw error;
    }),
  ]);
  if (
    dumped.status === 'fulfilled' &&
    dumped.value.code !== 0 &&
    !(checked.status === 'rejected' && dumped.value.code === null)
  ) {
    throw new DrillFailure(dumpProblem(dumped.value, target, binDir));
  }
  if (checked.status === 'rejected') {
    const error = checked.reason;
    throw error instanceof DrillFailure
      ? error
      : new DrillFailure(`Checksums of ${what} failed: ${(error as Error).message}.`);
  }
  if (dumped.status === 'rejected') throw dumped.reason;
  return { dumpMs, ...checked.value };
}
