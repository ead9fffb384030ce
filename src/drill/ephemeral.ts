// The throw-away drill database opsbot_drill_<run id>: recorded before it is created, restored into, always dropped,
// and never anything else: every DROP checks the name against its run first.

import { createProblem } from '../backup/failures.js';
import type { Deps } from '../deps.js';
import { closeQuietly, DrillFailure, quoteIdent } from '../targets/connect.js';
import { type DrillServer, databaseUrlOn, drillServerByLabel } from '../targets/target.js';
import type { Targets } from '../targets/targets.js';

const RUN_ID = /^r_[a-z0-9]{6,40}$/;
export const DRILL_DATABASE_PREFIX = 'opsbot_drill_';

export function drillDatabaseName(runId: string): string {
  if (!RUN_ID.test(runId)) throw new Error(`${runId} is not a run id`);
  return `${DRILL_DATABASE_PREFIX}${runId}`;
}

/** Records, then creates, the drill database of runId on server; returns its URL once it exists. */
export async function createDrillDatabase(
  { db, targets }: Pick<Deps, 'db' | 'targets'>,
  server: DrillServer,
  runId: string,
  encoding: string | undefined,
): Promise<string> {
  const name = drillDatabaseName(runId);
  await db.query(
    'insert into drill_databases (name, run_id, server) values ($1, $2, $3) on conflict (name) do nothing',
    [name, runId, server.label],
  );
  // Nothing was created when the server could not be reached or refused: the record is closed at once. A connection
  // lost after CREATE was sent leaves it open, and the janitor drops whatever may exist once the run has ended.
  const nothingCreated = () => db.query('update drill_databases set dropped_at = now() where name = $1', [name]);
  const admin = await targets.client(server.url, `the drill server (${server.urlVar})`).catch(async (error) => {
    await nothingCreated();
    throw error;
  });
  try {
    const withEncoding = encoding && /^[A-Za-z0-9_]+$/.test(encoding) ? ` encoding '${encoding}'` : '';
    // template0: nothing a site added to template1 (extensions, tables) may collide with what the dump creates.
    await admin.query(`create database ${quoteIdent(name)} template template0${withEncoding}`);
  } catch (error) {
    if ((error as { severity?: string }).severity) await nothingCreated();
    throw new DrillFailure(createProblem(error, server));
  } finally {
    await closeQuietly(admin);
  }
  return databaseUrlOn(server.url, name);
}

/**
 * Drops the drill database of runId on the server at serverUrl, and only it: the name must be opsbot_drill_<runId>
 * and recorded for that run in drill_databases, or nothing is dropped.
 */
export async function dropDrillDatabase(
  { db, targets }: Pick<Deps, 'db' | 'targets'>,
  serverUrl: string,
  runId: string,
  name: string,
): Promise<void> {
  const recorded = await db.query('select 1 from drill_databases where name = $1 and run_id = $2', [name, runId]);
  if (name !== drillDatabaseName(runId) || recorded.length === 0) {
    throw new Error(`refusing to drop ${name}: it is not the recorded drill database of run ${runId}`);
  }
  const admin = await targets.client(serverUrl, 'the drill server', 'opsbot-janitor');
  try {
    const { rows } = await admin.query<{ num: string }>(`select current_setting('server_version_num') as num`);
    // WITH (FORCE) (PostgreSQL 13+) ends what is still connected, e.g. a pg_restore orphaned by a crash.
    if (Number(rows[0]?.num) >= 130_000) await admin.query(`drop database if exists ${quoteIdent(name)} with (force)`);
    else {
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      await admin.query(`drop database if exists ${quoteIdent(name)}`);
    }
  } finally {
    await closeQuietly(admin);
  }
  await db.query('update drill_databases set dropped_at = now() where name = $1', [name]);
}

/**
 * The janitor's part: drops every recorded drill database whose run is no longer running (a crash, a stop, a drop
 * that failed). A database whose server is no longer configured is left, and said in the log.
 */
export async function dropLeftoverDrillDatabases(
  deps: Pick<Deps, 'db' | 'config' | 'log' | 'targets'>,
): Promise<string[]> {
  const leftovers = await deps.db.query<{ name: string; run_id: string; server: string }>(
    `select d.name, d.run_id, d.server from drill_databases d join runs r on r.id = d.run_id
      where d.dropped_at is null and r.status <> 'running' order by d.created_at`,
  );
  const dropped: string[] = [];
  for (const leftover of leftovers) {
    const url = drillServerByLabel(leftover.server, deps.config);
    if (!url) {
      deps.log.warn(
        { database: leftover.name, server: leftover.server },
        'drill database left: its server is no longer configured',
      );
      continue;
    }
    try {
      await dropDrillDatabase(deps, url, leftover.run_id, leftover.name);
      dropped.push(leftover.name);
      deps.log.warn(
        { database: leftover.name, runId: leftover.run_id },
        'dropped a drill database left by a run that did not finish',
      );
    } catch (error) {
      deps.log.warn({ err: error, database: leftover.name }, 'could not drop a leftover drill database; will retry');
    }
  }
  return dropped;
}

export async function drillDatabaseExists(targets: Targets, serverUrl: string, name: string): Promise<boolean> {
  const admin = await targets.client(serverUrl, 'the drill server');
  try {
    return (await admin.query('select 1 from pg_database where datname = $1', [name])).rows.length > 0;
  } finally {
    await closeQuietly(admin);
  }
}
