// Where the embedded PostgreSQL of a data dir lives and its connection URL: pure, the same in every process.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const EMBEDDED_USER = 'opsbot';
export const EMBEDDED_DATABASE = 'opsbot';
// Names the socket file (.s.PGSQL.5432) only: the server listens on no TCP port.
export const SOCKET_PORT = 5432;

export interface EmbeddedLocation {
  /** The PostgreSQL cluster (PGDATA). */
  clusterDir: string;
  socketDir: string;
  /** postgresql:// URL over the socket: what the bot, the CLI, pg_dump and the drill connect with. */
  url: string;
}

/** Where the server of dataDir lives and how to reach it: a pure function of the folder, the same in every process. */
export function embeddedLocation(dataDir: string): EmbeddedLocation {
  const root = resolve(dataDir);
  const clusterDir = join(root, 'postgres');
  let socketDir = join(root, 'run');
  // A Unix socket path is limited to ~107 bytes, and pg_ctl passes the folder through a shell: otherwise a short,
  // stable folder in the temp dir, named by a hash of the data dir.
  if (`${socketDir}/.s.PGSQL.${SOCKET_PORT}`.length > 100 || !/^[\w./-]+$/.test(socketDir)) {
    socketDir = join(tmpdir(), `opsbot-${createHash('sha256').update(root).digest('hex').slice(0, 16)}`);
  }
  const url = `postgresql://${EMBEDDED_USER}@localhost/${EMBEDDED_DATABASE}?host=${encodeURIComponent(socketDir)}`;
  return { clusterDir, socketDir, url };
}
