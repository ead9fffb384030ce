// The audit log as JSON lines an auditor can re-check offline: every field the chain hash covers, in the exact form it
// was hashed (the UTC microsecond timestamp), with the previous hash and the row's own.
import { AT_FORMAT } from '../store/audit.js';
import type { ChainRow } from '../store/audit-chain.js';
import type { Db } from '../store/db.js';

/** A chain row as its hash covers it, with the previous hash and its own. */
export interface AuditLine extends ChainRow {
  prev_hash: string;
  hash: string;
}
export interface ChainHead {
  seq: number;
  hash: string;
  at: string;
}

const COLUMNS = `seq, ${AT_FORMAT} as at, actor, channel, action, params, outcome, prev_hash, hash`;

const toLine = (row: AuditLine): AuditLine => ({
  seq: Number(row.seq),
  at: row.at,
  actor: row.actor,
  channel: row.channel,
  action: row.action,
  params: typeof row.params === 'string' ? JSON.parse(row.params) : row.params,
  outcome: row.outcome,
  prev_hash: row.prev_hash,
  hash: row.hash,
});

/** Every event at or after from and before to, in chain order. */
export async function auditLinesBetween(db: Db, from: Date, to: Date): Promise<AuditLine[]> {
  const rows = await db.query<AuditLine>(
    `select ${COLUMNS} from audit_events where at >= $1 and at < $2 order by seq`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map(toLine);
}

/** Every event from `from` to `to`, both inclusive (timestamps as Postgres reads them), in chain order. */
export async function auditLinesFromTo(db: Db, from: string, to: string): Promise<AuditLine[]> {
  const rows = await db.query<AuditLine>(
    `select ${COLUMNS} from audit_events where at >= $1::timestamptz and at <= $2::timestamptz order by seq`,
    [from, to],
  );
  return rows.map(toLine);
}

/** The newest event of the chain: its sequence number, hash and time; undefined for an empty log. */
export async function auditChainHead(db: Db): Promise<ChainHead | undefined> {
  const [row] = await db.query<{ seq: number | string; hash: string; at: string }>(
    `select seq, hash, ${AT_FORMAT} as at from audit_events order by seq desc limit 1`,
  );
  return row ? { seq: Number(row.seq), hash: row.hash, at: row.at } : undefined;
}

/** One JSON line per event, keys in the order the hash lists them. */
export function auditJsonl(lines: AuditLine[]): string {
  return lines.map((line) => `${JSON.stringify(toLine(line))}\n`).join('');
}
