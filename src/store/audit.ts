// The audit log: append-only, hash-chained audit_events. Each row's hash covers the previous hash and a canonical
// form of the row, with timestamps in a fixed UTC microsecond format, so the chain survives dump and restore.
import { AT_FORMAT, type ChainRow, chainHash, GENESIS_HASH } from './audit-chain.js';
import { groupCommit } from './audit-group-commit.js';
import { isValidMac } from './audit-mac.js';
import { type AuditEvent, chainTime, HEAD_SQL, type Head, insertRows, sealAfter } from './audit-rows.js';
import type { Db } from './db.js';

export { AT_FORMAT, canonicalJson, chainHash, GENESIS_HASH } from './audit-chain.js';

// Serializes appends across connections and replicas: no fork in the chain. ("audit" in ASCII.)
const AUDIT_LOCK = 0x6175646974;
// Inside the fast pool's 1 s statement timeout: the database writes nothing it starts after opsbot gave up.
const FAST_DEADLINE_MS = 900;

export type { AuditEvent } from './audit-rows.js';
export interface AuditVerifyReport {
  ok: boolean;
  rowsWalked: number;
  headHash: string;
  /** The first row whose hash, link or mac does not match, when ok is false. */
  brokenAt?: { seq: number; reason: string };
  /** The first row carrying a mac: the chain is keyed from it on. */
  keyedFrom?: number;
  /** checked: every mac from keyedFrom on matched AUDIT_KEY; unchecked: rows carry macs but no key was given. */
  macs: 'none' | 'checked' | 'unchecked';
  /** The stored hash of each row asked for in anchorSeqs that exists. */
  hashesAt: Record<number, string>;
}
export interface AuditVerifyOptions {
  pageSize?: number;
  /** AUDIT_KEY's bytes: the macs are checked with it. */
  key?: Buffer;
  /** Rows whose hashes the report should carry (the anchored rows). */
  anchorSeqs?: number[];
}
/** The audit log could not be written: whatever was to be recorded must not happen. */
export class AuditUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the audit log cannot be written: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'AuditUnavailableError';
  }
}
export const AUDIT_UNAVAILABLE = "opsbot can't write its audit log right now; nothing was done.";
export interface Audit {
  /**
   * Appends one event. With tx (a transaction of the same database), the event commits or rolls back with the change
   * it records: a decision and its audit entry are one write. The chain lock is then held until tx ends.
   */
  append(event: AuditEvent, tx?: Db): Promise<void>;
  /**
   * Appends one event on the audit log's own connection, whose short connect and statement timeouts make it fail
   * within about 2 s when the database is away or does not answer; rejects with AuditUnavailableError then.
   */
  record(event: AuditEvent): Promise<void>;
  /** Whether an event could be written now (the same short timeouts): false means refuse the work. */
  writable(): Promise<boolean>;
  verify(): Promise<AuditVerifyReport>;
  /** Closes the audit log's own connection (the main one is closed by its owner). */
  close(): Promise<void>;
}
export interface AuditOptions {
  /** AUDIT_KEY's bytes: every row from the `audit.key.enabled` event on carries HMAC-SHA256(key, hash). */
  key?: Buffer;
  /** The connection with short timeouts that record() and writable() use; the main one when absent. */
  fast?: Db;
}

