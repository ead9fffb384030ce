// bench/drill: a restore drill (backup + restore + verify) of a generated 1-million-row, 10-table database, against
// a naive `pg_dump -Fc` + `createdb` + `pg_restore` of the same database in the same run. Goal: at most 1.3×.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { takeBackup } from '../src/backup/backup.js';
import { loadConfig } from '../src/config.js';
import { runDrill } from '../src/drill/drill.js';
import { createLogger } from '../src/log.js';
import { resolveTarget } from '../src/targets/target.js';
import { buildDeps, closeDeps } from '../src/wiring.js';
import type { BenchResult } from './run.js';

const exec = promisify(execFile);
const SERVER =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = 3;

// 1,010,000 rows over 10 tables of the shapes a product database has: keys, text, numbers, times, json, arrays,
// bytea, intervals, nulls, secondary indexes, and one table without a primary key.
const GENERATE = `
  create table t1 (id bigint primary key, name text, amount numeric(12,2), created_at timestamptz, flag boolean);
  insert into t1 select g, 'name-' || g, (g % 10000) / 7.0, timestamptz '2024-01-01' + g * interval '1 second', g % 3 = 0 from generate_series(1, 200000) g;
  create table t2 (id bigint primary key, t1_id bigint, payload jsonb);
  insert into t2 select g, g % 200000 + 1, jsonb_build_object('k', g, 'v', md5(g::text)) from generate_series(1, 150000) g;
  create table t3 (id uuid primary key default gen_random_uuid(), score double precision, tags text[]);
  insert into t3 (score, tags) select g / 3.0, array['a' || g % 10, 'b' || g % 7] from generate_series(1, 100000) g;
  create table t4 (a int, b text, c date);
  insert into t4 select g % 1000, repeat('x', g % 50), date '2020-01-01' + g % 1000 from generate_series(1, 100000) g;
  create table t5 (id serial primary key, body text);
  insert into t5 (body) select md5(g::text) || md5((g * 2)::text) from generate_series(1, 100000) g;
  create table t6 (id bigint primary key, v bytea);
  insert into t6 select g, decode(md5(g::text), 'hex') from generate_series(1, 100000) g;
  create table t7 (id int primary key, i interval, ts timestamp);
  insert into t7 select g, g * interval '1 minute', timestamp '2024-01-01' + g * interval '1 hour' from generate_series(1, 80000) g;
  create table t8 (id int primary key, r real, n numeric);
  insert into t8 select g, g / 3.0, g::numeric / 7 from generate_series(1, 70000) g;
  create table t9 (k text primary key, v int);
  insert into t9 select 'key-' || g, g from generate_series(1, 60000) g;
  create table t10 (id int primary key, note text);
  insert into t10 select g, case when g % 2 = 0 then null else 'note ' || g end from generate_series(1, 50000) g;
  create index on t1 (created_at); create index on t2 (t1_id); create index on t4 (a);
  analyze;`;

const urlOf = (database: string) => {
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  return url.toString();
};

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<BenchResult> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const source = `opsbot_bench_src_${suffix}`;
  const state = `opsbot_bench_state_${suffix}`;
  const naive = `opsbot_bench_naive_${suffix}`;
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-bench-drill-'));
  const config = loadConfig(
    {
      ENVIRONMENTS: 'bench',
      BENCH_DATABASE_URL: urlOf(source),
      DATABASE_URL: urlOf(state),
      BACKUP_DIR: join(dir, 'backups'),
      SEED_ENVIRONMENTS: '',
      LOG_LEVEL: 'silent',
    },
    { requireSlack: false },
  );
  await admin(`create database ${source}`);
  await admin(`create database ${state}`);
  const deps = await buildDeps(config, { log: createLogger('silent') });
  const naiveMs: number[] = [];
  const drillMs: number[] = [];
  const phases = { backupMs: [] as number[], restoreMs: [] as number[], verifyMs: [] as number[] };
  let rows = 0;
  try {
    const generator = new pg.Client({ connectionString: urlOf(source) });
    generator.on('error', () => {});
    await generator.connect();
    try {
      await generator.query(GENERATE);
      const counts = Array.from({ length: 10 }, (_, i) => `(select count(*) from t${i + 1})`).join(' + ');
      rows = Number((await generator.query(`select ${counts} as n`)).rows[0].n);
    } finally {
      await generator.end();
    }
    const resolved = resolveTarget('bench', config);
    if (!resolved.ok) throw new Error(resolved.problem);
    // Alternating rounds, so a burst of load on the machine hits both sides alike; medians are compared.
    for (let round = 0; round < ROUNDS; round += 1) {
      let started = performance.now();
      await exec('pg_dump', ['-Fc', '--no-owner', '--no-acl', '-f', join(dir, 'naive.dump'), urlOf(source)]);
      await admin(`create database ${naive}`);
      await exec('pg_restore', ['--no-owner', '--no-acl', '-d', urlOf(naive), join(dir, 'naive.dump')]);
      naiveMs.push(performance.now() - started);
      await admin(`drop database ${naive} with (force)`);

      started = performance.now();
      const runId = await deps.runs.start({ kind: 'drill', env: 'bench', trigger: 'cli' });
      const backup = await takeBackup(resolved.target, deps, runId);
      const report = await runDrill(resolved.target, deps, { runId });
      drillMs.push(performance.now() - started);
      await deps.runs.finish(runId, report.verdict === 'PASS' ? 'passed' : 'failed', { report });
      if (backup.verdict !== 'PASS' || report.verdict !== 'PASS')
        throw new Error(`drill failed: ${[...backup.reasons, ...report.reasons].join(' ')}`);
      phases.backupMs.push(backup.timings.totalMs);
      phases.restoreMs.push(report.timings.restoreMs ?? 0);
      phases.verifyMs.push(report.timings.verifyMs ?? 0);
    }
  } finally {
    await closeDeps(deps);
    for (const database of [naive, source, state]) await admin(`drop database if exists ${database} with (force)`);
    await rm(dir, { recursive: true, force: true });
  }
  const ratio = Math.round((median(drillMs) / median(naiveMs)) * 100) / 100;
  return {
    name: 'drill',
    figures: {
      rows,
      tables: 10,
      naiveMs: Math.round(median(naiveMs)),
      drillMs: Math.round(median(drillMs)),
      ratio,
      backupMs: median(phases.backupMs),
      restoreMs: median(phases.restoreMs),
      verifyMs: median(phases.verifyMs),
    },
    goal: 'drill (backup + restore + verify) ≤ 1.3 × naive pg_dump -Fc + createdb + pg_restore',
    met: ratio <= 1.3,
    notes: [
      `median of ${ROUNDS} alternating rounds; naive runs: ${naiveMs.map((ms) => Math.round(ms)).join(', ')} ms; drills: ${drillMs.map((ms) => Math.round(ms)).join(', ')} ms`,
      'the drill also takes the manifest (counts and checksums in the snapshot), checks the sha256, verifies every table and drops its database',
    ],
  };
}
