// One run per key at a time in this process: a second request while one runs rides along and gets its result.

export interface Flight<R, T> {
  /** True when this request rode along on a run already under way. */
  joined: boolean;
  /** Everyone waiting on the run, the starter first; final once result has settled. */
  riders: T[];
  result: Promise<R>;
}

export class SingleFlight<R, T> {
  private readonly flights = new Map<string, { riders: T[]; result: Promise<R> }>();

  /** Who started the run under way for key, if one is. */
  starter(key: string): T | undefined {
    return this.flights.get(key)?.riders[0];
  }

  join(key: string, rider: T, start: () => Promise<R>): Flight<R, T> {
    const running = this.flights.get(key);
    if (running) {
      running.riders.push(rider);
      return { joined: true, ...running };
    }
    const riders = [rider];
    // Removed before anyone awaiting result resumes, so a later request starts a fresh run.
    const result = start().finally(() => this.flights.delete(key));
    this.flights.set(key, { riders, result });
    return { joined: false, riders, result };
  }
}
