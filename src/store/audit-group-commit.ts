// Group commit for the audit log's hot path: events that arrive while a write is in flight wait for it and are then
// written together, in arrival order, by one transaction. Under load every command still waits for its own row to
// commit, but shares the lock, the round trips and the commit with the others instead of queueing behind each.
// Enough to absorb a burst in one insert (10 parameters a row, far under Postgres's 65 535).
const MAX_BATCH = 200;

interface Waiting<E> {
  event: E;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * record(event) resolves once the event has committed. When a write fails, its events and every event that queued
 * while it was failing are rejected together with wrap(error): the database was away for all of them, and a command
 * must hear so within Slack's 3 s rather than wait for a second attempt. A batch refused for its data (a class 22
 * error) is written again one event at a time, so one odd event never takes the others down with it.
 */
export function groupCommit<E>(
  writeAll: (events: E[]) => Promise<void>,
  wrap: (error: unknown) => Error,
): (event: E) => Promise<void> {
  let queue: Waiting<E>[] = [];
  let flushing = false;
  const settle = async (batch: Waiting<E>[]): Promise<unknown> => {
    try {
      await writeAll(batch.map((w) => w.event));
      for (const w of batch) w.resolve();
      return undefined;
    } catch (error) {
      if (batch.length > 1 && String((error as { code?: string }).code ?? '').startsWith('22')) {
        for (const w of batch) await settle([w]);
        return undefined;
      }
      for (const w of batch) w.reject(wrap(error));
      return error;
    }
  };
  const flush = async () => {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_BATCH);
        queue = queue.slice(MAX_BATCH);
        const failed = await settle(batch);
        if (failed !== undefined) {
          const late = queue;
          queue = [];
          for (const w of late) w.reject(wrap(failed));
        }
      }
    } finally {
      flushing = false;
    }
  };
  return (event) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ event, resolve, reject });
      if (!flushing) void flush();
    });
}
