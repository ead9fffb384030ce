// The audit log: append-only, hash-chained audit_events. Each row's hash covers the previous hash and a canonical
// form of the row, with timestamps in a fixed UTC microsecond format, so the chain survives dump and restore.
import { createHash } from 'node:crypto';
import { maskDeep } from '../redact.js';
import type { Db } from './db.js';
import type { Actor } from './runs.js';

export const GENESIS_HASH = '0'.repeat(64);
// Serializes appends across connections and replicas: no fork in the chain. ("audit" in ASCII.)
const AUDIT_LOCK = 0x6175646974;
export const AT_FORMAT = `to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface AuditEvent {
  action: string;
  actor?: Actor;
  params?: Record<string, unknown>;
  outcome: string;
}
export interface AuditVerifyReport {
  ok: boolean;
  rowsWalked: number;
  headHash: string;
  /** The first row whose hash or link does not match, when ok is false. */
  brokenAt?: { seq: number; reason: string };
}
export interface Audit {
  /**
   * Appends one event. With tx (a transaction of the same database), the event commits or rolls back with the change
   * it records: a decision and its audit entry are one write. The chain lock is then held until tx ends.
   */
  append(event: AuditEvent, tx?: Db): Promise<void>;
  verify(): Promise<AuditVerifyReport>;
}

interface ChainRow {
  seq: number;
  at: string;
  actor: string | null;
  channel: string | null;
  action: string;
  params: unknown;
  outcome: string;
}

/** JSON with object keys sorted at every depth: one text per value, whatever order the keys came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function chainHash(prevHash: string, row: ChainRow): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(row)).digest('hex');
}

// A lone half of a surrogate pair: jsonb refuses it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const storable = (text: string) => text.replace(LONE_SURROGATE, '\uFFFD').split('\u0000').join('\\u0000');

/**
 * Parameters as stored: secrets masked, and text made storable, since jsonb refuses NUL characters and lone
 * surrogates, and a command whose text jsonb refuses must still leave its event.
 */
function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(maskDeep(params), (_key, value) => (typeof value === 'string' ? storable(value) : value)),
  );
}

export function createAudit(db: Db, now: () => Date): Audit {
  return {
    async append(event, outer) {
      const write = async (tx: Db) => {
        await tx.query('select pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
        const [last] = await tx.query<{ seq: number | string; hash: string }>(
          'select seq, hash from audit_events order by seq desc limit 1',
        );
        const prevHash = last?.hash ?? GENESIS_HASH;
        const row: ChainRow = {
          seq: Number(last?.seq ?? 0) + 1,
          // Milliseconds from the clock, written with six digits as Postgres prints microseconds.
          at: now()
            .toISOString()
            .replace(/\.(\d{3})Z$/, '.$1000Z'),
          actor: event.actor?.user === undefined ? null : storable(event.actor.user),
          channel: event.actor?.channel === undefined ? null : storable(event.actor.channel),
          action: storable(event.action),
          params: redactParams(event.params ?? {}),
          outcome: storable(event.outcome),
        };
        await tx.query(
          `insert into audit_events (seq, at, actor, channel, action, params, outcome, prev_hash, hash)
           values ($1, $2::timestamptz, $3, $4, $5, $6::jsonb, $7, $8, $9)`,
          [
            row.seq,
            row.at,
            row.actor,
            row.channel,
            row.action,
            JSON.stringify(row.params),
            row.outcome,
            prevHash,
            chainHash(prevHash, row),
          ],
        );
      };
      await (outer ? write(outer) : db.transaction(write));
    },
    verify: () => verifyAuditChain(db),
  };
}

/** Walks the chain in order; pages through it so a chain of any length fits in memory. */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<AuditVerifyReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (;;) {
    const page = await db.query<ChainRow & { prev_hash: string; hash: string }>(
      `select seq, ${AT_FORMAT} as at, actor, channel, action, params, outcome, prev_hash, hash
         from audit_events where seq >= $1 order by seq limit $2`,
      [expectedSeq, pageSize],
    );
    for (const stored of page) {
      const seq = Number(stored.seq);
      const broken = (reason: string) => ({
        ok: false,
        rowsWalked: expectedSeq - 1,
        headHash: prevHash,
        brokenAt: { seq, reason },
      });
      if (seq !== expectedSeq) return broken(`row ${expectedSeq} is missing`);
      if (stored.prev_hash !== prevHash) return broken('prev_hash does not match the previous row');
      const { prev_hash: _prev, hash, ...row } = stored;
      if (chainHash(prevHash, { ...row, seq }) !== hash) return broken('the row was changed after it was written');
      prevHash = hash;
      expectedSeq += 1;
    }
    if (page.length < pageSize) return { ok: true, rowsWalked: expectedSeq - 1, headHash: prevHash };
  }
}
