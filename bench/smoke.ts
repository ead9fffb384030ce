// bench/smoke: both health endpoints answer after 1 s; a run checks them concurrently, so it should last about as
// long as its slowest check (ratio near 1.0), not their sum (2.0).
import { loadConfig } from '../src/config.js';
import { checkEnvironment } from '../src/smoke/check.js';
import { healthyRoutes, startFakeApp } from '../test/support/fake-app.js';
import type { BenchResult } from './run.js';

const DELAY_MS = 1000;
const ROUNDS = 5;
// 1.0 is the floor; 1.2 leaves room for scheduling noise on a loaded 2-core machine and still fails a sequential run.
const GOAL_RATIO = 1.2;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<BenchResult> {
  const routes = healthyRoutes();
  const app = await startFakeApp({
    '/healthz': { ...routes['/healthz'], delayMs: DELAY_MS },
    '/readyz': { ...routes['/readyz'], delayMs: DELAY_MS },
  });
  try {
    const config = loadConfig({ ENVIRONMENTS: 'staging', STAGING_BASE_URL: app.url }, { requireSlack: false });
    const env = config.environments[0]!;
    const deps = { config, fetch, now: () => new Date() };
    const runs: { runMs: number; slowestMs: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const report = await checkEnvironment(env, deps);
      if (report.verdict !== 'passed') throw new Error(`bench run failed: ${JSON.stringify(report.checks)}`);
      runs.push({ runMs: report.durationMs, slowestMs: Math.max(...report.checks.map((c) => c.latencyMs)) });
    }
    const ratio = median(runs.map((r) => r.runMs / r.slowestMs));
    return {
      name: 'smoke',
      figures: {
        runMs: median(runs.map((r) => r.runMs)),
        slowestCheckMs: median(runs.map((r) => r.slowestMs)),
        ratio: Number(ratio.toFixed(3)),
        runVsOneDelay: Number((median(runs.map((r) => r.runMs)) / DELAY_MS).toFixed(3)),
      },
      goal: `run time / slowest check <= ${GOAL_RATIO}`,
      met: ratio <= GOAL_RATIO,
      notes: [`${ROUNDS} runs of /healthz + /readyz, each endpoint delayed ${DELAY_MS} ms; medians shown`],
    };
  } finally {
    await app.stop();
  }
}
