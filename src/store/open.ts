// Opens the bot's own database: Postgres when DATABASE_URL is set, otherwise embedded under DATA_DIR.
import type { Config } from '../config.js';
import type { Db } from './db.js';
import { embeddedDb } from './embedded.js';
import { postgresDb } from './postgres.js';

export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  return config.databaseUrl ? postgresDb(config.databaseUrl) : embeddedDb(config.dataDir);
}
