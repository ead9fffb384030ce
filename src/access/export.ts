// The runbook's files: access_snapshot_YYYYMMDD.csv (one row per entry, a `section` column, and every anomaly) and
// access_snapshot_YYYYMMDD.json (the whole snapshot with its diff and anomalies).
import { createHash } from 'node:crypto';
import type { Anomaly } from './anomalies.js';
import type { AccessDiff } from './diff.js';
import type { AccessSnapshot } from './snapshot.js';

export const CSV_COLUMNS = [
  'section',
  'id',
  'name',
  'role',
  'tenant_id',
  'tenant_name',
  'autopost_enabled',
  'threshold',
  'two_factor',
  'note',
  'anomaly',
] as const;
type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>>;

export const snapshotFileBase = (takenAt: string) => `access_snapshot_${takenAt.slice(0, 10).replace(/-/g, '')}`;

export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Quotes what needs it, and defuses text a spreadsheet would run as a formula (=, +, -, @). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsvTable(columns: readonly string[], rows: unknown[][]): string {
  return `${[columns.join(','), ...rows.map((row) => columns.map((_, i) => csvField(row[i])).join(','))].join('\n')}\n`;
}

function toCsv(rows: CsvRow[]): string {
  return toCsvTable(
    CSV_COLUMNS,
    rows.map((row) => CSV_COLUMNS.map((c) => row[c])),
  );
}

/** Every entry of every section, its anomalies beside it; review-wide anomalies as `anomaly` rows at the end. */
export function snapshotCsv(snapshot: AccessSnapshot, anomalies: Anomaly[]): string {
  const byEntry = new Map<string, string[]>();
  const keyOf = (section: string, key: string) => `${section}\u0000${key}`;
  for (const a of anomalies) {
    if (a.key === undefined || a.section === 'review') continue;
    const k = keyOf(a.section, a.key);
    byEntry.set(k, [...(byEntry.get(k) ?? []), a.message.replace(/`/g, '')]);
  }
  const anomalyOf = (section: string, key: string) => byEntry.get(keyOf(section, key))?.join('; ') ?? '';
  const rows: CsvRow[] = [];
  const status = (section: keyof Omit<AccessSnapshot, 'takenAt'>) => {
    const s = snapshot[section];
    if (s.status !== 'ok' || s.note) rows.push({ section, note: s.note ?? '' });
  };
  status('app_user');
  for (const u of snapshot.app_user.entries) {
    rows.push({
      section: 'app_user',
      id: u.id,
      name: u.email,
      role: u.role,
      tenant_id: u.tenantId,
      tenant_name: u.tenantName,
      anomaly: anomalyOf('app_user', u.id),
    });
  }
  status('tenant_setting');
  for (const t of snapshot.tenant_setting.entries) {
    rows.push({
      section: 'tenant_setting',
      id: t.id,
      name: t.name,
      autopost_enabled: t.autopostEnabled,
      threshold: t.threshold,
      anomaly: anomalyOf('tenant_setting', t.id),
    });
  }
  status('github_member');
  const github = snapshot.github_member;
  if (github.status === 'ok' && github.org) {
    const required =
      github.twoFactorRequired === null ? 'unknown' : github.twoFactorRequired ? 'required' : 'not required';
    rows.push({
      section: 'github_org',
      id: github.org,
      name: github.org,
      two_factor: required,
      anomaly: anomalyOf('github_org', github.org),
    });
  }
  for (const m of github.entries) {
    rows.push({
      section: 'github_member',
      id: m.login,
      name: m.login,
      role: m.role,
      two_factor: m.twoFactor,
      anomaly: anomalyOf('github_member', m.login),
    });
  }
  for (const a of anomalies.filter((a) => a.key === undefined || a.section === 'review')) {
    rows.push({ section: 'anomaly', id: a.code, name: a.section, anomaly: a.message.replace(/`/g, '') });
  }
  return toCsv(rows);
}

export function snapshotJson(
  reviewId: string,
  snapshot: AccessSnapshot,
  diff: AccessDiff,
  anomalies: Anomaly[],
): string {
  return `${JSON.stringify(
    {
      reviewId,
      takenAt: snapshot.takenAt,
      sections: {
        app_user: snapshot.app_user,
        tenant_setting: snapshot.tenant_setting,
        github_member: snapshot.github_member,
      },
      diff,
      anomalies,
    },
    null,
    2,
  )}\n`;
}
