// S3_OBJECT_LOCK_DAYS where the bucket has object lock: every object goes up under COMPLIANCE retention with a
// verified sha256 checksum, the drill still reads the backup back, and retention keeps (never deletes) a backup whose
// retention has not ended. s3rver has no object lock, so a small front (test/support/s3-lock-front.ts) answers the
// lock configuration and records what opsbot sent; it cannot prove the server refuses an overwrite (s3rver can't).
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { backupDir, createSource, type Source } from '../drill/helpers.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { runOpsbot } from '../support/process.js';
import { type LockFront, objectLockFront } from '../support/s3-lock-front.js';
import { type S3Server, startS3Server } from '../support/s3-server.js';

vi.setConfig({ testTimeout: 120_000 });

describeWithPostgres('backups under S3 object lock', () => {
  let source: Source;
  let state: TestDatabase;
  let staging: Awaited<ReturnType<typeof backupDir>>;
  let s3: S3Server;
  let front: LockFront;
  const env = () => ({
    ENVIRONMENTS: 'staging',
    STAGING_DATABASE_URL: source.urlWithPassword,
    DATABASE_URL: state.url,
    BACKUP_DIR: staging.dir,
    BACKUP_RETENTION_DAYS: '30',
    BACKUP_STORAGE: `s3://${s3.bucket}/locked`,
    ...s3.env,
    S3_ENDPOINT: front.endpoint,
    S3_OBJECT_LOCK_DAYS: '90',
  });
  let first = '';

  beforeAll(async () => {
    [source, state, staging, s3] = await Promise.all([
      createSource('src', { pilots: 1, extraRows: 50 }),
      createTestDatabase('state'),
      backupDir(),
      startS3Server(),
    ]);
    front = await objectLockFront(s3);
  });
  afterAll(async () => {
    await front?.stop();
    await Promise.all([source?.drop(), state?.drop(), staging?.remove(), s3?.stop()]);
  });

  it('writes every object in COMPLIANCE mode until now + S3_OBJECT_LOCK_DAYS, each with a matching sha256', async () => {
    const before = Date.now();
    const result = await runOpsbot(['backup', 'staging', '--json'], env());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.verdict).toBe('PASS');
    first = report.path;
    const keys = await s3.keys(`locked/${first}/`);
    expect(keys).toContain(`locked/${first}/.opsbot-complete.json`);
    const writes = front.requests.filter((r) => r.method === 'PUT');
    // Every object in the bucket was written through a locked PUT (small files go up in one PUT).
    expect(writes.map((w) => w.key).sort()).toEqual(keys);
    for (const write of writes) {
      expect(write.mode).toBe('COMPLIANCE');
      expect(write.checksumOk).toBe(true);
      const until = Date.parse(write.retainUntil!);
      expect(until).toBeGreaterThanOrEqual(before + 90 * 86_400_000 - 1000);
      expect(until).toBeLessThanOrEqual(Date.now() + 90 * 86_400_000 + 1000);
    }
  });

  it('drills from the locked bucket', async () => {
    const result = await runOpsbot(['drill', 'restore', 'staging', '--json'], env());
    const report = JSON.parse(result.stdout);
    expect(report.reasons).toEqual([]);
    expect(report).toMatchObject({ verdict: 'PASS', backup: { path: first, sha256Verified: true } });
  });

  it('keeps an expired backup whose retention has not ended, says so, and sends no delete', async () => {
    // The first backup is 40 days old for BACKUP_RETENTION_DAYS=30, but locked for 90 days from its writing.
    await state.query(`update backups set created_at = now() - interval '40 days' where path = $1`, [first]);
    const result = await runOpsbot(['backup', 'staging', '--json'], env());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const until = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    expect(report.pruned).toEqual([]);
    expect(report.kept).toEqual([`${first} (locked until ${until})`]);
    expect(front.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(await s3.keys(`locked/${first}/`)).toContain(`locked/${first}/.opsbot-complete.json`);
    const rows = await state.query<{ path: string; status: string }>(
      'select path, status from backups order by created_at',
    );
    expect(rows.map((r) => r.status)).toEqual(['complete', 'complete']);
    const text = await runOpsbot(['backup', 'staging'], env());
    expect(text.stdout).toContain(`kept under object lock ${first} (locked until ${until})`);
  });
});
