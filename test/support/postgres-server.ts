// A private PostgreSQL server for outage tests (the embedded binaries, in a folder of its own): stopped, paused and
// started again on purpose, never the shared one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedLocation } from '../../src/store/embedded-location.js';
import { ensureEmbeddedServer, stopEmbeddedServer } from '../../src/store/embedded-server.js';

export interface PrivatePostgres {
  url: string;
  /** Fast shutdown: sessions are cut, new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP to the server and its sessions: connections stay open, nothing answers. */
  pause(): void;
  resume(): void;
  remove(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-pg-'));
  const server = await ensureEmbeddedServer(dir);
  const processes = () => {
    const postmaster = readFileSync(join(embeddedLocation(dir).clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]!;
    let children: string[] = [];
    try {
      children = execFileSync('pgrep', ['-P', postmaster], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    } catch {}
    return [postmaster, ...children].map(Number);
  };
  const signal = (name: NodeJS.Signals) => {
    for (const pid of processes()) process.kill(pid, name);
  };
  return {
    url: server.url,
    stop: () => stopEmbeddedServer(dir),
    async start() {
      await ensureEmbeddedServer(dir);
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async remove() {
      await stopEmbeddedServer(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
