// Seed test helpers: a target database whose URL carries a password, a modal submission as Slack sends it, and what
// a target holds (tables, counts, a fingerprint of every row) to prove "untouched" and "unchanged".
import { PILOT_TABLES } from '../../src/seed/schema.js';
import type { Bot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/infra.js';

export const OPERATOR = 'U_OP';
export const PASSWORD = 's3cret-seed-pw';

/** A fresh database; its URL carries a password (ignored by the trust-auth test server) that must never show. */
export async function createTarget(label = 'tgt'): Promise<TestDatabase & { urlWithPassword: string }> {
  const db = await createTestDatabase(label);
  const url = new URL(db.url);
  url.password = PASSWORD;
  if (!url.username) url.username = 'postgres';
  return Object.assign(db, { urlWithPassword: url.toString() });
}

export interface SeedValues {
  env?: string;
  prefix?: string;
  count?: string;
  confirm?: string;
}

export function submitSeed(bot: Bot, values: SeedValues = {}, user = OPERATOR, channel = 'C_OPS') {
  return bot.submitView({
    callbackId: 'seed.confirm',
    user,
    privateMetadata: JSON.stringify({ channel, user }),
    values: {
      env: { type: 'static_select', selected_option: { value: values.env ?? 'staging' } },
      prefix: values.prefix ?? 'pilot',
      count: values.count ?? '3',
      confirm: values.confirm ?? 'I_UNDERSTAND',
    },
  });
}

/** The tables of the target's public schema, sorted. */
export async function tablesOf(db: Pick<TestDatabase, 'query'>): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
  );
  return rows.map((r) => r.name);
}

export async function countsOf(
  db: Pick<TestDatabase, 'query'>,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    counts[table] = row?.n ?? -1;
  }
  return counts;
}

/** Every table with an md5 over its rows in a fixed order: equal fingerprints mean the same data. */
export async function fingerprint(db: Pick<TestDatabase, 'query'>): Promise<Record<string, string>> {
  const print: Record<string, string> = {};
  for (const table of await tablesOf(db)) {
    const [row] = await db.query<{ h: string }>(
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${table} t`,
    );
    print[table] = row?.h ?? '';
  }
  return print;
}

/** Waits for one more call of method than there were before `action` ran, and returns that newest call. */
export async function nextCall(bot: Bot, method: string, action: () => Promise<unknown>, timeoutMs = 30_000) {
  const before = bot.slack.callsOf(method).length;
  await action();
  const calls = await bot.slack.waitFor(method, before + 1, timeoutMs);
  return calls.at(-1)!;
}

export { PILOT_TABLES };

/** What one run of 3 tenants leaves, by the numbers: per tenant 2 users, 24 transactions with a journal entry
 * each, 4 rules, 1 audit_log row, 6 receipts with 6 fields each, 1 rollup row. */
export const ONE_RUN = {
  tenants: 3,
  users: 6,
  transactions: 72,
  journal_entries: 72,
  rules: 12,
  audit_log: 3,
  receipts: 18,
  receipt_fields: 108,
  analytics_daily: 3,
};
