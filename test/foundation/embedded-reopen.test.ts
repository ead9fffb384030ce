// Opening the embedded state while the last process to close it is stopping the server: the opener waits for that
// server to go, then starts it again, rather than failing (`opsbot serve` stopped, `opsbot audit verify` at once).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { embeddedDb } from '../../src/store/embedded.js';
import { ensureEmbeddedServer, stopEmbeddedServer } from '../../src/store/embedded-server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-reopen-'));
afterAll(async () => {
  await stopEmbeddedServer(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Until the server answers a new session with 57P03 (pg_ctl returned before the server took the signal). */
async function refusesNewSessions(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const client = new pg.Client(url);
    client.on('error', () => {});
    const code = await client.connect().then(
      () => client.end().then(() => 'connected'),
      (error: { code?: string }) => error.code,
    );
    if (code === '57P03') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the server kept taking new sessions for 10 s');
}

it('opens the state again while its server is shutting down', async () => {
  const first = await embeddedDb(dataDir);
  await first.query('select 1'); // its pool keeps the session open
  const server = await ensureEmbeddedServer(dataDir);
  // A smart shutdown waits for first's sessions: meanwhile the server refuses new ones ("shutting down").
  await server.stop();
  await refusesNewSessions(server.url);
  const opening = embeddedDb(dataDir);
  const early = await Promise.race([opening.then(() => 'opened'), new Promise((r) => setTimeout(r, 300, 'waiting'))]);
  expect(early).toBe('waiting');
  await first.close();
  const second = await opening;
  try {
    expect(await second.query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
  } finally {
    await second.close();
  }
}, 60_000);
