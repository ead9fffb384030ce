// `opsbot seed pilots`: the same guards and steps as Slack, the log on stdout, and exit codes a CI job can act on.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { countsOf, createTarget, PASSWORD, PILOT_TABLES, tablesOf } from './helpers.js';

describeWithPostgres('opsbot seed pilots', () => {
  let target: Awaited<ReturnType<typeof createTarget>>;
  let state: TestDatabase;
  let prod: TestDatabase;
  beforeAll(async () => {
    [target, state, prod] = await Promise.all([
      createTarget('cli'),
      createTestDatabase('clistate'),
      createTestDatabase('prod'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([target?.drop(), state?.drop(), prod?.drop()]);
  });

  async function cli(args: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['seed', ...args], {
      env: { ENVIRONMENTS: 'staging', STAGING_DATABASE_URL: target.urlWithPassword, DATABASE_URL: state.url, ...env },
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('refuses with exit 2 and writes nothing without --confirm I_UNDERSTAND', async () => {
    const result = await cli(['pilots']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--confirm: You must type I_UNDERSTAND to run this.');
    expect((await cli(['pilots', '--confirm', 'i_understand'])).code).toBe(2);
    expect(await tablesOf(target)).toEqual([]);
  });

  it('answers a bad count or prefix with exit 2 and what is allowed', async () => {
    const count = await cli(['pilots', '--count', '0', '--confirm', 'I_UNDERSTAND']);
    expect(count).toMatchObject({ code: 2, err: expect.stringContaining('--count: At least 1 tenant.') });
    const prefix = await cli(['pilots', '--prefix', 'Pilot', '--confirm', 'I_UNDERSTAND']);
    expect(prefix).toMatchObject({ code: 2, err: expect.stringContaining('--prefix: Use 2–20 lowercase letters') });
    expect((await cli(['tenants'])).code).toBe(2);
    expect(await tablesOf(target)).toEqual([]);
  });

  it('prints the guards verdict and the rows each table would receive with --dry-run, writing nothing', async () => {
    const result = await cli(['pilots', '--count', '5', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Guards: passed for staging (postgres://postgres:****@127.0.0.1:5432/');
    expect(result.out).toMatch(/transactions\s+120/);
    expect(result.out).toMatch(/receipt_fields\s+180/);
    expect(result.out).toContain('Dry run: nothing was written.');
    expect(result.out).not.toContain(PASSWORD);
    expect(await tablesOf(target)).toEqual([]);
  });

  it('prints a refusal with --dry-run against a prod database, and exits 2', async () => {
    const result = await cli(['pilots', '--dry-run'], { STAGING_DATABASE_URL: prod.url });
    expect(result.code).toBe(2);
    expect(result.out).toContain("STAGING_DATABASE_URL contains 'prod' — refusing to run");
    expect(await tablesOf(prod)).toEqual([]);
  });

  it('refuses a prod database with exit 2 and creates no table', async () => {
    const result = await cli(['pilots', '--confirm', 'I_UNDERSTAND'], { STAGING_DATABASE_URL: prod.url });
    expect(result).toMatchObject({ code: 2, err: expect.stringContaining("contains 'prod' — refusing to run") });
    expect(await tablesOf(prod)).toEqual([]);
  });

  it('seeds with the log on stdout, exits 0, records a cli run, and changes nothing the second time', async () => {
    const first = await cli([
      'pilots',
      '--env',
      'staging',
      '--prefix',
      'demo',
      '--count',
      '2',
      '--confirm',
      'I_UNDERSTAND',
    ]);
    expect(first.code).toBe(0);
    expect(first.out).not.toContain('"level"');
    expect(first.out).toContain('✅ Created tenant: demo-smb-001');
    expect(first.out).toContain('✅ Created tenant: demo-prof-002');
    expect(first.out).toContain('SEED COMPLETE');
    expect(first.out).toMatch(/journal_entries\s+48/);
    expect(first.out).toContain('Schema Version: 002_analytics_daily');
    expect(first.out).not.toContain(PASSWORD);
    const counts = await countsOf(target, PILOT_TABLES);
    expect(counts).toMatchObject({ tenants: 2, users: 4, transactions: 48, receipt_fields: 72, analytics_daily: 2 });
    const second = await cli(['pilots', '--prefix', 'demo', '--count', '2', '--confirm', 'I_UNDERSTAND']);
    expect(second.code).toBe(0);
    expect(await countsOf(target, PILOT_TABLES)).toEqual(counts);
    const runs = await state.query<{ trigger: string; status: string }>(
      "select trigger, status from runs where kind = 'seed'",
    );
    expect(runs).toEqual([
      { trigger: 'cli', status: 'passed' },
      { trigger: 'cli', status: 'passed' },
    ]);
  });
});
