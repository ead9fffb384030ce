// The pilot data as rows, per table: deterministic (same prefix, count and day -> same rows), so seeding is an upsert.

export const TENANT_KINDS = ['smb', 'prof', 'firm'] as const;
export const USER_ROLES = ['owner', 'admin', 'accountant', 'viewer'] as const;
/** Every tenant starts in shadow mode, with the threshold the access review checks against. */
export const PILOT_THRESHOLD = 0.9;

/** Rows each tenant gets, per table (the runbook's demo data). */
export const ROWS_PER_TENANT = {
  tenants: 1,
  users: 2,
  transactions: 24,
  journal_entries: 24,
  rules: 4,
  audit_log: 1,
  receipts: 6,
  receipt_fields: 36,
} as const;
export type DataTable = keyof typeof ROWS_PER_TENANT;

export type ColumnType = 'text' | 'boolean' | 'numeric' | 'date' | 'integer' | 'jsonb';
/** One table's rows, column-major friendly: `rows[i][j]` is column j of row i. Every table's key is `id`. */
export interface TableRows {
  table: DataTable;
  columns: { name: string; type: ColumnType }[];
  rows: unknown[][];
}

const COUNTERPARTIES = ['AWS', 'Uber', 'Staples', 'Gusto Payroll', 'WeWork', 'Delta Air Lines', 'Adobe', 'Comcast'];
const ACCOUNTS = ['Cloud hosting', 'Travel', 'Office supplies', 'Payroll', 'Rent', 'Travel', 'Software', 'Utilities'];
const RECEIPT_FIELDS = ['vendor', 'date', 'total', 'tax', 'currency', 'category'];
/** Transactions are spread over this many days before the seed day, so a 7-day shadow report has some. */
const SPREAD_DAYS = 28;

