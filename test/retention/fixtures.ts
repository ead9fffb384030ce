// A staging database with the pilot schema and rows on both sides of each default policy's cut-off.
import { expect } from 'vitest';
import { applyPilotSchema } from '../../src/seed/schema.js';
import { postgresDb } from '../../src/store/postgres.js';
import type { TestDatabase } from '../support/infra.js';

export const OLD = { receipts: 30, fieldsPerReceipt: 3, analytics: 12, logs: 25 };
export const NEW = { receipts: 8, analytics: 5, logs: 9 };

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** Old rows sit 60 days past their cut-off, new ones 60 days inside it: nothing near the edge, so no flake. */
export async function fillRetentionData(target: TestDatabase): Promise<void> {
  const db = postgresDb(target.url, 1);
  try {
    await db.transaction(async (tx) => void (await applyPilotSchema(tx)));
    await db.query("insert into tenants (id, name, kind) values ('t1', 'Tenant one', 'smb')");
    const receipts = (prefix: string, n: number, age: number) =>
      db.query(
        `insert into receipts (id, tenant_id, filename, received_on, total)
         select $1 || g, 't1', 'r' || g || '.pdf', ($3::timestamptz)::date, 10 from generate_series(1, $2) g`,
        [prefix, n, daysAgo(age)],
      );
    await receipts('old-', OLD.receipts, 425);
    await receipts('new-', NEW.receipts, 305);
    await db.query(
      `insert into receipt_fields (id, receipt_id, name, value, confidence)
       select r.id || '-' || g, r.id, 'field' || g, 'v', 0.9 from receipts r, generate_series(1, $1) g`,
      [OLD.fieldsPerReceipt],
    );
    const analytics = (n: number, from: number) =>
      db.query(
        `insert into analytics_daily (tenant_id, day, transactions, amount_total, receipts, journal_entries, above_threshold, computed_at)
         select 't1', ($2::timestamptz - g * interval '1 day')::date, 1, 1, 1, 1, 0, now() from generate_series(0, $1 - 1) g`,
        [n, daysAgo(from)],
      );
    await analytics(OLD.analytics, 425);
    await analytics(NEW.analytics, 305);
    const logs = (prefix: string, n: number, age: number) =>
      db.query(
        `insert into audit_log (id, tenant_id, actor, action, created_at)
         select $1 || g, 't1', 'someone', 'login', $3::timestamptz from generate_series(1, $2) g`,
        [prefix, n, daysAgo(age)],
      );
    await logs('old-', OLD.logs, 90);
    await logs('new-', NEW.logs, 5);
  } finally {
    await db.close();
  }
}

export async function counts(target: TestDatabase) {
  const [row] = await target.query<Record<string, number>>(
    `select (select count(*)::int from receipts) as receipts, (select count(*)::int from receipt_fields) as fields,
            (select count(*)::int from analytics_daily) as analytics, (select count(*)::int from audit_log) as logs`,
  );
  return row!;
}

/** Polls read until it matches expected (the fields given), or fails with the last value after timeoutMs. */
export async function expectEventually<T>(read: () => Promise<T>, expected: Partial<T>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last && Object.entries(expected).every(([k, v]) => (last as any)[k] === v)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(last).toMatchObject(expected);
}
