// Steps 4 and 5 over the seeded data: a 7-day shadow report per tenant (what autopost would have done while it is
// off) and the daily analytics rollup. Each is one statement for all tenants, inside the seeding transaction.
import type { Db } from '../store/db.js';
import { daysBefore } from './data.js';

export const SHADOW_DAYS = 7;

export interface ShadowReport {
  tenant: string;
  /** First and last day of the window, inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
  autopostEnabled: boolean;
  threshold: number;
  transactions: number;
  /** Sum of the window's transaction amounts, as a decimal string (no float rounding). */
  amountTotal: string;
  receipts: number;
  journalEntries: number;
  /** Entries at or above the threshold: what autopost would have posted had it been on. */
  wouldAutopost: number;
}

export async function shadowReports(tx: Db, tenants: string[], day: string): Promise<ShadowReport[]> {
  const from = daysBefore(day, SHADOW_DAYS - 1);
  const rows = await tx.query<{
    tenant: string;
    autopost_enabled: boolean;
    threshold: string;
    transactions: number;
    amount_total: string;
    receipts: number;
    journal_entries: number;
    would_autopost: number;
  }>(
    `select t.id as tenant, t.autopost_enabled, t.threshold::text as threshold,
        (select count(*)::int from transactions x where x.tenant_id = t.id and x.posted_on between $2 and $3) as transactions,
        (select coalesce(sum(x.amount), 0)::text from transactions x
          where x.tenant_id = t.id and x.posted_on between $2 and $3) as amount_total,
        (select count(*)::int from receipts r where r.tenant_id = t.id and r.received_on between $2 and $3) as receipts,
        (select count(*)::int from journal_entries j join transactions x on x.id = j.transaction_id
          where j.tenant_id = t.id and x.posted_on between $2 and $3) as journal_entries,
        (select count(*)::int from journal_entries j join transactions x on x.id = j.transaction_id
          where j.tenant_id = t.id and x.posted_on between $2 and $3 and j.confidence >= t.threshold) as would_autopost
      from tenants t where t.id = any($1::text[]) order by array_position($1::text[], t.id)`,
    [tenants, from, day],
  );
  return rows.map((r) => ({
    tenant: r.tenant,
    from,
    to: day,
    autopostEnabled: r.autopost_enabled,
    threshold: Number(r.threshold),
    transactions: r.transactions,
    amountTotal: r.amount_total,
    receipts: r.receipts,
    journalEntries: r.journal_entries,
    wouldAutopost: r.would_autopost,
  }));
}

/** One analytics_daily row per tenant for day (the day's activity), upserted: a rerun on the same day replaces it. */
export async function rollupDay(tx: Db, tenants: string[], day: string, computedAt: Date): Promise<number> {
  const [row] = await tx.query<{ rows: number }>(
    `with rolled as (
      insert into analytics_daily (tenant_id, day, transactions, amount_total, receipts, journal_entries, above_threshold, computed_at)
      select t.id, $2::date,
          (select count(*) from transactions x where x.tenant_id = t.id and x.posted_on = $2::date),
          (select coalesce(sum(x.amount), 0) from transactions x where x.tenant_id = t.id and x.posted_on = $2::date),
          (select count(*) from receipts r where r.tenant_id = t.id and r.received_on = $2::date),
          (select count(*) from journal_entries j join transactions x on x.id = j.transaction_id
            where j.tenant_id = t.id and x.posted_on = $2::date),
          (select count(*) from journal_entries j join transactions x on x.id = j.transaction_id
            where j.tenant_id = t.id and x.posted_on = $2::date and j.confidence >= t.threshold),
          $3::timestamptz
        from tenants t where t.id = any($1::text[])
      on conflict (tenant_id, day) do update set (transactions, amount_total, receipts, journal_entries, above_threshold,
        computed_at) = (excluded.transactions, excluded.amount_total, excluded.receipts, excluded.journal_entries,
        excluded.above_threshold, excluded.computed_at)
      returning 1)
    select count(*)::int as rows from rolled`,
    [tenants, day, computedAt.toISOString()],
  );
  return row?.rows ?? 0;
}
