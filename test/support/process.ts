// Runs the real `opsbot` command line: as a child process (the copy global-setup.ts compiled for this run, since plain
// node starts ~0.5 s sooner than tsx; or the sources through tsx when there is none), or, for a command that runs to
// completion, through the same runCli inside the test's process, which spares the ~1 s of CPU a process spends
// loading modules this worker has already loaded.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface OpsbotProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** What the process gets: only what the test gives, plus PATH and HOME, so nothing of the developer's own environment
 * leaks in; and a fresh BACKUP_DIR when neither it nor DATA_DIR is given. */
function cliEnv(env: Record<string, string | undefined>): Record<string, string> {
  const clean = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  // Without DATA_DIR, backups and audit anchors would land in the repository's ./.opsbot, shared by every test.
  if (!clean.DATA_DIR && !clean.BACKUP_DIR) clean.BACKUP_DIR = mkdtempSync(join(tmpdir(), 'opsbot-backups-'));
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...clean };
}

export function spawnOpsbot(args: string[], env: Record<string, string | undefined>): OpsbotProcess {
  const compiled = process.env.OPSBOT_TEST_CLI;
  const entry = compiled ? [compiled] : ['--import', 'tsx', 'cli/main.ts'];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI command to completion as its own process: for what only a process shows (exit, stray writes). */
export async function runOpsbotProcess(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const proc = spawnOpsbot(args, env);
  const code = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

/**
 * Runs a CLI command to completion through runCli, the function cli/main.ts hands argv, the environment and the two
 * streams: the same arguments, environment and answers as the process, without starting one. `serve` never ends, so it
 * is refused here (spawnOpsbot runs it).
 */
export async function runOpsbot(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  if (args.length === 0 || args[0] === 'serve') throw new Error('runOpsbot runs commands that end: spawn serve');
  const { runCli } = await import('../../cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: cliEnv(env),
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
  }).catch((error: unknown) => {
    // What main.ts does with a command that throws.
    stderr += `opsbot failed: ${(error as Error).message}\n`;
    return 1;
  });
  return { code, stdout, stderr };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Polls url until it answers 200 (or the process exits, or timeoutMs passes). */
export async function waitForOk(url: string, proc: OpsbotProcess, timeoutMs = 30_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`opsbot exited ${proc.child.exitCode}: ${proc.stderr()}`);
    try {
      const res = await fetch(url);
      const body = await res.json();
      if (res.status === 200) return body;
      last = `${res.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}\n${proc.stderr()}`);
}
