// seedPilots as other code calls it: a plain report, deterministic rows, prefixes side by side, and a target it cannot
// reach reported as step 1 failing rather than thrown.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { pilotRows } from '../../src/seed/data.js';
import { seedPilots } from '../../src/seed/pilots.js';
import { CHUNK_TENANTS } from '../../src/seed/steps.js';
import { pgTargets } from '../../src/targets/targets.js';
import { describeWithPostgres, urlFor } from '../support/infra.js';
import { countsOf, createTarget, fingerprint, PASSWORD, PILOT_TABLES } from './helpers.js';

describeWithPostgres('seedPilots', () => {
  let target: Awaited<ReturnType<typeof createTarget>>;
  let twin: Awaited<ReturnType<typeof createTarget>>;
  let days: Awaited<ReturnType<typeof createTarget>>;
  const now = () => new Date('2026-03-10T09:30:00Z');
  beforeAll(async () => {
    [target, twin, days] = await Promise.all([createTarget('pilots'), createTarget('twin'), createTarget('days')]);
  });
  afterAll(async () => {
    await Promise.all([target?.drop(), twin?.drop(), days?.drop()]);
  });

  it('writes the same rows into two databases on the same day', async () => {
    const [a, b] = await Promise.all([
      seedPilots(target.urlWithPassword, { prefix: 'pilot', count: 3 }, { now, targets: pgTargets() }),
      seedPilots(twin.urlWithPassword, { prefix: 'pilot', count: 3 }, { now, targets: pgTargets() }),
    ]);
    expect([a.verdict, b.verdict]).toEqual(['passed', 'passed']);
    const strip = async (db: typeof target) => {
      // created_at and computed_at come from each server's clock; everything else is determined by prefix, count, day.
      const rows = await db.query(
        'select id, tenant_id, posted_on::text, amount::text, description from transactions order by id',
      );
      return { rows, users: await db.query('select id, email, role, tenant_id from users order by id') };
    };
    expect(await strip(target)).toEqual(await strip(twin));
    expect(a.shadowReports).toEqual(b.shadowReports);
    expect(a.rollupDay).toBe('2026-03-10');
  });

  it('keeps tenants of another prefix beside the first', async () => {
    const report = await seedPilots(
      target.urlWithPassword,
      { prefix: 'demo', count: 2 },
      { now, targets: pgTargets() },
    );
    expect(report.tenants).toEqual(['demo-smb-001', 'demo-prof-002']);
    expect((await countsOf(target, PILOT_TABLES)).tenants).toBe(5);
    expect(report.summary).toContainEqual({ table: 'transactions', rows: 120 });
  });

  it('commits without waiting for progress updates that are still on their way', async () => {
    const seen: string[] = [];
    // A progress receiver that never answers, as Slack does when it hangs: seeding must not wait for it.
    const onProgress = (steps: { number: number; status: string }[]) => {
      seen.push(steps.map((s) => s.status).join(','));
      return new Promise<void>(() => {});
    };
    const report = await seedPilots(
      target.urlWithPassword,
      { prefix: 'hang', count: 1, onProgress },
      { now, targets: pgTargets() },
    );
    expect(report.verdict).toBe('passed');
    expect(await target.query("select id from tenants where id like 'hang-%'")).toEqual([{ id: 'hang-smb-001' }]);
    expect(seen.at(-1)).toBe('done,done,skipped,done,done');
  }, 30_000);

  it("on a later day moves the demo dates and adds that day's rollup row per tenant; other counts stay", async () => {
    const seed = (day: string) =>
      seedPilots(
        days.urlWithPassword,
        { prefix: 'pilot', count: 2 },
        { now: () => new Date(`${day}T09:30:00Z`), targets: pgTargets() },
      );
    const newest = async () =>
      (await days.query<{ d: string }>('select max(posted_on)::text as d from transactions'))[0]?.d;
    await seed('2026-03-10');
    const first = await countsOf(days, PILOT_TABLES);
    await seed('2026-03-10');
    expect(await countsOf(days, PILOT_TABLES)).toEqual(first);
    expect(await newest()).toBe('2026-03-10');
    await seed('2026-03-11');
    expect(await countsOf(days, PILOT_TABLES)).toEqual({ ...first, analytics_daily: first.analytics_daily! + 2 });
    expect(await newest()).toBe('2026-03-11');
    expect(await days.query('select distinct day::text from analytics_daily order by 1')).toEqual([
      { day: '2026-03-10' },
      { day: '2026-03-11' },
    ]);
  });

  it('reports a database it cannot reach as step 1 failing, without the password, and leaves others alone', async () => {
    const before = await fingerprint(target);
    const missing = new URL(urlFor('opsbot_does_not_exist'));
    missing.password = PASSWORD;
    const report = await seedPilots(missing.toString(), { prefix: 'pilot', count: 1 }, { targets: pgTargets() });
    expect(report.verdict).toBe('failed');
    expect(report.failure).toMatchObject({ step: 1, title: 'Migrations' });
    expect(report.failure?.reason).toContain('does not exist');
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
    expect(await fingerprint(target)).toEqual(before);
  });

  it('never shows a password given in the query string, in the report, its log or its errors', async () => {
    const inQuery = new URL(target.url);
    inQuery.searchParams.set('password', PASSWORD);
    const passed = await seedPilots(inQuery.toString(), { prefix: 'pilot', count: 1 }, { now, targets: pgTargets() });
    expect(passed.verdict).toBe('passed');
    expect(passed.target).toContain('password=****');
    const missing = new URL(urlFor('opsbot_does_not_exist'));
    missing.searchParams.set('password', PASSWORD);
    const failed = await seedPilots(missing.toString(), { prefix: 'pilot', count: 1 }, { targets: pgTargets() });
    expect(failed.verdict).toBe('failed');
    expect(JSON.stringify([passed, failed])).not.toContain(PASSWORD);
  });

  it('writes a seed of several chunks row for row as one pass builds it, logging each tenant once', async () => {
    const count = CHUNK_TENANTS * 2 + 7;
    const lines: string[] = [];
    const report = await seedPilots(
      twin.urlWithPassword,
      { prefix: 'bulk', count, onLog: (line) => lines.push(line) },
      { now, targets: pgTargets() },
    );
    expect(report.verdict).toBe('passed');
    for (const table of pilotRows('bulk', count, '2026-03-10')) {
      const ids = table.rows.map((row) => String(row[0])).sort();
      const stored = await twin.query<{ id: string }>(
        `select id from ${table.table} where id like 'bulk-%' order by id`,
      );
      expect(stored.map((r) => r.id).sort(), table.table).toEqual(ids);
      expect(report.written[table.table], table.table).toEqual({ inserted: ids.length, updated: 0, unchanged: 0 });
    }
    const created = lines.filter((line) => line.startsWith('✅ Created tenant: bulk-'));
    expect(created).toHaveLength(count);
    expect(new Set(created).size).toBe(count);
    expect(lines).toContain(`✅ Seeded ${count * 24} transactions (${count * 24} new, 0 updated, 0 unchanged)`);
  }, 60_000);
});