export function createAudit(db: Db, now: () => Date, options: AuditOptions = {}): Audit {
  const { key } = options;
  // Appends under the chain's lock, reading the head first: inside a caller's transaction, and when the fast path
  // finds the lock taken.
  const write = (events: AuditEvent[]) => async (tx: Db) => {
    await tx.query('select pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    const [last] = await tx.query<Head>(HEAD_SQL);
    const rows = sealAfter(last, events, chainTime(now()), key);
    const { sql, params } = insertRows(rows);
    await tx.query(sql, params);
    return rows.at(-1);
  };
  const fast = options.fast ?? db;
  // The head this process last wrote or read. The fast path writes after it in one statement, with no transaction
  // around it: seq is the primary key, so a head another process moved makes the insert fail (23505) and the head is
  // read again; the lock, tried in the same statement, keeps it out of a transaction that appends under the lock.
  let head: Head | undefined;
  const writeFast = async (events: AuditEvent[]) => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (!head) [head] = await fast.query<Head>(HEAD_SQL);
      const rows = sealAfter(head, events, chainTime(now()), key);
      const deadline = new Date(Date.now() + FAST_DEADLINE_MS);
      const { sql, params } = insertRows(rows, { lockId: AUDIT_LOCK, deadline });
      try {
        // Prepared once per connection and batch size: the statement every command's acknowledgement waits for.
        const written = await fast.query<{ seq: number }>(`${sql} returning seq`, params, {
          name: `opsbot_audit_fast_${rows.length}`,
        });
        if (written.length === 0) break;
        head = rows.at(-1);
        return;
      } catch (error) {
        head = undefined;
        if ((error as { code?: string }).code !== '23505') throw error;
      }
    }
    head = await fast.transaction(write(events));
  };
  const record = groupCommit<AuditEvent>(writeFast, (error) => new AuditUnavailableError(error));
  return {
    async append(event, outer) {
      await (outer ? write([event])(outer) : db.transaction(write([event])));
    },
    record,
    // The fast connection first, then the main one: a slow moment of a busy host refuses nothing that could run.
    writable: () =>
      fast
        .query('select 1 from audit_events limit 1')
        .catch(() => db.query('select 1 from audit_events limit 1'))
        .then(
          () => true,
          () => false,
        ),
    verify: () => verifyAuditChain(db, { key }),
    close: async () => {
      if (options.fast && options.fast !== db) await options.fast.close();
    },
  };
}

/** Walks the chain in order, checking links, hashes and, given the key, macs; pages so any length fits in memory. */
export async function verifyAuditChain(db: Db, options: AuditVerifyOptions = {}): Promise<AuditVerifyReport> {
  const { pageSize = 5000, key, anchorSeqs = [] } = options;
  const wanted = new Set(anchorSeqs);
  const hashesAt: Record<number, string> = {};
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let keyedFrom: number | undefined;
  const done = (extra: Partial<AuditVerifyReport>): AuditVerifyReport => ({
    ok: true,
    rowsWalked: expectedSeq - 1,
    headHash: prevHash,
    macs: keyedFrom === undefined ? 'none' : key ? 'checked' : 'unchecked',
    hashesAt,
    ...(keyedFrom === undefined ? {} : { keyedFrom }),
    ...extra,
  });
  for (;;) {
    const page = await db.query<ChainRow & { prev_hash: string; hash: string; mac: string | null }>(
      `select seq, ${AT_FORMAT} as at, actor, channel, action, params, outcome, prev_hash, hash, mac
         from audit_events where seq >= $1 order by seq limit $2`,
      [expectedSeq, pageSize],
    );
    for (const stored of page) {
      const seq = Number(stored.seq);
      const broken = (reason: string) => done({ ok: false, brokenAt: { seq, reason } });
      if (seq !== expectedSeq) return broken(`row ${expectedSeq} is missing`);
      if (stored.prev_hash !== prevHash) return broken('prev_hash does not match the previous row');
      const { prev_hash: _prev, hash, mac, ...row } = stored;
      if (chainHash(prevHash, { ...row, seq }) !== hash) return broken('the row was changed after it was written');
      if (mac !== null && keyedFrom === undefined) keyedFrom = seq;
      if (keyedFrom !== undefined && key) {
        if (mac === null) return broken(`the row has no mac, though the chain is keyed from row ${keyedFrom} on`);
        if (!isValidMac(key, hash, mac))
          return broken('its mac does not match AUDIT_KEY: the row was rewritten by someone without the key');
      }
      if (wanted.has(seq)) hashesAt[seq] = hash;
      prevHash = hash;
      expectedSeq += 1;
    }
    if (page.length < pageSize) return done({});
  }
}
