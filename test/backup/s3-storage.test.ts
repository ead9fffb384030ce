// The S3 storage on its own, as the evidence and audit-anchor code will use it: a folder staged and committed whole
// (multipart for a file bigger than a part), read back with each file's sha256, single objects put, and removal.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { s3Storage } from '../../src/backup/s3-storage.js';
import type { BackupStorage } from '../../src/backup/storage.js';
import { backupDir } from '../drill/helpers.js';
import { type LockFront, objectLockFront } from '../support/s3-lock-front.js';
import { type S3Server, startS3Server } from '../support/s3-server.js';

vi.setConfig({ testTimeout: 60_000 });
const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

describe('S3 storage', () => {
  let s3: S3Server;
  let staging: Awaited<ReturnType<typeof backupDir>>;
  let storage: BackupStorage;
  // Passes every request to s3rver and records it; without S3_OBJECT_LOCK_DAYS its lock answer is never asked.
  let front: LockFront;
  // 17 MiB: more than one 16 MiB part, so it goes up as a multipart upload.
  const big = randomBytes(17 * 1024 * 1024);

  beforeAll(async () => {
    [s3, staging] = await Promise.all([startS3Server(), backupDir()]);
    front = await objectLockFront(s3);
    // The AWS SDK reads credentials and checksum settings from the environment (its standard chain).
    for (const [name, value] of Object.entries(s3.env)) vi.stubEnv(name, value);
    storage = s3Storage(
      { bucket: s3.bucket, prefix: 'pkg', endpoint: front.endpoint, forcePathStyle: true, region: 'us-east-1' },
      staging.dir,
    );
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await front?.stop();
    await Promise.all([s3?.stop(), staging?.remove()]);
  });

  it('commits a staged folder whole and reads it back byte for byte with each sha256', async () => {
    const staged = await storage.stage('_evidence/2026-Q3');
    await mkdir(join(staged.dir, 'drills'), { recursive: true });
    await writeFile(join(staged.dir, 'INDEX.md'), '# Evidence\n');
    await writeFile(join(staged.dir, 'drills', 'big.bin'), big);
    // Nothing is published before commit: open does not see a folder without its marker.
    expect(await storage.open('_evidence/2026-Q3')).toBeUndefined();
    expect(await staged.commit()).toBe('_evidence/2026-Q3');
    expect(await s3.keys('pkg/_evidence/')).toEqual([
      'pkg/_evidence/2026-Q3/.opsbot-complete.json',
      'pkg/_evidence/2026-Q3/INDEX.md',
      'pkg/_evidence/2026-Q3/drills/big.bin',
    ]);
    // The big file went up in two parts of a multipart upload (created by a POST, completed by another).
    const bigWrites = front.requests.filter((r) => r.key === 'pkg/_evidence/2026-Q3/drills/big.bin');
    expect(bigWrites.map((r) => r.method)).toEqual(['POST', 'PUT', 'PUT', 'POST']);
    const listed = await storage.files('_evidence/2026-Q3');
    expect(listed.sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
      { name: 'INDEX.md', bytes: 11, sha256: sha('# Evidence\n') },
      { name: 'drills/big.bin', bytes: big.length, sha256: sha(big) },
    ]);
    const dir = await storage.open('_evidence/2026-Q3');
    expect(dir).toBeDefined();
    expect(sha(await readFile(join(dir!, 'drills', 'big.bin')))).toBe(sha(big));
    await storage.close('_evidence/2026-Q3');
    await expect(readFile(join(dir!, 'INDEX.md'))).rejects.toThrow(/ENOENT/);
    // A second commit under the same key never replaces the first.
    const again = await storage.stage('_evidence/2026-Q3');
    await writeFile(join(again.dir, 'INDEX.md'), 'second\n');
    expect(await again.commit()).toBe('_evidence/2026-Q3-2');
  });

  it('puts single objects with their sha256, and removes a folder marker first', async () => {
    await storage.put('_anchors/2026-12-04.json', '{"head":"abc"}\n');
    expect((await s3.read('pkg/_anchors/2026-12-04.json')).toString()).toBe('{"head":"abc"}\n');
    await storage.remove('_evidence/2026-Q3');
    expect(await s3.keys('pkg/_evidence/2026-Q3/')).toEqual([]);
    expect(await storage.open('_evidence/2026-Q3')).toBeUndefined();
    expect(await storage.retainedUntil('_evidence/2026-Q3-2')).toBeUndefined();
  });
});
