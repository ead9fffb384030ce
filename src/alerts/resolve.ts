// Resolve by hand, with a note: the alert ends now whatever the checks say. The key's streak starts over, rearmed, so
// the next failing run opens a new alert at once: a person said it was fixed, and a failure says otherwise.
import type { Db } from '../store/db.js';
import type { Actor } from '../store/runs.js';
import { type AlertChange, compareAndSet } from './change.js';
import { enqueueNotices, type ObserveDeps } from './observe.js';
import { findAlert, lockKey } from './store.js';

export const RESOLVE_NOTE_MAX = 500;

export async function resolveAlert(
  tx: Db,
  deps: ObserveDeps,
  alertId: string,
  actor: Actor,
  note: string,
): Promise<AlertChange<'resolved'>> {
  const found = await findAlert(tx, alertId);
  if (!found) return { outcome: 'unknown' };
  // Serialised with the observations of its key: a run landing now either sees it resolved or resolves it first.
  await lockKey(tx, found.key);
  const at = deps.now();
  return compareAndSet(
    tx,
    alertId,
    {
      set: 'status = $3, resolved_at = $2, resolved_by = $4, resolve_note = $5, snoozed_until = null, ack_checked_at = null',
      where: `status <> 'resolved'`,
      params: [at, 'resolved', actor.user, note],
      outcome: 'resolved',
    },
    async (alert) => {
      await tx.query(
        `insert into alert_streaks (key, failing, count, since, observed_at, rearmed) values ($1, false, 0, $2, $2, true)
         on conflict (key) do update set failing = false, count = 0, since = $2, observed_at = $2, rearmed = true`,
        [alert.key, at],
      );
      await enqueueNotices(tx, deps, alert, 'resolved', at, true);
    },
  );
}
