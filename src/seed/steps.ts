// Steps 2 and 3 of seedPilots: the tenants and their demo data as batched upserts, and the test email.

import type { Deps } from '../deps.js';
import { maskSecrets } from '../redact.js';
import type { Db } from '../store/db.js';
import { pilotRows } from './data.js';
import type { SeedReport } from './report.js';
import { upsertRows } from './upsert.js';

/**
 * Tenants built and written at a time. Building a tenant's rows is synchronous work; a 5 000-tenant seed built at once
 * held the event loop for seconds (acknowledgements, heartbeats and other runs waited). A chunk takes milliseconds,
 * and its upserts hand the loop back before the next one is built.
 */
export const CHUNK_TENANTS = 100;

export async function seedTenantsAndData(tx: Db, report: SeedReport, day: string, log: (line: string) => void) {
  const existing = new Set(
    (await tx.query<{ id: string }>('select id from tenants where id = any($1::text[])', [report.tenants])).map(
      (r) => r.id,
    ),
  );
  for (let from = 0; from < report.count; from += CHUNK_TENANTS) {
    const range = { from, to: Math.min(report.count, from + CHUNK_TENANTS) };
    // Tenants first in each chunk: the other tables refer to them.
    for (const rows of pilotRows(report.prefix, report.count, day, range)) {
      const counts = await upsertRows(tx, rows);
      const sum = report.written[rows.table] ?? { inserted: 0, updated: 0, unchanged: 0 };
      report.written[rows.table] = {
        inserted: sum.inserted + counts.inserted,
        updated: sum.updated + counts.updated,
        unchanged: sum.unchanged + counts.unchanged,
      };
      if (rows.table !== 'tenants') continue;
      for (const tenant of report.tenants.slice(range.from, range.to)) {
        log(
          existing.has(tenant)
            ? `✅ Tenant already present, reset to seeded values: ${tenant}`
            : `✅ Created tenant: ${tenant}`,
        );
      }
    }
  }
  for (const [table, c] of Object.entries(report.written)) {
    if (table === 'tenants') continue;
    const rows = c.inserted + c.updated + c.unchanged;
    log(`✅ Seeded ${rows} ${table} (${c.inserted} new, ${c.updated} updated, ${c.unchanged} unchanged)`);
  }
  const created = Object.values(report.written).reduce((sum, c) => sum + c.inserted, 0);
  return { status: 'done' as const, detail: `${report.tenants.length} tenants; ${created} rows new` };
}

export async function testNotifications(
  report: SeedReport,
  deps: Partial<Pick<Deps, 'mail'>>,
  log: (line: string) => void,
) {
  if (!deps.mail?.configured) {
    log('⚠️  SMTP not configured, skipping email test');
    return { status: 'skipped' as const, detail: 'SMTP not configured, skipping' };
  }
  if (!deps.mail.alertTo) {
    log('⚠️  ALERT_EMAIL not set, skipping email test');
    return { status: 'skipped' as const, detail: 'ALERT_EMAIL not set, skipping' };
  }
  try {
    await deps.mail.send({
      subject: `opsbot: seed pilots test email (${report.env ?? 'target'})`,
      text: `This is the test email of a pilot seed into ${report.target}, sent after it committed: ${report.tenants.join(', ')}.`,
    });
    log(`✅ Test email sent to ${deps.mail.alertTo}`);
    return { status: 'done' as const, detail: `test email sent to ${deps.mail.alertTo}` };
  } catch (error) {
    // Mail is a check of the notification path, not data: a failure is reported, the seed goes on.
    const reason = maskSecrets((error as Error).message);
    log(`⚠️  Test email failed: ${reason}`);
    return { status: 'warning' as const, detail: `test email failed: ${reason}; the seed is committed` };
  }
}
