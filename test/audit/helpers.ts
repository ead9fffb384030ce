// A chain in a database of its own, written by opsbot's own wiring, anchored by the real job; tampered with as an
// attacker with database access would; verified through the real `opsbot audit verify`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main.js';
import { auditAnchorJob } from '../../jobs/audit-anchor.js';
import { loadConfig } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import { createLogger } from '../../src/log.js';
import { chainHash } from '../../src/store/audit.js';
import { buildDeps, closeDeps } from '../../src/wiring.js';
import { createTestDatabase, type TestDatabase } from '../support/infra.js';

export const AUDIT_KEY = 'c0ffee'.repeat(11).slice(0, 64);

export interface Chain {
  database: TestDatabase;
  env: Record<string, string>;
  /** Appends count events through the bot's own audit log (keyed when env has AUDIT_KEY). */
  append(count: number, env?: Record<string, string>): Promise<void>;
  /** The real anchor job, once. */
  anchor(): Promise<void>;
  verify(env?: Record<string, string>): Promise<{ code: number; out: string; err: string }>;
  /** SQL run with the append-only triggers off, as a superuser could. */
  tamper(sql: string): Promise<void>;
  drop(): Promise<void>;
}

export async function createChain(env: Record<string, string> = {}): Promise<Chain> {
  const database = await createTestDatabase('audit');
  const base = { DATABASE_URL: database.url, BACKUP_DIR: mkdtempSync(join(tmpdir(), 'opsbot-anchors-')), ...env };
  const withDeps = async <T>(extra: Record<string, string>, fn: (deps: Deps) => Promise<T>) => {
    const deps = await buildDeps(loadConfig({ ...base, ...extra }, { requireSlack: false }), {
      log: createLogger('silent'),
    });
    try {
      return await fn(deps);
    } finally {
      await closeDeps(deps);
    }
  };
  return {
    database,
    env: base,
    append: (count, extra = {}) =>
      withDeps(extra, async (deps) => {
        for (let i = 0; i < count; i++)
          await deps.audit.append({ action: 'test.event', actor: { user: 'U1' }, params: { i }, outcome: 'ok' });
      }),
    anchor: () => withDeps({}, (deps) => auditAnchorJob.run(deps)),
    async verify(extra = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['audit', 'verify'], {
        env: { ...base, ...extra },
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    },
    async tamper(sql) {
      await database.query(`begin; set local session_replication_role = replica; ${sql}; commit`);
    },
    drop: () => database.drop(),
  };
}

/**
 * Row seq rewritten and the hash of it and of every later row recomputed with opsbot's own chain function (the macs,
 * which need the key, left as they were): a forgery that passes a plain hash chain.
 */
export async function forge(chain: Chain, seq: number, outcome: string): Promise<void> {
  const rows = await chain.database.query<Record<string, any>>(
    `select seq::int as seq, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, actor, channel,
            action, params, outcome, prev_hash from audit_events where seq >= $1 order by seq`,
    [seq],
  );
  let prevHash = rows[0]!.prev_hash as string;
  const updates: string[] = [];
  for (const { prev_hash: _prev, ...row } of rows) {
    const fields = { ...row, outcome: row.seq === seq ? outcome : row.outcome } as Parameters<typeof chainHash>[1];
    const hash = chainHash(prevHash, fields);
    updates.push(
      `update audit_events set outcome = '${fields.outcome}', prev_hash = '${prevHash}', hash = '${hash}' where seq = ${row.seq}`,
    );
    prevHash = hash;
  }
  await chain.tamper(updates.join('; '));
}
