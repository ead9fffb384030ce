// The databases opsbot works on (seed targets, backup sources, drill servers, the access-review source), opened
// through one adapter passed in Deps, so tests inject faults by wrapping it rather than through hooks in the code.
import type pg from 'pg';
import type { Db } from '../store/db.js';
import { postgresDb } from '../store/postgres.js';
import { connect } from './connect.js';

export interface Targets {
  /** A connection pool on a target database; the caller closes it. */
  pool(url: string, max?: number): Db;
  /**
   * One session with the text settings checksums rely on; `what` names the database in failures ("the drill server").
   * Fails with a DrillFailure whose reason an operator can act on.
   */
  client(url: string, what: string, applicationName?: string): Promise<pg.Client>;
}

export function pgTargets(): Targets {
  return { pool: (url, max) => postgresDb(url, max), client: connect };
}
