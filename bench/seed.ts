// bench/seed: seeds 200 pilot tenants and compares the rows per second of step 2 (batched upserts) with a plain COPY
// of the very same rows into the same tables of a fresh pilot schema; then seeds 5 000 tenants (SEED_MAX_TENANTS'
// ceiling) and reports the longest the event loop was held meanwhile. Needs TEST_DATABASE_URL (a Postgres server).

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pilotRows, type TableRows } from '../src/seed/data.js';
import { seedPilots } from '../src/seed/pilots.js';
import { applyPilotSchema } from '../src/seed/schema.js';
import { postgresDb } from '../src/store/postgres.js';
import { pgTargets } from '../src/targets/targets.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../test/support/infra.js';
import type { BenchResult } from './run.js';

const TENANTS = 200;
const ROUNDS = 3;
// Upserts do more than COPY (conflict checks, a where clause, counting what changed), so parity is not the aim; a
// third of COPY's speed leaves room for that on a loaded 2-core machine and still fails a return to per-row writes.
const GOAL_RATIO = 0.33;
const BIG_TENANTS = 5000;
// A bot seeding must still acknowledge Slack (3 s) and heartbeat its runs (every RUN_STALE_SECONDS / 3).
const GOAL_LOOP_MS = 250;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function csv(data: TableRows): string {
  const field = (value: unknown) =>
    value === null || value === undefined ? '' : `"${String(value).replace(/"/g, '""')}"`;
  return `${data.rows.map((row) => row.map(field).join(',')).join('\n')}\n`;
}

/** A plain COPY of every table's rows, in one transaction, into a fresh database that already has the schema. */
async function copyRows(url: string, tables: TableRows[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    await client.query('begin');
    for (const data of tables) {
      const columns = data.columns.map((c) => c.name).join(', ');
      await pipeline(
        Readable.from([csv(data)]),
        client.query(copyFrom(`copy ${data.table} (${columns}) from stdin with (format csv)`)),
      );
    }
    await client.query('commit');
    return performance.now() - started;
  } finally {
    await client.end();
  }
}

export async function run(): Promise<BenchResult> {
  if (!TEST_DATABASE_URL) return { name: 'seed', figures: {}, notes: ['skipped: TEST_DATABASE_URL is not set'] };
  const day = new Date().toISOString().slice(0, 10);
  const tables = pilotRows('bench', TENANTS, day);
  const rows = tables.reduce((sum, t) => sum + t.rows.length, 0);
  const seedMs: number[] = [];
  const stepMs: number[] = [];
  const rerunMs: number[] = [];
  const copyMs: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const [seeded, copied] = await Promise.all([createTestDatabase('bench_seed'), createTestDatabase('bench_copy')]);
    try {
      let started = performance.now();
      const report = await seedPilots(seeded.url, { prefix: 'bench', count: TENANTS }, { targets: pgTargets() });
      if (report.verdict !== 'passed') throw new Error(`seed failed: ${report.failure?.reason}`);
      seedMs.push(performance.now() - started);
      stepMs.push(report.steps[1]!.durationMs ?? 0);
      started = performance.now();
      await seedPilots(seeded.url, { prefix: 'bench', count: TENANTS }, { targets: pgTargets() });
      rerunMs.push(performance.now() - started);

      const db = postgresDb(copied.url, 1);
      await db.transaction((tx) => applyPilotSchema(tx));
      await db.close();
      copyMs.push(await copyRows(copied.url, tables));
    } finally {
      await Promise.all([seeded.drop(), copied.drop()]);
    }
  }
  const big = await bigSeed();
  const perSecond = (ms: number) => Math.round((rows / ms) * 1000);
  const ratio = perSecond(median(stepMs)) / perSecond(median(copyMs));
  return {
    name: 'seed',
    figures: {
      tenants: TENANTS,
      rows,
      seed_rows_per_s: perSecond(median(stepMs)),
      copy_rows_per_s: perSecond(median(copyMs)),
      ratio: Number(ratio.toFixed(2)),
      whole_run_ms: Math.round(median(seedMs)),
      rerun_ms: Math.round(median(rerunMs)),
      big_tenants: BIG_TENANTS,
      big_run_ms: big.ms,
      big_loop_max_ms: big.loopMaxMs,
    },
    goal: `step 2 upserts ≥ ${GOAL_RATIO} × COPY rows/s; the event loop never held ≥ ${GOAL_LOOP_MS} ms by a ${BIG_TENANTS}-tenant seed`,
    met: ratio >= GOAL_RATIO && big.loopMaxMs < GOAL_LOOP_MS,
    notes: [
      `median of ${ROUNDS} rounds, each on fresh databases; step 2 writes ${rows} rows in ${tables.length} tables`,
      'whole_run_ms includes the schema, shadow reports, rollup and the summary counts; rerun_ms is the idempotent second run',
      'big_loop_max_ms: the longest event-loop delay (perf_hooks, 10 ms resolution) while the big seed ran',
    ],
  };
}

/** A seed of BIG_TENANTS tenants, with the event loop's longest delay meanwhile. */
async function bigSeed(): Promise<{ ms: number; loopMaxMs: number }> {
  const target = await createTestDatabase('bench_big');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  try {
    const started = performance.now();
    delay.enable();
    const report = await seedPilots(target.url, { prefix: 'big', count: BIG_TENANTS }, { targets: pgTargets() });
    delay.disable();
    if (report.verdict !== 'passed') throw new Error(`seed failed: ${report.failure?.reason}`);
    return { ms: Math.round(performance.now() - started), loopMaxMs: Math.round(delay.max / 1e6) };
  } finally {
    delay.disable();
    await target.drop();
  }
}
