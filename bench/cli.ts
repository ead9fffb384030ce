// bench/cli: `opsbot --help` and a subcommand's --help from the build, against the 0.3 s goal, beside bare `node`
// (what any Node program pays to start on this machine at this moment).
import { execFileSync } from 'node:child_process';
import { CLI, ensureBuilt, median, ROOT } from './_process.js';
import type { BenchResult } from './run.js';

const ROUNDS = 7;
const GOAL_MS = 300;

function timed(args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  return performance.now() - started;
}

export async function run(): Promise<BenchResult> {
  ensureBuilt();
  const help: number[] = [];
  const migrateHelp: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    bare.push(timed(['-e', '0']));
    help.push(timed([CLI, '--help']));
    migrateHelp.push(timed([CLI, 'migrate', '--help']));
  }
  const helpMs = Math.round(median(help));
  return {
    name: 'cli',
    figures: {
      helpMs,
      migrateHelpMs: Math.round(median(migrateHelp)),
      bareNodeMs: Math.round(median(bare)),
      helpOverNodeMs: Math.round(median(help) - median(bare)),
    },
    goal: `opsbot --help <= ${GOAL_MS} ms`,
    met: helpMs <= GOAL_MS,
    notes: [
      `${ROUNDS} runs each of node dist/cli/main.js --help, migrate --help and node -e 0; medians`,
      'helpOverNodeMs is what opsbot adds to a bare Node start; on a loaded machine bare Node alone can exceed the goal',
    ],
  };
}
