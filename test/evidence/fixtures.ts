// A quarter (2026-Q3) of records, written through the stores and SQL like the capabilities write them: a passing
// restore drill each month, weekly access reviews but for the week of 2026-08-09, three deploy approvals (one
// emergency without its retrospective approval), every day's uptime, a retention report each month, audit events.
import { createHash } from 'node:crypto';
import { insertReview } from '../../src/access/store.js';
import { insertRequest, type NewRequest } from '../../src/approvals/store.js';
import { insertReport } from '../../src/retention/store.js';
import { createAudit } from '../../src/store/audit.js';
import type { Db } from '../../src/store/db.js';

const DAY = 86_400_000;
export const QUARTER = '2026-Q3';
export const MISSED_SUNDAY = '2026-08-09';
export const SUNDAYS = Array.from({ length: 13 }, (_, i) => new Date(Date.parse('2026-07-05T02:00:00Z') + i * 7 * DAY));
export const DRILL_DAYS = ['2026-07-01', '2026-08-01', '2026-09-01'];

function drillReport(runId: string, day: string) {
  const startedAt = `${day}T09:30:00.000Z`;
  return {
    kind: 'drill',
    verdict: 'PASS',
    reasons: [],
    runId,
    env: 'staging',
    source: 'postgres://opsbot:****@db/staging',
    drillServer: 'postgres://opsbot:****@db',
    drillDatabase: `opsbot_drill_${runId}`,
    versions: { server: '16.4' },
    tables: [],
    phases: [],
    timings: { totalMs: 42_000, recoveryMs: 30_000 },
    databaseCreated: true,
    databaseDropped: true,
    startedAt,
    finishedAt: `${day}T09:30:42.000Z`,
  };
}

export async function seedDrills(db: Db, days: string[]): Promise<void> {
  for (const day of days) {
    const id = `r_drill${day.replace(/-/g, '')}`;
    await db.query(
      `insert into runs (id, kind, env, trigger, status, started_at, finished_at, report)
       values ($1, 'drill', 'staging', 'cron', 'passed', $2, $3, $4::jsonb)`,
      [id, `${day}T09:30:00Z`, `${day}T09:30:42Z`, JSON.stringify(drillReport(id, day))],
    );
  }
}

/** A review of `members` GitHub members on each Sunday but the skipped ones; returns the number taken. */
export async function seedReviews(db: Db, sundays: Date[], members = 3): Promise<number> {
  let taken = 0;
  for (const sunday of sundays) {
    const takenAt = sunday.toISOString();
    const rows = Array.from({ length: members }, (_, i) => `github_member,${i},member-${i},member,,,,,true,,`);
    const csv = `section,id,name,role,tenant_id,tenant_name,autopost_enabled,threshold,two_factor,note,anomaly\n${rows.join('\n')}\n`;
    const section = { total: members, added: 0, removed: 0, changed: 0 };
    await insertReview(db, {
      id: `ar_${takenAt.slice(0, 10)}`,
      runId: null,
      takenAt,
      trigger: 'cron',
      requestedBy: null,
      snapshot: { takenAt } as never,
      counts: {
        app_user: { ...section, total: 0, admins: 0 },
        tenant_setting: { ...section, total: 0, autopostOn: 0, belowThreshold: 0 },
        github_member: { ...section, admins: 0, members, outsideCollaborators: 0 },
      } as never,
      diff: { previousAt: null, changes: [], notCompared: [] },
      anomalies: [],
      csv,
      csvSha256: createHash('sha256').update(csv).digest('hex'),
    } as never);
    taken += 1;
  }
  return taken;
}

async function seedApprovals(db: Db): Promise<void> {
  const request = (id: string, at: string, emergency: boolean): NewRequest =>
    ({
      id,
      env: 'production',
      ref: `v1.${id.length}`,
      sha: 'a'.repeat(40),
      title: `Deploy ${id}`,
      requestedBy: 'dev',
      checklist: [],
      links: [],
      timeoutSeconds: 3600,
      requesterSlack: null,
      required: 2,
      source: emergency ? 'emergency' : 'cli',
      emergency,
      at: new Date(at),
    }) as unknown as NewRequest;
  await insertRequest(db, request('apr_normal', '2026-07-14T10:00:00Z', false));
  await db.query(`update approval_requests set status = 'approved', decided_at = created_at where id = 'apr_normal'`);
  await insertRequest(db, request('apr_emergency_ok', '2026-08-03T22:00:00Z', true));
  await db.query(
    `update approval_requests set retro_approved_by = 'U_LEAD', retro_approved_at = '2026-08-04T09:00:00Z' where id = 'apr_emergency_ok'`,
  );
  await insertRequest(db, request('apr_emergency_missing', '2026-09-12T03:00:00Z', true));
}

async function seedUptime(db: Db): Promise<void> {
  await db.query(
    `insert into uptime_daily (env, day, rounds, up_rounds, maintenance_rounds, p50_ms, p95_ms)
     select 'staging', d::date, 288, 288, 0, 40, 90 from generate_series('2026-07-01'::date, '2026-09-30'::date, '1 day') d`,
  );
}

async function seedRetention(db: Db): Promise<void> {
  for (const month of ['07', '08', '09'])
    await insertReport(
      db,
      {
        id: `rr_2026${month}`,
        takenAt: `2026-${month}-01T03:00:00.000Z`,
        policies: [
          {
            policy: 'audit_events',
            kind: 'table',
            where: 'opsbot',
            days: 365,
            cutoff: `2025-${month}-01T03:00:00.000Z`,
            deleteAllowed: false,
            lines: [{ what: 'runs', rows: 12, bytes: 4096, samples: ['r_1'] }],
            statements: ['delete from runs where started_at < $1'],
          },
        ],
      },
      undefined,
    );
}

/** Audit events: one before the quarter (so its first line links to it), then the quarter's, in time order. */
export async function seedAudit(db: Db): Promise<void> {
  const at = (iso: string) => createAudit(db, () => new Date(iso));
  await at('2026-06-28T12:00:00Z').append({ action: 'smoke.run', actor: { user: 'U_ONCALL' }, outcome: 'passed' });
  for (const [i, day] of ['2026-07-02', '2026-07-20', '2026-08-15', '2026-09-29'].entries())
    await at(`${day}T1${i}:15:30.123Z`).append({
      action: i % 2 ? 'approval.decide' : 'drill.run',
      actor: { user: `U_${i}`, channel: 'C_OPS' },
      params: { env: 'staging', nested: { b: 2, a: [1, 'x'] }, note: i === 3 ? '=cmd|calc' : 'ok' },
      outcome: 'passed',
    });
}

export async function seedQuarter(db: Db): Promise<void> {
  await seedAudit(db);
  await seedDrills(db, DRILL_DAYS);
  await seedReviews(
    db,
    SUNDAYS.filter((s) => s.toISOString().slice(0, 10) !== MISSED_SUNDAY),
  );
  await seedApprovals(db);
  await seedUptime(db);
  await seedRetention(db);
}
