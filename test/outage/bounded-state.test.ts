// The in-process coordinator (one replica, no REDIS_URL) forgets what expired: a year of fires and 100 000 request
// signatures leave less than 5 MB of heap behind.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

describe('in-process coordination over a year', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps retained heap under 5 MB after a year of minute fires and 100 000 signatures', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout'] });
    // Loaded under the fake clock, so the cache's own expiry follows it.
    vi.resetModules();
    const { localCoord } = await import('../../src/coord/local.js');
    const coord = localCoord();
    const before = heapUsed();
    const minutes = Number(process.env.MINUTES ?? 365 * 24 * 60);
    const signatureEvery = Math.floor(minutes / 100_000);
    let seen = 0;
    for (let minute = 0; minute < minutes; minute++) {
      const slot = new Date(Date.now() + (minute % 10) * 60_000).toISOString();
      // What a minute leaves: an election per fire, a rate-limit window, a request signature now and then.
      coord.runCoordinator.shouldRun(`opsbot:janitor:${slot}`, 600_000);
      if (minute % 10 === 0) await coord.rateLimit(`smoke:U${minute % 50}`, 10);
      if (minute % signatureEvery === 0 && seen < 100_000) {
        seen += 1;
        const signature = `v0=${minute.toString(16).padStart(64, '0')}`;
        expect(await coord.checkReplay(signature, Math.floor(Date.now() / 1000), 600)).toBe('fresh');
      }
      // The clock moves ten minutes at a time (the fires' own slots still differ by the minute): a year in seconds.
      if (minute % 10 === 9) vi.advanceTimersByTime(600_000);
    }
    if (!process.env.MINUTES) expect(seen).toBe(100_000);
    const retained = heapUsed() - before;
    expect(retained).toBeLessThan(5 * 1024 * 1024);
    // Still doing its job: a signature seen a moment ago is refused.
    const now = Math.floor(Date.now() / 1000);
    expect(await coord.checkReplay('v0=fresh', now, 600)).toBe('fresh');
    expect(await coord.checkReplay('v0=fresh', now, 600)).toBe('replayed');
    await coord.close();
  }, 120_000);
});
