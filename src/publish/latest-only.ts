// Progress updates sent one at a time, off the work's path: while one is on its way, a newer state replaces the one
// waiting, so a slow or rate-limited Slack delays the message, never the work, and the newest state is shown last.

export interface LatestSender<T> {
  /** Queues value, replacing any value still waiting, and returns at once. */
  push(value: T): void;
  /** Stops sending: drops what waits, and resolves once the send on its way has settled. */
  close(): Promise<void>;
}

export function latestOnly<T>(send: (value: T) => Promise<void>, onError: (error: unknown) => void): LatestSender<T> {
  let waiting: { value: T } | undefined;
  let sending: Promise<void> | undefined;
  let closed = false;
  const pump = () => {
    if (sending || !waiting || closed) return;
    const { value } = waiting;
    waiting = undefined;
    sending = Promise.resolve()
      .then(() => send(value))
      .catch(onError)
      .finally(() => {
        sending = undefined;
        pump();
      });
  };
  return {
    push(value) {
      if (closed) return;
      waiting = { value };
      pump();
    },
    async close() {
      closed = true;
      waiting = undefined;
      await sending;
    },
  };
}
