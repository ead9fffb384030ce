// Shared by the process benchmarks: the built CLI as a child process, readiness, and memory as /proc reports it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CLI = `${ROOT}dist/cli/main.js`;

/** The benchmarks time the build, as users run it: build it once when it is missing. */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export function spawnBuilt(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.on('exit', r));
}

/** Milliseconds until url answers 200. */
export async function untilOk(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`process exited ${child.exitCode} before ${url} answered`);
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms`);
}

function smaps(pid: number, field: 'Pss' | 'Rss'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** pid and every process below it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while listing.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** Proportional set size and RSS summed over pids, in MB. */
export function memory(pids: number[]): { pssMb: number; rssMb: number; processes: number } {
  const sum = (field: 'Pss' | 'Rss') => Number(pids.reduce((total, pid) => total + smaps(pid, field), 0).toFixed(1));
  return { pssMb: sum('Pss'), rssMb: sum('Rss'), processes: pids.length };
}

/** The postmaster of an embedded data dir and its server processes (started detached, so not the bot's children). */
export function embeddedServerPids(dataDir: string): number[] {
  const pidFile = `${dataDir}/postgres/postmaster.pid`;
  if (!existsSync(pidFile)) return [];
  return processTree(Number(readFileSync(pidFile, 'utf8').split('\n')[0]));
}

export const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
export const median = (values: number[]) => percentile(values, 50);
