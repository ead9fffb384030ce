// The few S3 calls backups need, on one bucket, each error turned into a sentence (s3-problems.ts). The AWS SDK is
// loaded on first use, so nothing pays for it unless BACKUP_STORAGE is s3://….
import type { Readable } from 'node:stream';
import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { S3StorageConfig } from '../config-model.js';
import { objectLockProblem, s3Problem } from './s3-problems.js';

const PART_SIZE = 16 * 1024 * 1024;

export interface Bucket {
  /** Every key under prefix; with delimiter `/`, also the "folders" one level down. */
  list(prefix: string, delimiter?: string): Promise<{ keys: string[]; folders: string[] }>;
  /** Size, sha256 metadata and retention of key; undefined when it does not exist. */
  head(key: string): Promise<{ bytes: number; sha256?: string; retainUntil?: Date } | undefined>;
  read(key: string): Promise<Readable>;
  /** Streams or buffers, multipart when big; under object lock, with COMPLIANCE retention and a sha256 checksum. */
  write(key: string, body: PutObjectCommandInput['Body'], sha256?: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** Throws the reason when S3_OBJECT_LOCK_DAYS is set and the bucket cannot hold objects under retention. */
  checkObjectLock(): Promise<void>;
  /** When an object written now stays locked until; undefined without S3_OBJECT_LOCK_DAYS. */
  retainUntil(): Date | undefined;
}

const notFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

export async function openBucket(config: S3StorageConfig): Promise<Bucket> {
  const s3 = await import('@aws-sdk/client-s3');
  const { Upload } = await import('@aws-sdk/lib-storage');
  // Credentials and checksum modes from the configuration; without them, the SDK's own standard chain and defaults.
  const client = new s3.S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.checksums?.request ? { requestChecksumCalculation: config.checksums.request } : {}),
    ...(config.checksums?.response ? { responseChecksumValidation: config.checksums.response } : {}),
  });
  const Bucket = config.bucket;
  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw s3Problem(error, config, what);
    }
  }
  const retainUntil = () =>
    config.objectLockDays ? new Date(Date.now() + config.objectLockDays * 86_400_000) : undefined;

  return {
    async list(prefix, delimiter) {
      const keys: string[] = [];
      const folders: string[] = [];
      let token: string | undefined;
      do {
        const page = await call(`listing ${prefix}`, () =>
          client.send(
            new s3.ListObjectsV2Command({ Bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token }),
          ),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        for (const folder of page.CommonPrefixes ?? []) if (folder.Prefix) folders.push(folder.Prefix);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return { keys, folders };
    },
    async head(key) {
      try {
        const answer = await client.send(new s3.HeadObjectCommand({ Bucket, Key: key }));
        return {
          bytes: answer.ContentLength ?? 0,
          sha256: answer.Metadata?.sha256,
          retainUntil: answer.ObjectLockRetainUntilDate,
        };
      } catch (error) {
        if (notFound(error)) return undefined;
        throw s3Problem(error, config, `reading ${key}`);
      }
    },
    read: (key) =>
      call(`reading ${key}`, async () => {
        const answer = await client.send(new s3.GetObjectCommand({ Bucket, Key: key }));
        return answer.Body as Readable;
      }),
    async write(key, body, sha256) {
      const until = retainUntil();
      const params: PutObjectCommandInput = {
        Bucket,
        Key: key,
        Body: body,
        ...(sha256 ? { Metadata: { sha256 } } : {}),
        // A write under retention needs a checksum the server verifies; sha256 is the one opsbot keeps anyway.
        ...(until
          ? { ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until, ChecksumAlgorithm: 'SHA256' }
          : {}),
      };
      await call(`writing ${key}`, () => new Upload({ client, params, partSize: PART_SIZE, queueSize: 2 }).done());
    },
    remove: (key) =>
      call(`removing ${key}`, async () => {
        await client.send(new s3.DeleteObjectCommand({ Bucket, Key: key }));
      }),
    async checkObjectLock() {
      if (!config.objectLockDays) return;
      const answer = await client.send(new s3.GetObjectLockConfigurationCommand({ Bucket })).catch((error: unknown) => {
        throw objectLockProblem(error, config);
      });
      if (answer.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled') throw objectLockProblem(undefined, config);
    },
    retainUntil,
  };
}
