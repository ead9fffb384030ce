// Db over the embedded PostgreSQL under DATA_DIR (the default when DATABASE_URL is unset), shared with every other
// opsbot process on the same folder: the last one to close asks the server to stop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from './db.js';
import { ensureEmbeddedServer } from './embedded-server.js';
import { postgresDb } from './postgres.js';

/** dataDir `memory://` is a throwaway server in a temp folder, removed on close (tests); any other value a folder. */
export async function embeddedDb(dataDir: string): Promise<Db & { url: string }> {
  const throwaway = dataDir.startsWith('memory://');
  const folder = throwaway ? mkdtempSync(join(tmpdir(), 'opsbot-mem-')) : dataDir;
  const server = await ensureEmbeddedServer(folder);
  // Named per process, so closing can tell this process's sessions from everyone else's.
  const name = `opsbot:${process.pid}`;
  const db = postgresDb(server.url, 10, { kind: 'embedded', applicationName: name });
  return {
    ...db,
    url: server.url,
    async close() {
      const [others] = await db
        .query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity
            where backend_type = 'client backend' and application_name <> $1`,
          [name],
        )
        .catch(() => [{ n: 1 }]);
      await db.close();
      if (throwaway) {
        await server.stop({ wait: true, fast: true });
        rmSync(folder, { recursive: true, force: true });
      } else if (others?.n === 0) {
        // Smart shutdown: a session that opened meanwhile (a CLI command) finishes before the server stops.
        await server.stop();
      }
    },
  };
}
