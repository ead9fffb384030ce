// The audit chain: append-only, hash-chained, verifiable, one unbroken chain under concurrent writers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudit, verifyAuditChain } from '../../src/store/audit.js';
import type { Db } from '../../src/store/db.js';
import { embeddedDb } from '../../src/store/embedded.js';
import { migrate } from '../../src/store/migrate.js';
import { postgresDb } from '../../src/store/postgres.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/infra.js';

const backends: [string, () => Promise<{ db: Db; cleanup: () => Promise<void> }>][] = [
  [
    'embedded',
    async () => {
      const db = await embeddedDb('memory://');
      return { db, cleanup: () => db.close() };
    },
  ],
];
if (TEST_DATABASE_URL) {
  backends.push([
    'postgres',
    async () => {
      const database: TestDatabase = await createTestDatabase('audit');
      const db = postgresDb(database.url);
      return {
        db,
        cleanup: async () => {
          await db.close();
          await database.drop();
        },
      };
    },
  ]);
}

describe.each(backends)('audit chain on %s', (_name, open) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await open());
    await migrate(db);
  });
  afterAll(() => cleanup());

  it('verifies a fresh chain and reports rows walked and the head hash', async () => {
    const audit = createAudit(db, () => new Date());
    await audit.append({
      action: 'smoke.run',
      actor: { user: 'U1', channel: 'C1' },
      params: { env: 'staging' },
      outcome: 'passed',
    });
    await audit.append({ action: 'seed.confirm', actor: { user: 'U2' }, params: { count: 3 }, outcome: 'ok' });
    const report = await verifyAuditChain(db);
    expect(report).toMatchObject({ ok: true, rowsWalked: 2 });
    const [head] = await db.query<{ hash: string }>('select hash from audit_events order by seq desc limit 1');
    expect(report.headHash).toBe(head?.hash);
  });

  it("appends inside the caller's transaction: kept with its change, gone when that change rolls back", async () => {
    const audit = createAudit(db, () => new Date());
    await db.transaction(async (tx) => {
      await tx.query("insert into runs (id, kind, trigger) values ('r_kept', 'test', 'cli')");
      await audit.append({ action: 'test.kept', outcome: 'ok' }, tx);
    });
    await expect(
      db.transaction(async (tx) => {
        await audit.append({ action: 'test.rolled-back', outcome: 'ok' }, tx);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const actions = await db.query<{ action: string }>(
      "select action from audit_events where action in ('test.kept', 'test.rolled-back')",
    );
    expect(actions.map((r) => r.action)).toEqual(['test.kept']);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('refuses UPDATE and DELETE on audit_events', async () => {
    await expect(db.query("update audit_events set outcome = 'x'")).rejects.toThrow(/append-only/);
    await expect(db.query('delete from audit_events')).rejects.toThrow(/append-only/);
  });

  it('keeps one unbroken chain under 20 concurrent appends', async () => {
    const audit = createAudit(db, () => new Date());
    const before = (await verifyAuditChain(db)).rowsWalked;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => audit.append({ action: 'test.append', params: { i }, outcome: 'ok' })),
    );
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rowsWalked: before + 20 });
  });

  it('records 100 events at once in the order they were asked for, beside appends in transactions', async () => {
    const audit = createAudit(db, () => new Date());
    const before = (await verifyAuditChain(db)).rowsWalked;
    const recorded = Array.from({ length: 100 }, (_, i) =>
      audit.record({ action: 'test.record', params: { i }, outcome: 'ok' }),
    );
    const inTransactions = Array.from({ length: 5 }, (_, i) =>
      db.transaction((tx) => audit.append({ action: 'test.tx', params: { i }, outcome: 'ok' }, tx)),
    );
    await Promise.all([...recorded, ...inTransactions]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rowsWalked: before + 105 });
    const rows = await db.query<{ i: number }>(
      "select (params->>'i')::int as i from audit_events where action = 'test.record' order by seq",
    );
    expect(rows.map((r) => r.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('keeps one chain when two writers (two replicas) record at once, each finding the head the other moved', async () => {
    const [one, two] = [createAudit(db, () => new Date()), createAudit(db, () => new Date())];
    const before = (await verifyAuditChain(db)).rowsWalked;
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? one : two).record({ action: 'test.replicas', params: { round, i }, outcome: 'ok' }),
        ),
      );
    }
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rowsWalked: before + 50 });
  });

  it('waits for a transaction that holds the chain, then records after its row', async () => {
    const audit = createAudit(db, () => new Date());
    await audit.record({ action: 'test.head', outcome: 'ok' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let appended!: () => void;
    const inside = new Promise<void>((resolve) => {
      appended = resolve;
    });
    const transaction = db.transaction(async (tx) => {
      await audit.append({ action: 'test.held', outcome: 'ok' }, tx);
      appended();
      await held;
    });
    await inside;
    let recorded = false;
    const recording = audit.record({ action: 'test.after-held', outcome: 'ok' }).then(() => {
      recorded = true;
    });
    // The record waits on the chain's lock (a lock request not granted), and has written nothing.
    await expect
      .poll(async () => (await db.query("select 1 from pg_locks where locktype = 'advisory' and not granted")).length, {
        timeout: 5_000,
      })
      .toBe(1);
    expect(recorded).toBe(false);
    release();
    await Promise.all([transaction, recording]);
    const [held1, after] = await db.query<{ seq: number }>(
      "select seq from audit_events where action in ('test.held', 'test.after-held') order by seq",
    );
    expect(Number(after?.seq)).toBe(Number(held1?.seq) + 1);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('redacts secrets in parameters before they are chained', async () => {
    const audit = createAudit(db, () => new Date());
    await audit.append({
      action: 'test.secret',
      params: { url: 'postgres://app:hunter2@db/x', token: 'xoxb-1-2-3' },
      outcome: 'ok',
    });
    const [row] = await db.query<{ params: Record<string, string> }>(
      "select params from audit_events where action = 'test.secret'",
    );
    expect(JSON.stringify(row?.params)).not.toMatch(/hunter2|xoxb-1-2-3/);
    expect(row?.params.url).toBe('postgres://app:****@db/x');
  });

  it('fails naming the row that was altered behind the trigger', async () => {
    const [target] = await db.query<{ seq: number }>('select seq from audit_events order by seq limit 1 offset 1');
    // What an attacker with superuser rights could do: bypass the trigger, rewrite a row.
    await db.transaction(async (tx) => {
      await tx.query('alter table audit_events disable trigger audit_events_no_change');
      await tx.query("update audit_events set outcome = 'tampered' where seq = $1", [target?.seq]);
      await tx.query('alter table audit_events enable trigger audit_events_no_change');
    });
    const report = await verifyAuditChain(db);
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toEqual({ seq: Number(target?.seq), reason: 'the row was changed after it was written' });
    expect(report.rowsWalked).toBe(Number(target?.seq) - 1);
  });
});
