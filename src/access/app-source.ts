// The application's users and tenant settings, read from ACCESS_DATABASE_URL in one read-only transaction, with
// queries that ACCESS_USERS_SQL / ACCESS_TENANTS_SQL may replace for other schemas.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { maskSecrets } from '../redact.js';
import type { Db, Row } from '../store/db.js';
import { postgresDb } from '../store/postgres.js';
import { type AppUser, type Section, skipped, type TenantSetting } from './snapshot.js';

/** The pilot schema: users (id, email, role, tenant_id) joined to tenants for the tenant's name. */
export const DEFAULT_USERS_SQL = `select u.id::text as id, u.email, u.role, u.tenant_id::text as tenant_id, t.name as tenant_name
  from users u left join tenants t on t.id = u.tenant_id order by u.id`;
export const DEFAULT_TENANTS_SQL = 'select id::text as id, name, autopost_enabled, threshold from tenants order by id';
/** What an override must return; tenant_name is optional. */
export const USER_COLUMNS = ['id', 'email', 'role', 'tenant_id'] as const;
export const TENANT_COLUMNS = ['id', 'name', 'autopost_enabled', 'threshold'] as const;

export interface AppSections {
  users: Section<AppUser>;
  tenants: Section<TenantSetting>;
}

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
const isTrue = (value: unknown) => value === true || ['t', 'true', '1', 'yes'].includes(String(value).toLowerCase());

function missingColumns(rows: Row[], wanted: readonly string[], variable: string): string | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const missing = wanted.filter((column) => !(column in first));
  if (missing.length === 0) return undefined;
  return `FAILED: ${variable} must return the columns ${wanted.join(', ')}; ${missing.join(', ')} missing (it returned ${Object.keys(first).join(', ')})`;
}

export async function readAppSources(config: Config['access'], log: Logger): Promise<AppSections> {
  if (!config.databaseUrl) return { users: skipped(), tenants: skipped() };
  const db = postgresDb(readOnlySession(config.databaseUrl), 1);
  try {
    return await db.transaction(async (tx) => {
      // One consistent view of both tables, read only: the snapshot cannot change the application's data.
      await tx.query('set transaction isolation level repeatable read, read only');
      await tx.query("set local statement_timeout = '60s'");
      const users = await readSection(tx, config.usersSql ?? DEFAULT_USERS_SQL, 'ACCESS_USERS_SQL', toUsers);
      const tenants = await readSection(tx, config.tenantsSql ?? DEFAULT_TENANTS_SQL, 'ACCESS_TENANTS_SQL', toTenants);
      return { users, tenants };
    });
  } catch (error) {
    const reason = `FAILED: ${maskSecrets((error as Error).message)}`;
    log.warn({ reason }, 'access snapshot: application database unreadable');
    return {
      users: { status: 'failed', note: reason, entries: [] },
      tenants: { status: 'failed', note: reason, entries: [] },
    };
  } finally {
    await db.close().catch(() => {});
  }
}

/** The URL with `default_transaction_read_only` on: whatever a query manages, the session it runs in cannot write. */
function readOnlySession(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const options = url.searchParams.get('options');
  url.searchParams.set('options', `${options ? `${options} ` : ''}-c default_transaction_read_only=on`);
  return url.toString();
}

/**
 * One query, as a subquery with a bound parameter: the parameter sends it through the extended protocol, where
 * Postgres accepts exactly one statement, so `commit; insert …` cannot ride along; without it node-pg uses the simple
 * protocol, which runs any number. A failing query rolls back to its savepoint, so the other section is still read.
 */
async function readSection<T>(tx: Db, sql: string, variable: string, toSection: (rows: Row[]) => Section<T>) {
  // A trailing `;` would end the statement inside the parentheses; a trailing `-- comment` ends at the newline.
  const query = `select * from (\n${sql.trim().replace(/;\s*$/, '')}\n) as q offset $1`;
  await tx.query('savepoint section');
  try {
    const rows = await tx.query(query, [0]);
    await tx.query('release savepoint section');
    return toSection(rows);
  } catch (error) {
    await tx.query('rollback to savepoint section');
    const message = maskSecrets((error as Error).message);
    const reason = /syntax error|multiple commands/.test(message)
      ? `FAILED: ${variable} must be one select statement (Postgres said: ${message})`
      : `FAILED: ${variable}: ${message}`;
    return { status: 'failed', note: reason, entries: [] } satisfies Section<T>;
  }
}

function toUsers(rows: Row[]): Section<AppUser> {
  const problem = missingColumns(rows, USER_COLUMNS, 'ACCESS_USERS_SQL');
  if (problem) return { status: 'failed', note: problem, entries: [] };
  const entries = rows.map((r) => ({
    id: String(r.id),
    email: String(r.email ?? ''),
    role: String(r.role ?? ''),
    tenantId: text(r.tenant_id) || null,
    tenantName: text(r.tenant_name),
  }));
  return { status: 'ok', entries: entries.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true })) };
}

function toTenants(rows: Row[]): Section<TenantSetting> {
  const problem = missingColumns(rows, TENANT_COLUMNS, 'ACCESS_TENANTS_SQL');
  if (problem) return { status: 'failed', note: problem, entries: [] };
  const entries = rows.map((r) => {
    const threshold =
      r.threshold === null || r.threshold === undefined || r.threshold === '' ? null : Number(r.threshold);
    return {
      id: String(r.id),
      name: String(r.name ?? ''),
      autopostEnabled: isTrue(r.autopost_enabled),
      threshold: threshold !== null && Number.isFinite(threshold) ? threshold : null,
    };
  });
  return { status: 'ok', entries: entries.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true })) };
}
