// Backups in S3-compatible object storage (BACKUP_STORAGE=s3://bucket/prefix): written to a local staging folder in
// BACKUP_DIR, uploaded file by file with each file's sha256 in its metadata, and published by a marker object written
// last, so a crash never leaves a backup that looks whole. Read back to a local folder for pg_restore.
// With S3_OBJECT_LOCK_DAYS every object is written under COMPLIANCE retention, once the bucket is known to allow it.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { S3StorageConfig } from '../config-model.js';
import { type Bucket, openBucket } from './s3-bucket.js';
import { serverOf } from './s3-problems.js';
import { type BackupStorage, listFiles, localStorage, type StagedBackup, type StoredFile } from './storage.js';

/** The object written last: its presence is what makes a backup whole. */
export const COMPLETE_MARKER = '.opsbot-complete.json';
const PARALLEL_FILES = 4;

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

export function s3Storage(config: S3StorageConfig, stagingDir: string): BackupStorage {
  let opening: Promise<Bucket> | undefined;
  const bucket = () => {
    opening ??= openBucket(config);
    return opening;
  };
  const local = localStorage(stagingDir);
  const root = (key: string) => (config.prefix ? `${config.prefix}/${key}` : key);
  const marker = (key: string) => `${root(key)}/${COMPLETE_MARKER}`;
  const opened = new Map<string, StagedBackup>();
  let lockChecked = false;

  /** Before the first write: under S3_OBJECT_LOCK_DAYS the bucket must have object lock, or nothing is written. */
  async function writable(): Promise<Bucket> {
    const b = await bucket();
    if (!lockChecked) await b.checkObjectLock();
    lockChecked = true;
    return b;
  }
  /** Removes every object under prefix, the marker first: a backup half removed never looks whole. */
  async function removeAll(prefix: string): Promise<void> {
    const b = await bucket();
    const { keys } = await b.list(prefix);
    const isMarker = (k: string) => k.endsWith(`/${COMPLETE_MARKER}`);
    for (const key of [...keys.filter(isMarker), ...keys.filter((k) => !isMarker(k))]) await b.remove(key);
  }

  return {
    location: `s3://${config.bucket}${config.prefix ? `/${config.prefix}` : ''}${config.endpoint ? ` at ${serverOf(config)}` : ''}`,
    async stage(key) {
      const b = await writable();
      const staged = await local.stage(key);
      return {
        dir: staged.dir,
        async commit() {
          const files = await listFiles(staged.dir);
          // Two backups within one second get -2, -3, as in a local folder: a published backup is never replaced.
          let target = key;
          for (let n = 2; (await b.list(`${root(target)}/`)).keys.length > 0; n += 1) target = `${key}-${n}`;
          await eachLimited(files, PARALLEL_FILES, (file) =>
            b.write(`${root(target)}/${file.name}`, createReadStream(join(staged.dir, file.name)), file.sha256),
          );
          const whole = { key: target, files, retainUntil: b.retainUntil()?.toISOString() };
          await b.write(marker(target), `${JSON.stringify(whole, null, 2)}\n`);
          await staged.abort();
          return target;
        },
        abort: staged.abort,
      };
    },
    async open(key) {
      const b = await bucket();
      if (!(await b.head(marker(key)))) return undefined;
      await opened.get(key)?.abort();
      const copy = await local.stage(key);
      opened.set(key, copy);
      const prefix = `${root(key)}/`;
      const { keys } = await b.list(prefix);
      await eachLimited(
        keys.filter((k) => k !== marker(key)),
        PARALLEL_FILES,
        async (objectKey) => {
          const path = join(copy.dir, objectKey.slice(prefix.length));
          await mkdir(dirname(path), { recursive: true });
          await pipeline(await b.read(objectKey), createWriteStream(path));
        },
      );
      return copy.dir;
    },
    async files(key) {
      // Once opened, the sha256 of the bytes actually read back: what the drill restores is what it verified.
      const copy = opened.get(key);
      if (copy) return listFiles(copy.dir, ['manifest.json']);
      const b = await bucket();
      const prefix = `${root(key)}/`;
      const { keys } = await b.list(prefix);
      const names = keys.filter((k) => k !== marker(key) && k !== `${prefix}manifest.json`);
      return Promise.all(
        names.map(async (objectKey): Promise<StoredFile> => {
          const head = await b.head(objectKey);
          return { name: objectKey.slice(prefix.length), bytes: head?.bytes ?? 0, sha256: head?.sha256 ?? '' };
        }),
      );
    },
    async close(key) {
      await opened.get(key)?.abort();
      opened.delete(key);
    },
    async put(key, bytes) {
      const b = await writable();
      const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      await b.write(root(key), body, createHash('sha256').update(body).digest('hex'));
    },
    async objects(prefix) {
      const b = await bucket();
      const { keys } = await b.list(root(prefix));
      const base = root('');
      return Promise.all(
        keys.map(async (key) => {
          const chunks: Buffer[] = [];
          for await (const chunk of await b.read(key)) chunks.push(Buffer.from(chunk));
          return { key: key.slice(base.length), content: Buffer.concat(chunks) };
        }),
      );
    },
    async retainedUntil(key) {
      const b = await bucket();
      const head = await b.head(marker(key));
      if (!head) return undefined;
      if (head.retainUntil) return head.retainUntil;
      // A role without s3:GetObjectRetention is not told the date: the marker holds the one it was written with.
      const chunks: Buffer[] = [];
      for await (const chunk of await b.read(marker(key))) chunks.push(Buffer.from(chunk));
      const written = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { retainUntil?: string }).retainUntil;
      return written ? new Date(written) : undefined;
    },
    remove: (key) => removeAll(`${root(key)}/`),
    async sweep(prefix) {
      const swept = await local.sweep(prefix);
      const b = await bucket();
      const base = `${root(prefix)}/`;
      // Uploads a crashed writer left: folders with objects but no marker.
      for (const folder of (await b.list(base, '/')).folders) {
        if (await b.head(`${folder}${COMPLETE_MARKER}`)) continue;
        try {
          await removeAll(folder);
        } catch {
          continue; // Under object lock the server may refuse: it stays until its retention ends, never whole.
        }
        swept.push(`${prefix}/${folder.slice(base.length).replace(/\/$/, '')}`);
      }
      return swept;
    },
  };
}
