// Backups in S3-compatible object storage (BACKUP_STORAGE=s3://…) against a real S3 server started here: a backup
// lands in the bucket, published by its marker; the drill reads it back from the bucket; S3_OBJECT_LOCK_DAYS refuses
// a server without object lock before anything is written.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { backupDir, createSource, type Source } from '../drill/helpers.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { runOpsbot } from '../support/process.js';
import { type S3Server, startS3Server } from '../support/s3-server.js';

vi.setConfig({ testTimeout: 120_000 });

/** Every file under dir, as relative paths: what a backup left on the local disk. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describeWithPostgres('backups in S3-compatible object storage', () => {
  let source: Source;
  let state: TestDatabase;
  let staging: Awaited<ReturnType<typeof backupDir>>;
  let s3: S3Server;
  const env = (extra: Record<string, string> = {}) => ({
    ENVIRONMENTS: 'staging',
    STAGING_DATABASE_URL: source.urlWithPassword,
    DATABASE_URL: state.url,
    BACKUP_DIR: staging.dir,
    BACKUP_STORAGE: `s3://${s3.bucket}/opsbot/prod`,
    ...s3.env,
    ...extra,
  });
  let path = '';

  beforeAll(async () => {
    [source, state, staging, s3] = await Promise.all([
      createSource('src', { pilots: 1, extraRows: 100 }),
      createTestDatabase('state'),
      backupDir(),
      startS3Server(),
    ]);
  });
  afterAll(() => Promise.all([source?.drop(), state?.drop(), staging?.remove(), s3?.stop()]));

  it('uploads the backup file by file with its sha256, and the marker that makes it whole, to the bucket', async () => {
    const result = await runOpsbot(['backup', 'staging', '--json'], env());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ verdict: 'PASS', storage: `s3://${s3.bucket}/opsbot/prod at ${s3.endpoint}` });
    path = report.path;
    expect(path).toMatch(/^staging\/\d{8}T\d{6}Z$/);
    const keys = await s3.keys(`opsbot/prod/${path}/`);
    expect(keys).toContain(`opsbot/prod/${path}/.opsbot-complete.json`);
    expect(keys).toContain(`opsbot/prod/${path}/manifest.json`);
    expect(keys).toContain(`opsbot/prod/${path}/dump/toc.dat`);
    const manifest = JSON.parse((await s3.read(`opsbot/prod/${path}/manifest.json`)).toString('utf8'));
    expect(manifest).toMatchObject({ backupId: report.backupId, sha256: report.sha256 });
    // Every file of the manifest is in the bucket, and nothing else but the manifest and the marker.
    expect(keys.map((k) => k.slice(`opsbot/prod/${path}/`.length)).sort()).toEqual(
      [...manifest.files.map((f: { name: string }) => f.name), 'manifest.json', '.opsbot-complete.json'].sort(),
    );
    const head = await s3.client.send(
      new (await import('@aws-sdk/client-s3')).HeadObjectCommand({
        Bucket: s3.bucket,
        Key: `opsbot/prod/${path}/dump/toc.dat`,
      }),
    );
    expect(head.Metadata?.sha256).toBe(manifest.files.find((f: { name: string }) => f.name === 'dump/toc.dat').sha256);
    // The staging copy in BACKUP_DIR is gone once the upload is whole.
    expect(await filesUnder(staging.dir)).toEqual([]);
    const [row] = await state.query<{ status: string; storage: string; path: string }>(
      'select status, storage, path from backups',
    );
    expect(row).toEqual({ status: 'complete', storage: report.storage, path });
  });

  it('keeps an evidence package in the bucket too, published by its marker like a backup', async () => {
    const out = join(staging.dir, '..', `evidence-${Date.now()}`);
    const result = await runOpsbot(['evidence', '2026-Q3', '--out', out], env());
    expect([0, 1]).toContain(result.code);
    expect(result.stdout).toContain('Kept in object storage:');
    const keys = await s3.keys('opsbot/prod/_evidence/2026-Q3/');
    for (const name of [
      'INDEX.md',
      'index.json',
      'MANIFEST.sha256',
      'audit/audit-events.jsonl',
      '.opsbot-complete.json',
    ])
      expect(keys).toContain(`opsbot/prod/_evidence/2026-Q3/${name}`);
    // The bucket's copy is the package written to --out, byte for byte.
    const manifest = (await s3.read('opsbot/prod/_evidence/2026-Q3/MANIFEST.sha256')).toString('utf8');
    expect(manifest).toBe(await readFile(join(out, 'MANIFEST.sha256'), 'utf8'));
  });

  it('drills from the bucket: the backup is read back, verified and restored, and the local copy removed', async () => {
    const result = await runOpsbot(['drill', 'restore', 'staging', '--json'], env());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.verdict).toBe('PASS');
    expect(report.backup).toMatchObject({ path, storage: `s3://${s3.bucket}/opsbot/prod at ${s3.endpoint}` });
    expect(report.backup.sha256Verified).toBe(true);
    expect(await filesUnder(staging.dir)).toEqual([]);
  });

  it('fails the drill, naming the file, when an object in the bucket no longer matches the manifest', async () => {
    // Change one byte of the biggest table's data in the bucket itself: only a drill that reads the bucket sees it.
    const prefix = `opsbot/prod/${path}/`;
    const data = (await s3.keys(`${prefix}dump/`)).filter((k) => !k.endsWith('toc.dat'));
    const sized = await Promise.all(data.map(async (key) => ({ key, bytes: await s3.read(key) })));
    const biggest = sized.sort((a, b) => b.bytes.length - a.bytes.length)[0]!;
    const at = Math.floor(biggest.bytes.length / 2);
    biggest.bytes[at] = biggest.bytes[at]! ^ 0xff;
    await s3.write(biggest.key, biggest.bytes);
    const changed = biggest.key.slice(prefix.length);
    const result = await runOpsbot(['drill', 'restore', 'staging', '--json'], env());
    expect(result.code).not.toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.verdict).toBe('FAIL');
    expect(report.reasons.join(' ')).toContain(`The stored dump does not match its manifest`);
    expect(report.reasons.join(' ')).toContain(`${changed} has sha256`);
    expect(report.databaseCreated).toBe(false);
    expect(await filesUnder(staging.dir)).toEqual([]);
  });

  it('with S3_OBJECT_LOCK_DAYS, refuses a server without object lock before writing anything', async () => {
    const before = await s3.keys();
    const result = await runOpsbot(['backup', 'staging', '--json'], env({ S3_OBJECT_LOCK_DAYS: '30' }));
    expect(result.code).not.toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.verdict).toBe('FAIL');
    expect(report.reasons).toEqual([
      `S3_OBJECT_LOCK_DAYS is set but ${s3.endpoint} does not support object lock (it answered NotImplemented), so ` +
        'no backup was written: use an S3 server with object lock (AWS S3, MinIO, …), or unset S3_OBJECT_LOCK_DAYS ' +
        'to write backups without retention.',
    ]);
    expect(await s3.keys()).toEqual(before);
    expect(await filesUnder(staging.dir)).toEqual([]);
    const rows = await state.query<{ status: string }>('select status from backups order by created_at');
    expect(rows.map((r) => r.status)).toEqual(['complete', 'failed']);
  });

  it('names the bucket when it does not exist, and the credentials when the server refuses them (s3rver checks only the key id)', async () => {
    // Two independent processes, started together.
    const [missing, refused] = await Promise.all([
      runOpsbot(['backup', 'staging', '--json'], env({ BACKUP_STORAGE: 's3://no-such-bucket/x' })),
      runOpsbot(
        ['backup', 'staging', '--json'],
        env({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN', AWS_SECRET_ACCESS_KEY: 'wrong-secret-value' }),
      ),
    ]);
    expect(JSON.parse(missing.stdout).reasons.join(' ')).toContain(
      `The bucket no-such-bucket does not exist on ${s3.endpoint}: create it, or fix BACKUP_STORAGE.`,
    );
    const said = JSON.parse(refused.stdout).reasons.join(' ');
    expect(said).toContain(`${s3.endpoint} refused opsbot`);
    expect(said).toContain('check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(refused.stdout + refused.stderr).not.toContain('wrong-secret-value');
  });

  it('removes what a crashed upload left (objects without the marker) at the next backup', async () => {
    const crashed = 'opsbot/prod/staging/20200101T000000Z';
    await s3.write(`${crashed}/dump/toc.dat`, 'half a dump');
    await s3.write(`${crashed}/manifest.json`, '{}');
    const result = await runOpsbot(['backup', 'staging', '--json'], env());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).pruned).toEqual(['staging/20200101T000000Z']);
    expect(await s3.keys(`${crashed}/`)).toEqual([]);
  });
});

describeWithPostgres('BACKUP_STORAGE and S3_* configuration', () => {
  let state: TestDatabase;
  let s3: S3Server;
  beforeAll(async () => {
    [state, s3] = await Promise.all([createTestDatabase('cfg'), startS3Server()]);
  });
  afterAll(() => Promise.all([state?.drop(), s3?.stop()]));

  /** Runs `opsbot backup staging` with env on top of a working S3 setup; a configuration problem exits 2. */
  const backupWith = (extra: Record<string, string | undefined>) =>
    runOpsbot(['backup', 'staging'], {
      ENVIRONMENTS: 'staging',
      STAGING_DATABASE_URL: state.url,
      DATABASE_URL: state.url,
      ...s3.env,
      BACKUP_STORAGE: `s3://${s3.bucket}/opsbot`,
      ...extra,
    });

  it('refuses values that are not s3://bucket/prefix with a clear message, never showing credentials', async () => {
    const cases: [string, string][] = [
      ['s3:/opsbot-backups', '`s3:/opsbot-backups` is not s3://bucket/prefix'],
      [
        '/var/backups',
        '`/var/backups` is not s3://bucket/prefix (leave it unset to keep backups in the local folder BACKUP_DIR)',
      ],
      ['s3://Bad_Bucket/x', 'names the bucket `Bad_Bucket`, which is not an S3 bucket name'],
      ['s3://AKIAXX:top-secret-key@opsbot-backups/x', 'holds credentials: they never go in BACKUP_STORAGE'],
      ['s3://opsbot-backups/a/../b', 'has an empty, `.` or `..` part in its prefix'],
    ];
    const results = await Promise.all(cases.map(([value]) => backupWith({ BACKUP_STORAGE: value })));
    results.forEach((result, i) => {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`BACKUP_STORAGE: `);
      expect(result.stderr).toContain(cases[i]![1]);
      expect(result.stderr).toContain('Example: BACKUP_STORAGE=s3://acme-backups/opsbot');
      expect(result.stdout + result.stderr).not.toContain('top-secret-key');
    });
    expect(await s3.keys()).toEqual([]);
  });

  it('names each bad S3_* setting at once, and S3_OBJECT_LOCK_DAYS without object storage', async () => {
    const [bad, local, noRegion, halfKey] = await Promise.all([
      backupWith({ S3_ENDPOINT: 'minio:9000', S3_FORCE_PATH_STYLE: 'maybe', S3_OBJECT_LOCK_DAYS: '0' }),
      backupWith({ BACKUP_STORAGE: undefined, S3_OBJECT_LOCK_DAYS: '30' }),
      backupWith({ S3_ENDPOINT: undefined, AWS_REGION: undefined }),
      backupWith({ AWS_SECRET_ACCESS_KEY: undefined, AWS_REQUEST_CHECKSUM_CALCULATION: 'sometimes' }),
    ]);
    expect(halfKey.code).toBe(2);
    expect(halfKey.stderr).toContain(
      'AWS_SECRET_ACCESS_KEY: is not set while AWS_ACCESS_KEY_ID is: set both (or neither, to use a profile or a role).',
    );
    expect(halfKey.stderr).toContain(
      'AWS_REQUEST_CHECKSUM_CALCULATION: `sometimes` must be WHEN_SUPPORTED or WHEN_REQUIRED.',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'S3_ENDPOINT: `minio:9000` is not an http(s) URL. Example: S3_ENDPOINT=http://minio:9000',
    );
    expect(bad.stderr).toContain('S3_FORCE_PATH_STYLE: `maybe` must be true or false.');
    expect(bad.stderr).toContain('S3_OBJECT_LOCK_DAYS: `0` must be at least 1. Example: S3_OBJECT_LOCK_DAYS=90');
    expect(local.code).toBe(2);
    expect(local.stderr).toContain(
      'S3_OBJECT_LOCK_DAYS: is set but BACKUP_STORAGE is not, and files in the local folder BACKUP_DIR cannot be locked.',
    );
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain("AWS_REGION: is not set, and S3 needs the bucket's region");
    expect(await s3.keys()).toEqual([]);
  });

  it('takes its credentials from the same environment as every other setting, and config check masks the secret', async () => {
    const checked = await runOpsbot(['config', 'check'], {
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      SLACK_SIGNING_SECRET: 'a-signing-secret',
      ...s3.env,
      // s3rver's own secret is its key id: a distinct one shows that only the key id is printed.
      AWS_SECRET_ACCESS_KEY: 'distinct-secret-value',
      BACKUP_STORAGE: `s3://${s3.bucket}/opsbot`,
    });
    expect(checked.code).toBe(0);
    const shown = JSON.parse(checked.stdout.slice(0, checked.stdout.lastIndexOf('}') + 1));
    expect(shown.backup.s3.credentials).toEqual({ accessKeyId: s3.env.AWS_ACCESS_KEY_ID, secretAccessKey: '****' });
    expect(shown.backup.s3.checksums).toEqual({ request: 'WHEN_REQUIRED', response: 'WHEN_REQUIRED' });
    expect(checked.stdout + checked.stderr).not.toContain('distinct-secret-value');
  });
});
