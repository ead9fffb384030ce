// The application's users and tenant settings, read from ACCESS_DATABASE_URL in one read-only transaction, with
// queries that ACCESS_USERS_SQL / ACCESS_TENANTS_SQL may replace for other schemas.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { maskSecrets } from '../redact.js';
import type { Row } from '../store/db.js';
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
  const db = postgresDb(config.databaseUrl, 1);
  try {
    const [users, tenants] = await db.transaction(async (tx) => {
      // Read only, and one consistent view of both tables: the snapshot cannot change the application's data.
      await tx.query('set transaction isolation level repeatable read, read only');
      await tx.query("set local statement_timeout = '60s'");
      return [
        await tx.query(config.usersSql ?? DEFAULT_USERS_SQL),
        await tx.query(config.tenantsSql ?? DEFAULT_TENANTS_SQL),
      ];
    });
    return { users: toUsers(users), tenants: toTenants(tenants) };
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
