// The embedded PostgreSQL server under DATA_DIR, listening only on a Unix socket, shared by the bot and every CLI
// process: whoever opens it first starts it (the cluster itself is made by embedded-cluster.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { binaries, detail, EmbeddedError, initCluster, ownedDir, serverUser, tool } from './embedded-cluster.js';
import { EMBEDDED_DATABASE, type EmbeddedLocation, embeddedLocation, SOCKET_PORT } from './embedded-location.js';

export { EmbeddedError } from './embedded-cluster.js';

function serverLog(location: EmbeddedLocation): string {
  try {
    return readFileSync(join(location.clusterDir, 'server.log'), 'utf8').trim().split('\n').slice(-3).join(' ');
  } catch {
    return '';
  }
}

const notRunning = (error: unknown) => ['ENOENT', 'ECONNREFUSED'].includes((error as { code?: string }).code ?? '');
// 57P03: starting up or shutting down; the next attempt finds it ready, or stopped and startable. A server that
// exits while the connection opens (the last process closed it a moment ago) resets or ends it without a code.
const busy = (error: unknown) =>
  ['57P03', 'ECONNRESET', 'EPIPE'].includes((error as { code?: string }).code ?? '') ||
  /Connection terminated unexpectedly/.test((error as Error).message ?? '');

async function probe(location: EmbeddedLocation): Promise<void> {
  const client = new pg.Client(location.url.replace(`/${EMBEDDED_DATABASE}?`, '/postgres?'));
  client.on('error', () => {});
  try {
    await client.connect();
    const [found] = (await client.query('select 1 from pg_database where datname = $1', [EMBEDDED_DATABASE])).rows;
    // 42P04 / 23505: another process created it first.
    if (!found) {
      await client.query(`create database ${EMBEDDED_DATABASE}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end().catch(() => {});
  }
}

export interface EmbeddedServer extends EmbeddedLocation {
  /** Asks the server to stop once every session has ended (smart shutdown); wait: until it has. */
  stop(options?: { wait?: boolean; fast?: boolean }): Promise<void>;
}

/** Connects to the server of dataDir, creating and starting it when no process has. */
export async function ensureEmbeddedServer(dataDir: string, timeoutMs = 30_000): Promise<EmbeddedServer> {
  const location = embeddedLocation(dataDir);
  const bin = await binaries();
  const user = serverUser();
  const fresh = !existsSync(join(location.clusterDir, 'PG_VERSION'));
  if (fresh) await initCluster(location, bin, user);
  ownedDir(location.socketDir, user);
  let synced: Promise<unknown> = Promise.resolve();
  const server: EmbeddedServer = {
    ...location,
    async stop({ wait = false, fast = false } = {}) {
      await synced;
      const args = ['stop', '-s', '-D', location.clusterDir, '-m', fast ? 'fast' : 'smart', wait ? '-w' : '-W'];
      await tool(bin.pg_ctl, args, user).catch(() => {});
    },
  };
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let failedStarts = 0;
  while (Date.now() < deadline && failedStarts < 3) {
    try {
      await probe(location);
      if (fresh) synced = tool(bin.initdb, ['--sync-only', '-D', location.clusterDir], user).catch(() => {});
      return server;
    } catch (error) {
      last = error;
      if (notRunning(error)) {
        const options = `-k ${location.socketDir} -p ${SOCKET_PORT}`;
        const log = join(location.clusterDir, 'server.log');
        // Fails when another process started it first: the next probe connects to that one.
        await tool(bin.pg_ctl, ['start', '-w', '-s', '-D', location.clusterDir, '-l', log, '-o', options], user).catch(
          (startError) => {
            last = startError;
            failedStarts += 1;
          },
        );
      } else if (busy(error)) await new Promise((r) => setTimeout(r, 100));
      else break;
    }
  }
  throw new EmbeddedError(
    `The embedded database in ${location.clusterDir} did not start: ${detail(last)} ${serverLog(location)}`.trim(),
  );
}

/** Stops the server of dataDir now, if one runs (tests and benchmarks clean up with it). */
export async function stopEmbeddedServer(dataDir: string): Promise<void> {
  const { clusterDir } = embeddedLocation(dataDir);
  if (!existsSync(join(clusterDir, 'postmaster.pid'))) return;
  const bin = await binaries();
  await tool(bin.pg_ctl, ['stop', '-s', '-w', '-D', clusterDir, '-m', 'fast'], serverUser()).catch(() => {});
}
