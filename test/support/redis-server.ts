// A private redis-server for outage tests: started on a free port, killed and restarted on purpose (never the shared
// one). No persistence, as after a crash of a cache-only Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './process.js';

export interface PrivateRedis {
  url: string;
  /** A client of its own, to look at keys the bot left there. */
  client: Redis;
  /** SIGKILL: connections drop at once, nothing is saved. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const client = new Redis(`redis://127.0.0.1:${port}`, {
    lazyConnect: true,
    // Fails at once while the server is down, rather than holding up the job that asks.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 200,
  });
  client.on('error', () => {});
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => c.once('exit', () => resolve()));
  const server: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    client,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      const proc = child;
      await new Promise<void>((resolve, reject) => {
        let out = '';
        proc.stdout!.on('data', (chunk) => {
          out += chunk;
          if (out.includes('Ready to accept connections')) resolve();
        });
        proc.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
      });
      if (client.status === 'wait') await client.connect();
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      client.disconnect();
      if (!child) return;
      child.kill('SIGTERM');
      await exited(child);
    },
  };
  await server.start();
  return server;
}
