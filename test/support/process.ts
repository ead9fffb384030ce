// Runs the real `opsbot` command line as a child process: the copy global-setup.ts compiled for this run (plain node
// starts ~0.5 s sooner than tsx), or the sources through tsx when there is none.
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

export function spawnOpsbot(args: string[], env: Record<string, string | undefined>): OpsbotProcess {
  const clean = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  // Without DATA_DIR, backups and audit anchors would land in the repository's ./.opsbot, shared by every test.
  if (!clean.DATA_DIR && !clean.BACKUP_DIR) clean.BACKUP_DIR = mkdtempSync(join(tmpdir(), 'opsbot-backups-'));
  const compiled = process.env.OPSBOT_TEST_CLI;
  const entry = compiled ? [compiled] : ['--import', 'tsx', 'cli/main.ts'];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    // Only what the test gives, plus PATH and HOME: nothing of the developer's own environment leaks in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...clean },
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

/** Runs a CLI command to completion. */
export async function runOpsbot(args: string[], env: Record<string, string | undefined>) {
  const proc = spawnOpsbot(args, env);
  const code = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
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
