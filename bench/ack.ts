// bench/ack: acknowledgement p99 of signed slash commands at 200 requests/s, opsbot against a bare Bolt app measured
// in the same run, on embedded state and on Postgres + Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopEmbeddedServer } from '../src/store/embedded-server.js';
import { createTestDatabase, redisPrefix, TEST_DATABASE_URL, TEST_REDIS_URL } from '../test/support/infra.js';
import { SIGNING_SECRET, signatureHeaders } from '../test/support/sign.js';
import { startFakeSlack } from '../test/support/slack-fake.js';
import { ensureBuilt, exited, percentile, ROOT, spawnBuilt, untilOk } from './_process.js';
import type { BenchResult } from './run.js';

const RATE = 200;
const SECONDS = 5;
// Five seconds at the same rate for both apps before measuring: opsbot has far more code for V8 to warm up than a
// bare Bolt app, and a bot answers for days, not for its first second.
const WARMUP = 1000;
const GOAL_RATIO = 1.5;
const ROUNDS = 3;

function slashBody(i: number): string {
  return new URLSearchParams({
    team_id: 'T_BENCH',
    channel_id: 'C_BENCH',
    user_id: `U_BENCH${i % 50}`,
    command: '/smoke',
    text: 'help',
    api_app_id: 'A_BENCH',
    trigger_id: `trigger-${i}`,
    response_url: 'http://127.0.0.1:9/unused',
  }).toString();
}

/** Sends RATE signed requests per second for SECONDS (open loop: on schedule, whatever the answers); ack p99 in ms. */
async function load(url: string): Promise<{ p50: number; p99: number; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const total = WARMUP + RATE * SECONDS;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = slashBody(i);
    const sent = performance.now();
    pending.push(
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signatureHeaders(body) },
        body,
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (!res.ok) failed += 1;
          else if (i >= WARMUP) latencies.push(performance.now() - sent);
        },
        () => {
          failed += 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  const round = (n: number) => Number(n.toFixed(1));
  return { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), failed };
}

/** Bolt has no health route: ready once its port answers at all. */
async function untilListening(url: string): Promise<void> {
  for (;;) {
    if (
      await fetch(url).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function measure(start: (port: number) => ChildProcess, readyPath: string) {
  const port = 4400 + Math.floor(Math.random() * 500);
  const child = start(port);
  try {
    if (readyPath === '/slack/events') await untilListening(`http://127.0.0.1:${port}${readyPath}`);
    else await untilOk(`http://127.0.0.1:${port}${readyPath}`, child);
    return await load(`http://127.0.0.1:${port}/slack/events`);
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
}

export async function run(): Promise<BenchResult> {
  ensureBuilt();
  const slack = await startFakeSlack();
  const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-ack-'));
  const base = { SLACK_BOT_TOKEN: 'xoxb-bench-1-2', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url };
  const opsbot = (env: Record<string, string>) => (port: number) =>
    spawnBuilt(['serve'], { ...base, ...env, PORT: String(port), LOG_LEVEL: 'warn' });
  const bolt = (port: number) =>
    spawn(process.execPath, ['--import', 'tsx', 'bench/_bare-bolt.ts', String(port), SIGNING_SECRET, slack.url], {
      cwd: ROOT,
      stdio: 'ignore',
    });
  const figures: Record<string, number | string> = {};
  const ratios: number[] = [];
  // Bolt and opsbot take turns, ROUNDS times, and each side's median p99 is compared: a moment of noise on a small
  // shared host then moves one round, not the verdict.
  const compare = async (label: string, start: (port: number) => ChildProcess) => {
    const boltRuns: Awaited<ReturnType<typeof load>>[] = [];
    const opsbotRuns: Awaited<ReturnType<typeof load>>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      boltRuns.push(await measureBolt(bolt));
      opsbotRuns.push(await measure(start, '/readyz'));
    }
    const median = (runs: typeof boltRuns, key: 'p50' | 'p99') =>
      percentile(
        runs.map((r) => r[key]),
        50,
      );
    const ratio = median(opsbotRuns, 'p99') / median(boltRuns, 'p99');
    Object.assign(figures, {
      [`${label}BoltP50Ms`]: median(boltRuns, 'p50'),
      [`${label}BoltP99Ms`]: median(boltRuns, 'p99'),
      [`${label}P50Ms`]: median(opsbotRuns, 'p50'),
      [`${label}P99Ms`]: median(opsbotRuns, 'p99'),
      [`${label}P99Rounds`]: opsbotRuns.map((r) => r.p99).join('/'),
      [`${label}BoltP99Rounds`]: boltRuns.map((r) => r.p99).join('/'),
      [`${label}Ratio`]: Number(ratio.toFixed(2)),
      [`${label}Failed`]: opsbotRuns.reduce((n, r) => n + r.failed, 0),
    });
    ratios.push(ratio);
  };
  try {
    await compare('embedded', opsbot({ DATA_DIR: dataDir }));
    if (TEST_DATABASE_URL && TEST_REDIS_URL) {
      const database = await createTestDatabase('ack');
      try {
        await compare(
          'postgresRedis',
          opsbot({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix() }),
        );
      } finally {
        await database.drop();
      }
    } else figures.postgresRedis = 'skipped: set TEST_DATABASE_URL and TEST_REDIS_URL';
  } finally {
    await stopEmbeddedServer(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    await slack.stop();
  }
  return {
    name: 'ack',
    figures,
    goal: `opsbot ack p99 / bare Bolt ack p99 <= ${GOAL_RATIO} at ${RATE} signed requests/s`,
    met: ratios.every((r) => r <= GOAL_RATIO) && !figures.embeddedFailed && !figures.postgresRedisFailed,
    notes: [
      `${RATE} req/s for ${SECONDS} s after ${WARMUP} warm-up requests; /smoke help (acks with its usage); median of ${ROUNDS} alternating rounds`,
    ],
  };

  async function measureBolt(start: (port: number) => ChildProcess) {
    return measure(start, '/slack/events');
  }
}
