// Steps 2 and 3 of seedPilots: the tenants and their demo data as batched upserts, and the test email.

import type { Deps } from '../deps.js';
import { maskSecrets } from '../redact.js';
import type { Db } from '../store/db.js';
import { pilotRows } from './data.js';
import type { SeedReport } from './report.js';
import { upsertRows } from './upsert.js';

export async function seedTenantsAndData(tx: Db, report: SeedReport, day: string, log: (line: string) => void) {
  const [tenantRows, ...dataRows] = pilotRows(report.prefix, report.count, day);
  const existing = new Set(
    (await tx.query<{ id: string }>('select id from tenants where id = any($1::text[])', [report.tenants])).map(
      (r) => r.id,
    ),
  );
  report.written.tenants = await upsertRows(tx, tenantRows!);
  for (const tenant of report.tenants) {
    log(
      existing.has(tenant)
        ? `✅ Tenant already present, reset to seeded values: ${tenant}`
        : `✅ Created tenant: ${tenant}`,
    );
  }
  for (const rows of dataRows) {
    const counts = await upsertRows(tx, rows);
    report.written[rows.table] = counts;
    log(
      `✅ Seeded ${rows.rows.length} ${rows.table} (${counts.inserted} new, ${counts.updated} updated, ${counts.unchanged} unchanged)`,
    );
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
