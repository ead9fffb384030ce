// The audit chain's head as an anchor: what is written where the database's writers cannot reach (publish/).
import type { Db } from '../store/db.js';
import type { AuditAnchor } from './anchors.js';

/** The newest row of the chain as an anchor, or undefined while the chain is empty. */
export async function chainHead(db: Db, now: () => Date): Promise<AuditAnchor | undefined> {
  const [head] = await db.query<{ seq: number | string; hash: string; mac: string | null }>(
    'select seq, hash, mac from audit_events order by seq desc limit 1',
  );
  if (!head) return undefined;
  return { seq: Number(head.seq), hash: head.hash, at: now().toISOString(), ...(head.mac ? { mac: head.mac } : {}) };
}
