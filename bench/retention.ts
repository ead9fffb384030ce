// bench/retention: deletes 1 000 000 past-retention rows out of 2 000 000 in RETENTION_BATCH batches, while a writer
// keeps updating rows of the same table, and compares with one DELETE of the same rows: rows/s, and the longest a
// writer's statement waited. Needs TEST_DATABASE_URL. BENCH_RETENTION_ROWS changes the size (half of them old).
import { countTable } from '../src/retention/count.js';
import { deletePolicy } from '../src/retention/delete.js';
import type { TablePolicy } from '../src/retention/policy.js';
import { postgresDb } from '../src/store/postgres.js';
import { pgTargets } from '../src/targets/targets.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../test/support/infra.js';
import type { BenchResult } from './run.js';

const ROWS = Number(process.env.BENCH_RETENTION_ROWS ?? 2_000_000);
const BATCH = 5000;
const GOAL_WAIT_MS = 1000;

async function fill(db: TestDatabase): Promise<void> {
  await db.query('create table events (id bigint primary key, at timestamptz not null, payload text not null)');
  // Odd ids are two years old, even ids are from this week: old and new rows share the same pages, as in real tables.
  await db.query(
    `insert into events select g, case when g % 2 = 1 then now() - interval '730 days' else now() - interval '2 days' end,
       md5(g::text) from generate_series(1, $1) g`,
    [ROWS],
  );
  await db.query('create index events_at on events (at)');
  await db.query('vacuum analyze events');
}

/** Updates random rows (old and new) one statement at a time until stopped; returns the longest statement's time. */
function writer(url: string) {
  const db = postgresDb(url, 1);
  let stop = false;
  let longest = 0;
  let statements = 0;
  const done = (async () => {
    while (!stop) {
      const id = 1 + Math.floor(Math.random() * ROWS);
      const started = performance.now();
      await db.query("update events set payload = 'touched' where id = $1", [id]);
      longest = Math.max(longest, performance.now() - started);
      statements += 1;
    }
  })();
  return {
    async finish() {
      stop = true;
      await done;
      await db.close();
      return { longestMs: Math.round(longest), statements };
    },
  };
}

export async function run(): Promise<BenchResult> {
  if (!TEST_DATABASE_URL) throw new Error('bench/retention needs TEST_DATABASE_URL');
  const [batched, single] = await Promise.all([createTestDatabase('benchret'), createTestDatabase('benchone')]);
  try {
    await Promise.all([fill(batched), fill(single)]);
    const policy: TablePolicy = {
      name: 'events',
      kind: 'table',
      env: 'bench',
      table: 'events',
      column: 'at',
      children: [],
      days: 365,
      deleteAllowed: true,
    };
    const db = postgresDb(batched.url, 2);
    const count = await countTable(db, policy, new Date());
    const w1 = writer(batched.url);
    let started = performance.now();
    const result = await deletePolicy(
      policy,
      count,
      {
        config: { environments: [{ name: 'bench', databaseUrl: batched.url }], retention: { batchRows: BATCH } },
        db,
        targets: pgTargets(),
        log: { info: () => {} },
      } as never,
      { shouldStop: async () => false, progress: () => {} },
    );
    const batchedMs = performance.now() - started;
    const batchedWriter = await w1.finish();
    await db.close();

    const w2 = writer(single.url);
    started = performance.now();
    const one = await single.query<{ n: number }>(
      "with gone as (delete from events where at < now() - interval '365 days' returning 1) select count(*)::int as n from gone",
    );
    const singleMs = performance.now() - started;
    const singleWriter = await w2.finish();

    const deleted = result.deleted[0]!.rows;
    return {
      name: 'retention',
      figures: {
        rows: ROWS,
        deleted,
        batches: result.batches,
        batchedRowsPerSec: Math.round(deleted / (batchedMs / 1000)),
        batchedWriterLongestWaitMs: batchedWriter.longestMs,
        singleDeleteRowsPerSec: Math.round(one[0]!.n / (singleMs / 1000)),
        singleDeleteWriterLongestWaitMs: singleWriter.longestMs,
        writerStatements: `${batchedWriter.statements} / ${singleWriter.statements}`,
      },
      goal: `longest wait of a concurrent writer during the batched deletion < ${GOAL_WAIT_MS} ms`,
      met: batchedWriter.longestMs < GOAL_WAIT_MS && deleted === ROWS / 2 && result.after === 0,
      notes: [
        `batches of ${BATCH} rows, each its own transaction; the single DELETE holds every row lock until it commits`,
      ],
    };
  } finally {
    await Promise.all([batched.drop(), single.drop()]);
  }
}
