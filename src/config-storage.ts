// Where backups are kept: BACKUP_STORAGE=s3://bucket/prefix with its S3_* settings, or (unset) the local BACKUP_DIR.
// Read by config.ts, which reports its problems with every other one. Credentials are AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN) of the same environment as every other setting; without them, the AWS
// SDK's standard chain finds its own (a profile, a role).
import { type ChecksumWhen, count, flag, httpUrl, type S3StorageConfig } from './config-model.js';
import { maskUrl } from './redact.js';

type Env = Record<string, string | undefined>;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const STORAGE_EXAMPLE = 'BACKUP_STORAGE=s3://acme-backups/opsbot';

function parseStorage(raw: string): { bucket: string; prefix: string } | string {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(raw);
  if (!match) return 'is not s3://bucket/prefix (leave it unset to keep backups in the local folder BACKUP_DIR)';
  const [, bucket = '', rest = ''] = match;
  if (bucket.includes('@'))
    return 'holds credentials: they never go in BACKUP_STORAGE; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or use a role)';
  if (!BUCKET.test(bucket))
    return `names the bucket \`${bucket}\`, which is not an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)`;
  const prefix = rest.replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((part) => part === '.' || part === '..' || part === ''))
    return 'has an empty, `.` or `..` part in its prefix';
  return { bucket, prefix };
}

export function readStorage(env: Env, problems: string[]): S3StorageConfig | undefined {
  const raw = env.BACKUP_STORAGE?.trim();
  const lockRaw = env.S3_OBJECT_LOCK_DAYS?.trim();
  const lock = lockRaw ? count(1).max(36_500, 'must be at most 36500').safeParse(lockRaw) : undefined;
  if (lock && !lock.success)
    problems.push(
      `S3_OBJECT_LOCK_DAYS: \`${lockRaw}\` ${lock.error.issues[0]?.message}. Example: S3_OBJECT_LOCK_DAYS=90`,
    );
  if (!raw) {
    if (lockRaw)
      problems.push(
        `S3_OBJECT_LOCK_DAYS: is set but BACKUP_STORAGE is not, and files in the local folder BACKUP_DIR cannot be locked. Example: ${STORAGE_EXAMPLE}`,
      );
    return undefined;
  }
  const parsed = parseStorage(raw);
  if (typeof parsed === 'string') {
    const shown = raw.includes('@') ? raw.replace(/\/\/[^/]*@/, '//****@') : raw;
    problems.push(`BACKUP_STORAGE: \`${shown}\` ${parsed}. Example: ${STORAGE_EXAMPLE}`);
  }
  let endpoint: string | undefined;
  const endpointRaw = env.S3_ENDPOINT?.trim();
  if (endpointRaw) {
    const url = httpUrl.safeParse(endpointRaw);
    if (!url.success)
      problems.push(
        `S3_ENDPOINT: \`${maskUrl(endpointRaw)}\` is not an http(s) URL. Example: S3_ENDPOINT=http://minio:9000`,
      );
    else if (new URL(endpointRaw).username || new URL(endpointRaw).password)
      problems.push(
        `S3_ENDPOINT: \`${maskUrl(endpointRaw)}\` holds credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead. Example: S3_ENDPOINT=http://minio:9000`,
      );
    else endpoint = endpointRaw.replace(/\/+$/, '');
  }
  const pathStyleRaw = env.S3_FORCE_PATH_STYLE?.trim() || 'false';
  const pathStyle = flag.safeParse(pathStyleRaw);
  if (!pathStyle.success)
    problems.push(`S3_FORCE_PATH_STYLE: \`${pathStyleRaw}\` must be true or false. Example: S3_FORCE_PATH_STYLE=true`);
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || (endpoint ? 'us-east-1' : undefined);
  if (!region)
    problems.push(
      `AWS_REGION: is not set, and S3 needs the bucket's region (with S3_ENDPOINT it defaults to us-east-1). Example: AWS_REGION=eu-central-1`,
    );
  const credentials = readCredentials(env, problems);
  const request = checksumWhen(env, 'AWS_REQUEST_CHECKSUM_CALCULATION', problems);
  const response = checksumWhen(env, 'AWS_RESPONSE_CHECKSUM_VALIDATION', problems);
  if (typeof parsed === 'string') return undefined;
  return {
    ...parsed,
    ...(credentials ? { credentials } : {}),
    ...(request || response ? { checksums: { request, response } } : {}),
    endpoint,
    forcePathStyle: pathStyle.success ? pathStyle.data : false,
    region: region ?? 'us-east-1',
    objectLockDays: lock?.success ? lock.data : undefined,
  };
}

function readCredentials(env: Env, problems: string[]): S3StorageConfig['credentials'] {
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  const sessionToken = env.AWS_SESSION_TOKEN?.trim() || undefined;
  if (!accessKeyId && !secretAccessKey) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    const [given, missing] = accessKeyId
      ? ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']
      : ['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID'];
    problems.push(
      `${missing}: is not set while ${given} is: set both (or neither, to use a profile or a role). Example: ${missing}=…`,
    );
    return undefined;
  }
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

function checksumWhen(env: Env, name: string, problems: string[]): ChecksumWhen | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = raw.toUpperCase();
  if (value === 'WHEN_SUPPORTED' || value === 'WHEN_REQUIRED') return value;
  problems.push(`${name}: \`${raw}\` must be WHEN_SUPPORTED or WHEN_REQUIRED. Example: ${name}=WHEN_REQUIRED`);
  return undefined;
}