/** `pilot-smb-001`, `pilot-prof-002`, `pilot-firm-003`, … : the kinds in rotation, numbered from 1. */
export function tenantIds(prefix: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${prefix}-${TENANT_KINDS[i % TENANT_KINDS.length]}-${String(i + 1).padStart(3, '0')}`,
  );
}

/** The day `days` before `day` (YYYY-MM-DD, UTC). */
export function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

const money = (cents: number) => (cents / 100).toFixed(2);

/**
 * Every row the seed writes for prefix and count, with dates relative to `day` (YYYY-MM-DD); with range, only the rows
 * of tenants from..to-1 (a tenant's rows depend on its place in the list, not on its neighbours).
 */
export function pilotRows(
  prefix: string,
  count: number,
  day: string,
  range: { from: number; to: number } = { from: 0, to: count },
): TableRows[] {
  const t = (table: DataTable, columns: [string, ColumnType][]): TableRows => ({
    table,
    columns: columns.map(([name, type]) => ({ name, type })),
    rows: [],
  });
  const tenants = t('tenants', [
    ['id', 'text'],
    ['name', 'text'],
    ['kind', 'text'],
    ['autopost_enabled', 'boolean'],
    ['threshold', 'numeric'],
  ]);
  const users = t('users', [
    ['id', 'text'],
    ['tenant_id', 'text'],
    ['email', 'text'],
    ['name', 'text'],
    ['role', 'text'],
  ]);
  const transactions = t('transactions', [
    ['id', 'text'],
    ['tenant_id', 'text'],
    ['posted_on', 'date'],
    ['description', 'text'],
    ['counterparty', 'text'],
    ['amount', 'numeric'],
    ['currency', 'text'],
  ]);
  const journal = t('journal_entries', [
    ['id', 'text'],
    ['tenant_id', 'text'],
    ['transaction_id', 'text'],
    ['debit_account', 'text'],
    ['credit_account', 'text'],
    ['amount', 'numeric'],
    ['confidence', 'numeric'],
    ['status', 'text'],
  ]);
  const rules = t('rules', [
    ['id', 'text'],
    ['tenant_id', 'text'],
    ['pattern', 'text'],
    ['account', 'text'],
    ['priority', 'integer'],
  ]);
  const audit = t('audit_log', [
    ['id', 'text'],
    ['tenant_id', 'text'],
    ['actor', 'text'],
    ['action', 'text'],
    ['details', 'jsonb'],
  ]);
  const receipts = t('receipts', [
    ['id', 'text'],
    ['tenant_id', 'text'],
    ['transaction_id', 'text'],
    ['filename', 'text'],
    ['received_on', 'date'],
    ['total', 'numeric'],
  ]);
  const fields = t('receipt_fields', [
    ['id', 'text'],
    ['receipt_id', 'text'],
    ['name', 'text'],
    ['value', 'text'],
    ['confidence', 'numeric'],
  ]);

  const ids = tenantIds(prefix, count);
  for (let n = range.from; n < range.to; n += 1) {
    const tenant = ids[n]!;
    tenants.rows.push([tenant, tenant, TENANT_KINDS[n % TENANT_KINDS.length], false, PILOT_THRESHOLD.toFixed(2)]);
    // The owner, and one more person whose role rotates, so every role shows up in an access review.
    const second = USER_ROLES[1 + (n % (USER_ROLES.length - 1))]!;
    for (const role of ['owner', second]) {
      users.rows.push([`${tenant}-${role}`, tenant, `${role}@${tenant}.example.com`, `${tenant} ${role}`, role]);
    }
    const txDays: string[] = [];
    for (let i = 0; i < ROWS_PER_TENANT.transactions; i += 1) {
      const k = i % COUNTERPARTIES.length;
      const id = `${tenant}-tx-${String(i + 1).padStart(2, '0')}`;
      const posted = daysBefore(day, Math.floor((i * SPREAD_DAYS) / ROWS_PER_TENANT.transactions));
      const amount = money(1_250 + ((n * 7_919 + i * 4_391) % 98_000));
      txDays.push(posted);
      transactions.rows.push([id, tenant, posted, `${COUNTERPARTIES[k]} #${i + 1}`, COUNTERPARTIES[k], amount, 'USD']);
      const confidence = (0.6 + ((n * 7 + i * 13) % 40) / 100).toFixed(3);
      // Autopost is off, so every entry waits for a person: proposed, never posted.
      journal.rows.push([
        `${tenant}-je-${String(i + 1).padStart(2, '0')}`,
        tenant,
        id,
        ACCOUNTS[k],
        'Cash',
        amount,
        confidence,
        'proposed',
      ]);
    }
    for (let i = 0; i < ROWS_PER_TENANT.rules; i += 1) {
      rules.rows.push([`${tenant}-rule-${i + 1}`, tenant, COUNTERPARTIES[i], ACCOUNTS[i], (i + 1) * 10]);
    }
    const created = { users: 2, transactions: 24, journal_entries: 24, rules: 4, receipts: 6, receipt_fields: 36 };
    audit.rows.push([`${tenant}-seeded`, tenant, 'opsbot', 'tenant.seeded', JSON.stringify({ prefix, ...created })]);
    for (let r = 0; r < ROWS_PER_TENANT.receipts; r += 1) {
      const tx = r * 4;
      const id = `${tenant}-rcpt-${r + 1}`;
      const total = transactions.rows[transactions.rows.length - ROWS_PER_TENANT.transactions + tx]![5] as string;
      receipts.rows.push([
        id,
        tenant,
        `${tenant}-tx-${String(tx + 1).padStart(2, '0')}`,
        `receipt-${r + 1}.pdf`,
        txDays[tx],
        total,
      ]);
      const values = [
        COUNTERPARTIES[tx % COUNTERPARTIES.length]!,
        txDays[tx]!,
        total,
        money(Math.round(Number(total) * 8)),
        'USD',
        ACCOUNTS[tx % ACCOUNTS.length]!,
      ];
      RECEIPT_FIELDS.forEach((name, f) => {
        fields.rows.push([`${id}-${name}`, id, name, values[f], (0.7 + ((r * 5 + f * 3) % 30) / 100).toFixed(3)]);
      });
    }
  }
  return [tenants, users, transactions, journal, rules, audit, receipts, fields];
}

/** Rows each table would receive for count tenants (the dry run's figures), plus the rollup's one row per tenant. */
export function plannedRowCounts(count: number): Record<string, number> {
  const planned: Record<string, number> = {};
  for (const [table, perTenant] of Object.entries(ROWS_PER_TENANT)) planned[table] = perTenant * count;
  planned.analytics_daily = count;
  return planned;
}
