// Backups in S3-compatible object storage (BACKUP_STORAGE=s3://bucket/prefix): written to a local staging folder in
// BACKUP_DIR, uploaded file by file with each file's sha256 in its metadata, and published by a marker object written
// last, so a crash never leaves a backup that looks whole. Read back to a local folder for pg_restore.
// With S3_OBJECT_LOCK_DAYS every object is written under COMPLIANCE retention, once the bucket is known to allow it.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3StorageConfig } from '../config-model.js';
import { objectLockProblem, s3Problem, serverOf } from './s3-problems.js';
import { type BackupStorage, listFiles, localStorage, type StagedBackup, type StoredFile } from './storage.js';

/** The object written last: its presence is what makes a backup whole. */
export const COMPLETE_MARKER = '.opsbot-complete.json';
const PART_SIZE = 16 * 1024 * 1024;
const PARALLEL_FILES = 4;

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

export function s3Storage(config: S3StorageConfig, stagingDir: string): BackupStorage {
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
  });
  const { bucket } = config;
  const local = localStorage(stagingDir);
  const root = (key: string) => (config.prefix ? `${config.prefix}/${key}` : key);
  const opened = new Map<string, StagedBackup>();
  let lockChecked: Promise<void> | undefined;

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw s3Problem(error, config, what);
    }
  }
  const missing = (error: unknown) => {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
  };

  /** Before the first write: the bucket must have object lock enabled, or nothing is written at all. */
  function checkObjectLock(): Promise<void> {
    if (!config.objectLockDays) return Promise.resolve();
    lockChecked ??= client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket })).then(
      (answer) => {
        if (answer.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled') throw objectLockProblem(undefined, config);
      },
      (error) => {
        throw objectLockProblem(error, config);
      },
    );
    // A refusal is asked again next time: the bucket may have been fixed meanwhile.
    return lockChecked.catch((error) => {
      lockChecked = undefined;
      throw error;
    });
  }
  function lockParams(): Partial<PutObjectCommandInput> {
    if (!config.objectLockDays) return {};
    return {
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date(Date.now() + config.objectLockDays * 86_400_000),
      // A locked write needs a checksum the server verifies; sha256 is what opsbot keeps anyway.
      ChecksumAlgorithm: 'SHA256',
    };
  }
  async function write(objectKey: string, body: PutObjectCommandInput['Body'], sha256?: string): Promise<void> {
    const params: PutObjectCommandInput = {
      Bucket: bucket,
      Key: objectKey,
      Body: body,
      ...(sha256 ? { Metadata: { sha256 } } : {}),
      ...lockParams(),
    };
    await call(`writing ${objectKey}`, () => new Upload({ client, params, partSize: PART_SIZE, queueSize: 2 }).done());
  }
  async function list(prefix: string, delimiter?: string): Promise<{ keys: string[]; folders: string[] }> {
    const keys: string[] = [];
    const folders: string[] = [];
    let token: string | undefined;
    do {
      const page = await call(`listing ${prefix}`, () =>
        client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token }),
        ),
      );
      keys.push(...(page.Contents ?? []).map((o) => o.Key!).filter(Boolean));
      folders.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!).filter(Boolean));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { keys, folders };
  }
  async function exists(objectKey: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey }));
      return true;
    } catch (error) {
      if (missing(error)) return false;
      throw s3Problem(error, config, `reading ${objectKey}`);
    }
  }
  async function removeAll(prefix: string): Promise<void> {
    const { keys } = await list(prefix);
    // The marker goes first: a backup half removed never looks whole.
    const ordered = [
      ...keys.filter((k) => k.endsWith(COMPLETE_MARKER)),
      ...keys.filter((k) => !k.endsWith(COMPLETE_MARKER)),
    ];
    for (const objectKey of ordered)
      await call(`removing ${objectKey}`, () =>
        client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey })),
      );
  }
  async function freeKey(key: string): Promise<string> {
    let target = key;
    for (let n = 2; (await list(`${root(target)}/`)).keys.length > 0; n += 1) target = `${key}-${n}`;
    return target;
  }

  return {
    location: `s3://${bucket}${config.prefix ? `/${config.prefix}` : ''}${config.endpoint ? ` at ${serverOf(config)}` : ''}`,
    async stage(key) {
      await checkObjectLock();
      const staged = await local.stage(key);
      return {
        dir: staged.dir,
        async commit() {
          const files = await listFiles(staged.dir);
          // Two backups within one second get -2, -3, as in a local folder: a published backup is never replaced.
          const target = await freeKey(key);
          await eachLimited(files, PARALLEL_FILES, async (file) => {
            await write(`${root(target)}/${file.name}`, createReadStream(join(staged.dir, file.name)), file.sha256);
          });
          const marker = { key: target, files, retainUntil: lockParams().ObjectLockRetainUntilDate?.toISOString() };
          await write(`${root(target)}/${COMPLETE_MARKER}`, `${JSON.stringify(marker, null, 2)}\n`);
          await staged.abort();
          return target;
        },
        abort: staged.abort,
      };
    },
    async open(key) {
      if (!(await exists(`${root(key)}/${COMPLETE_MARKER}`))) return undefined;
      await opened.get(key)?.abort();
      const copy = await local.stage(key);
      opened.set(key, copy);
      const prefix = `${root(key)}/`;
      const { keys } = await list(prefix);
      await eachLimited(
        keys.filter((k) => !k.endsWith(`/${COMPLETE_MARKER}`)),
        PARALLEL_FILES,
        async (objectKey) => {
          const path = join(copy.dir, objectKey.slice(prefix.length));
          await mkdir(dirname(path), { recursive: true });
          await call(`reading ${objectKey}`, async () => {
            const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }));
            await pipeline(answer.Body as Readable, createWriteStream(path));
          });
        },
      );
      return copy.dir;
    },
    async files(key) {
      // Once opened, the sha256 of the bytes actually read back: what the drill restores is what it verified.
      const copy = opened.get(key);
      if (copy) return listFiles(copy.dir, ['manifest.json']);
      const prefix = `${root(key)}/`;
      const { keys } = await list(prefix);
      const names = keys.filter((k) => !k.endsWith(`/${COMPLETE_MARKER}`) && k !== `${prefix}manifest.json`);
      return Promise.all(
        names.map(async (objectKey): Promise<StoredFile> => {
          const head = await call(`reading ${objectKey}`, () =>
            client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey })),
          );
          return {
            name: objectKey.slice(prefix.length),
            bytes: head.ContentLength ?? 0,
            sha256: head.Metadata?.sha256 ?? '',
          };
        }),
      );
    },
    async close(key) {
      await opened.get(key)?.abort();
      opened.delete(key);
    },
    async put(key, bytes) {
      await checkObjectLock();
      const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      await write(root(key), body, createHash('sha256').update(body).digest('hex'));
    },
    async retainedUntil(key) {
      const markerKey = `${root(key)}/${COMPLETE_MARKER}`;
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: markerKey }));
        const marker = JSON.parse(await answer.Body!.transformToString()) as { retainUntil?: string };
        const dates = [
          answer.ObjectLockRetainUntilDate?.getTime(),
          marker.retainUntil ? Date.parse(marker.retainUntil) : undefined,
        ];
        const latest = Math.max(...dates.filter((d): d is number => d !== undefined && !Number.isNaN(d)));
        return Number.isFinite(latest) ? new Date(latest) : undefined;
      } catch (error) {
        if (missing(error)) return undefined;
        throw s3Problem(error, config, `reading ${markerKey}`);
      }
    },
    remove: (key) => removeAll(`${root(key)}/`),
    async sweep(prefix) {
      const swept = await local.sweep(prefix);
      // Uploads a crashed writer left: folders with objects but no marker.
      const { folders } = await list(`${root(prefix)}/`, '/');
      for (const folder of folders) {
        if (await exists(`${folder}${COMPLETE_MARKER}`)) continue;
        // Under object lock a versioned bucket keeps the data until its retention ends; a refusal leaves it for later.
        if (
          !(await removeAll(folder).then(
            () => true,
            () => false,
          ))
        )
          continue;
        swept.push(`${prefix}/${folder.slice(`${root(prefix)}/`.length).replace(/\/$/, '')}`);
      }
      return swept;
    },
  };
}
