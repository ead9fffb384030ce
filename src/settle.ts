// Tracks work in flight so a graceful stop can wait for it, up to a deadline.

export interface InFlight {
  /** Runs fn and keeps its promise until it settles. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves when everything in flight has settled or graceMs has passed; returns how many were still running. */
  drain(graceMs: number): Promise<number>;
}

export function inFlight(): InFlight {
  const pending = new Set<Promise<unknown>>();
  return {
    track(work) {
      pending.add(work);
      const forget = () => pending.delete(work);
      work.then(forget, forget);
      return work;
    },
    async drain(graceMs) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled([...pending]), deadline]);
      clearTimeout(timer);
      return pending.size;
    },
  };
}
