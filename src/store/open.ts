// Opens the bot's own database: Postgres when DATABASE_URL is set, otherwise embedded under DATA_DIR.
import type { Config } from '../config.js';
import type { Db } from './db.js';
import { embeddedDb } from './embedded.js';
import { postgresDb } from './postgres.js';

export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  return config.databaseUrl ? postgresDb(config.databaseUrl) : embeddedDb(config.dataDir);
}

/**
 * The audit log's own small pool on the same database: a connect may take 1.5 s and a statement 1 s, so an audit
 * write fails fast when the database is away or does not answer, and the person asking hears it within Slack's 3 s.
 */
export function openAuditDb(config: Pick<Config, 'databaseUrl'>, db: Db): Db | undefined {
  const url = config.databaseUrl ?? (db as Db & { url?: string }).url;
  if (!url) return undefined;
  // Idle connections are kept: a command after a quiet hour does not pay for connecting first.
  const options = { connectTimeoutMs: 1_500, statementTimeoutMs: 1_000, idleTimeoutMs: 0 };
  // Embedded: named as the main pool is, so closing counts its sessions as this process's own.
  return config.databaseUrl
    ? postgresDb(url, 4, options)
    : postgresDb(url, 4, { ...options, kind: 'embedded', applicationName: `opsbot:${process.pid}` });
}
