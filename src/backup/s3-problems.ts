// What an S3 server's refusals mean for the person running backups, each as a sentence naming the bucket and the fix.
import type { S3StorageConfig } from '../config-model.js';
import { maskSecrets } from '../redact.js';
import { DrillFailure } from '../targets/connect.js';

interface S3Error {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export const serverOf = (config: S3StorageConfig) => config.endpoint ?? `AWS S3 (${config.region})`;

/** The S3 error met while doing `what` as a DrillFailure, whose reason backups and drills show as it is. */
export function s3Problem(error: unknown, config: S3StorageConfig, what: string): DrillFailure {
  if ((error as Error)?.name === 'DrillFailure') return error as DrillFailure;
  const e = (error ?? {}) as S3Error;
  const server = serverOf(config);
  const bucket = config.bucket;
  const name = e.name ?? e.code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const said = maskSecrets(e.message ?? String(error));
  let reason: string;
  if (name === 'NoSuchBucket')
    reason = `The bucket ${bucket} does not exist on ${server}: create it, or fix BACKUP_STORAGE.`;
  else if (name === 'CredentialsProviderError')
    reason = `No S3 credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or give opsbot a role).`;
  else if (
    ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden'].includes(name) ||
    status === 403
  )
    reason = `${server} refused opsbot ${what} in bucket ${bucket} (${name || status}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and the bucket's policy.`;
  else if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET'].includes(e.code ?? name))
    reason = `Cannot reach ${server} (${e.code ?? name}) ${what}: check S3_ENDPOINT and that the server is up.`;
  else reason = `${server} failed ${what} in bucket ${bucket}: ${name ? `${name}: ` : ''}${said}`;
  return new DrillFailure(reason);
}

/** S3_OBJECT_LOCK_DAYS is set but the bucket (or the whole server) cannot hold objects under retention. */
export function objectLockProblem(error: unknown, config: S3StorageConfig): DrillFailure {
  const e = (error ?? {}) as S3Error;
  const name = e.name ?? e.code ?? '';
  const server = serverOf(config);
  const unset = 'or unset S3_OBJECT_LOCK_DAYS to write backups without retention';
  if (name === 'NotImplemented' || e.$metadata?.httpStatusCode === 501)
    return new DrillFailure(
      `S3_OBJECT_LOCK_DAYS is set but ${server} does not support object lock (it answered NotImplemented), so no ` +
        `backup was written: use an S3 server with object lock (AWS S3, MinIO, …), ${unset}.`,
    );
  if (name === 'ObjectLockConfigurationNotFoundError' || name === 'NoSuchObjectLockConfiguration' || !name)
    return new DrillFailure(
      `S3_OBJECT_LOCK_DAYS is set but the bucket ${config.bucket} on ${server} does not have object lock enabled, so ` +
        `no backup was written: object lock is chosen when a bucket is created (aws s3api create-bucket ` +
        `--object-lock-enabled-for-bucket, or mc mb --with-lock); point BACKUP_STORAGE at such a bucket, ${unset}.`,
    );
  return s3Problem(error, config, 'reading the object-lock configuration');
}
