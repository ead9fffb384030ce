// `opsbot backup`, `opsbot drill restore` and `opsbot drill evidence` in a terminal or CI: output, exit codes, and
// the files an auditor receives.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { runOpsbot } from '../support/process.js';
import { backupDir, createSource, type Source } from './helpers.js';

// Each drill restores a real database: generous on a loaded 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

describeWithPostgres('the drill command line', () => {
  let source: Source;
  let state: TestDatabase;
  let backups: Awaited<ReturnType<typeof backupDir>>;
  let out: Awaited<ReturnType<typeof backupDir>>;
  const env = () => ({
    ENVIRONMENTS: 'staging',
    STAGING_DATABASE_URL: source.urlWithPassword,
    DATABASE_URL: state.url,
    BACKUP_DIR: backups.dir,
  });
  const today = new Date();
  const quarter = `${today.getUTCFullYear()}-Q${Math.floor(today.getUTCMonth() / 3) + 1}`;

  beforeAll(async () => {
    [source, state, backups, out] = await Promise.all([
      createSource('src', { pilots: 1, extraRows: 100 }),
      createTestDatabase('state'),
      backupDir(),
      backupDir(),
    ]);
  });
  afterAll(() => Promise.all([source?.drop(), state?.drop(), backups?.remove(), out?.remove()]));

  it('backs up with a manifest of every table, its count and checksum, the versions, snapshot time, size and sha256', async () => {
    const result = await runOpsbot(['backup', 'staging', '--json'], env());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      verdict: 'PASS',
      env: 'staging',
      source: expect.stringContaining('postgres:****@'),
    });
    const manifest = JSON.parse(await readFile(join(backups.dir, report.path, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      backupId: report.backupId,
      sha256: report.sha256,
      sizeBytes: report.sizeBytes,
      format: 'directory',
      serverVersion: expect.stringMatching(/^\d+/),
      pgDumpVersion: expect.stringContaining('pg_dump'),
      snapshotAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const [{ n }] = (await source.query<{ n: number }>('select count(*)::int as n from events_nopk')) as [
      { n: number },
    ];
    expect(manifest.tables).toContainEqual(
      expect.objectContaining({
        name: 'events_nopk',
        rowCount: n,
        hasPrimaryKey: false,
        checksum: expect.stringMatching(/^[0-9a-f]{16}$/),
      }),
    );
    expect(manifest.files.map((f: { name: string }) => f.name)).toContain('dump/toc.dat');
    const [row] = await state.query<{ status: string; sha256: string }>('select status, sha256 from backups');
    expect(row).toEqual({ status: 'complete', sha256: report.sha256 });
  });

  it('runs a drill as text with RESULT: PASS on stdout and exit 0', async () => {
    const result = await runOpsbot(['drill', 'restore', 'staging'], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^RESULT: PASS\n/);
    expect(result.stdout).toContain('public.events_nopk (no primary key)');
    expect(result.stderr).toContain('done    Restore into a throw-away database');
  });

  it("writes the quarter's drill reports and an index with each file's sha256", async () => {
    const dir = join(out.dir, quarter);
    const result = await runOpsbot(['drill', 'evidence', quarter, '--out', dir], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`1 drill in ${quarter}, 1 PASS`);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(
      [
        'INDEX.txt',
        expect.stringMatching(/^backup_restore_\d{8}T\d{6}Z\.json$/),
        expect.stringMatching(/^backup_restore_\d{8}T\d{6}Z\.txt$/),
        'index.json',
      ].sort(),
    );
    const index = await readFile(join(dir, 'INDEX.txt'), 'utf8');
    expect(index).toContain(`Restore drill evidence, ${quarter}`);
    expect(index).toContain('Summary: 1 drill: 1 PASS, 0 not passing.');
    expect(index).toContain('Every environment drilled has at least one PASS.');
    for (const name of files.filter((f) => f.startsWith('backup_restore_'))) {
      const sha = createHash('sha256')
        .update(await readFile(join(dir, name)))
        .digest('hex');
      expect(index).toContain(`${sha}  ${name}`);
    }
  });

  it('says so in the index when a quarter had no drill', async () => {
    const dir = join(out.dir, 'empty');
    expect((await runOpsbot(['drill', 'evidence', '2020-Q1', '--out', dir], env())).code).toBe(0);
    expect(await readFile(join(dir, 'INDEX.txt'), 'utf8')).toContain(
      'No drill ran in this quarter: there is no restore evidence for it.',
    );
  });

  it('refuses a quarter that is not YYYY-Qn with exit 2', async () => {
    const result = await runOpsbot(['drill', 'evidence', '2025-Q5'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '`2025-Q5` is not a quarter: give it as YYYY-Qn, e.g. opsbot drill evidence 2025-Q3',
    );
  });

  it('lists the last drills on drill restore history', async () => {
    const result = await runOpsbot(['drill', 'restore', 'history'], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/staging\s+PASS\s+r_\w+/);
  });
});
