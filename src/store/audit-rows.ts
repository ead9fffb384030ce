// The rows an append writes: events sealed onto the chain after a given head, and the one insert that writes them.
import { type ChainRow, chainHash, GENESIS_HASH, redactParams, storable } from './audit-chain.js';
import { auditKeyId, auditMac, isValidMac, KEY_ENABLED_ACTION } from './audit-mac.js';
import type { Actor } from './runs.js';

export interface AuditEvent {
  action: string;
  actor?: Actor;
  params?: Record<string, unknown>;
  outcome: string;
}
/** The chain's last row: what the next one links to. */
export interface Head {
  seq: number;
  hash: string;
  mac: string | null;
}
export interface SealedRow extends ChainRow {
  prevHash: string;
  hash: string;
  mac: string | null;
}

export const HEAD_SQL = 'select seq, hash, mac from audit_events order by seq desc limit 1';

/** Milliseconds from the clock, written with six digits as Postgres prints microseconds. */
export const chainTime = (date: Date) => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * The events as rows following head, in order. With a key, the first event under it (a chain keyed before with
 * another key, too) is preceded by the switch, `audit.key.enabled`.
 */
export function sealAfter(head: Head | undefined, events: AuditEvent[], at: string, key?: Buffer): SealedRow[] {
  let prevHash = head?.hash ?? GENESIS_HASH;
  let seq = Number(head?.seq ?? 0) + 1;
  const rows: SealedRow[] = [];
  const add = (row: Omit<ChainRow, 'seq' | 'at'>) => {
    const full = { seq, at, ...row };
    const hash = chainHash(prevHash, full);
    rows.push({ ...full, prevHash, hash, mac: key ? auditMac(key, hash) : null });
    prevHash = hash;
    seq += 1;
  };
  if (key && !(head && isValidMac(key, head.hash, head.mac))) {
    const params = { keyId: auditKeyId(key) };
    add({ actor: null, channel: null, action: KEY_ENABLED_ACTION, params, outcome: 'enabled' });
  }
  for (const event of events) {
    add({
      actor: event.actor?.user === undefined ? null : storable(event.actor.user),
      channel: event.actor?.channel === undefined ? null : storable(event.actor.channel),
      action: storable(event.action),
      params: redactParams(event.params ?? {}),
      outcome: storable(event.outcome),
    });
  }
  return rows;
}

const TYPES = ['bigint', 'timestamptz', 'text', 'text', 'text', 'jsonb', 'text', 'text', 'text', 'text'];

/**
 * One insert of all rows. With a guard, the rows are written only if its advisory lock is free (taken for the
 * statement's own transaction) and the database's clock is still before its deadline: a statement the database runs
 * after opsbot stopped waiting for it (a server that was frozen) writes nothing. No rows written: someone holds the
 * lock, or the clocks disagree; either way the caller appends under the lock instead.
 */
export function insertRows(
  rows: SealedRow[],
  guard?: { lockId: number; deadline: Date },
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const tuples = rows.map((r) => {
    const values = [r.seq, r.at, r.actor, r.channel, r.action, JSON.stringify(r.params), r.outcome, r.prevHash];
    params.push(...values, r.hash, r.mac);
    return `(${TYPES.map((type, j) => `$${params.length - TYPES.length + j + 1}::${type}`).join(', ')})`;
  });
  const columns = 'seq, at, actor, channel, action, params, outcome, prev_hash, hash, mac';
  if (!guard) return { sql: `insert into audit_events (${columns}) values ${tuples.join(', ')}`, params };
  params.push(guard.lockId, guard.deadline.toISOString());
  return {
    sql: `insert into audit_events (${columns})
          select * from (values ${tuples.join(', ')}) as v (${columns})
           where pg_try_advisory_xact_lock($${params.length - 1}) and clock_timestamp() < $${params.length}::timestamptz`,
    params,
  };
}
