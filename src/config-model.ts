import { MASK, maskDeep, maskUrl } from './redact.js';
import type { RetentionPolicy } from './retention/policy.js';

export * from './config-values.js';

export interface Environment {
  name: string;
  baseUrl?: string;
  /** The variable baseUrl comes from, for "STAGING_BASE_URL is not set". */
  baseUrlVar?: string;
  databaseUrl?: string;
  /** The variable databaseUrl came from, for messages such as "STAGING_DATABASE_URL is not set". */
  databaseUrlVar: string;
  healthPaths: string[];
  /** `<ENV>_HEALTH_TEXT_OK`: a 2xx plain-text answer (`OK`) counts as healthy. */
  healthTextOk: boolean;
}

export interface Config {
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    /** How long one Web API call may take before it counts as lost (and a marked post is looked up). */
    timeoutMs: number;
    alertChannel?: string;
    reviewChannel?: string;
    complianceChannel?: string;
  };
  port: number;
  logLevel: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  redisPrefix: string;
  environments: Environment[];
  seed: { environments: string[]; maxTenants: number };
  /** pgBinDir: the folder holding pg_dump and pg_restore (PG_BIN_DIR); unset, they are looked up on PATH. */
  drill: { databaseUrl?: string; pgBinDir?: string };
  /** s3: where backups go when BACKUP_STORAGE is s3://…; unset, the local folder dir. */
  backup: { environments: string[]; dir: string; retentionDays: number; s3?: S3StorageConfig };
  access: {
    databaseUrl?: string;
    usersSql?: string;
    tenantsSql?: string;
    allowedRoles: string[];
    minThreshold: number;
    remindHours: number;
  };
  alerts: {
    failureThreshold: number;
    successThreshold: number;
    renotifyMinutes: number;
    /** Consecutive fires of one job that could not run before the alert `scheduler:<job>` opens. */
    skippedFires: number;
    links: { name: string; url: string }[];
    serviceName: string;
  } & AlertActionsConfig;
  /** userMap: GitHub login (lower-cased) -> Slack user id, from GITHUB_USER_MAP. */
  github: {
    token?: string;
    org?: string;
    repo?: string;
    apiUrl?: string;
    userMap: Record<string, string>;
    /** GITHUB_TIMEOUT_MS: how long one request may take before it fails. */
    timeoutMs: number;
  };
  /** The PR gate of the runbook: what a merged change needs, and the repositories whose merges are checked. */
  changeControl: {
    repos: string[];
    /** A regular expression's source; ticket URLs must match it. */
    ticketPattern: string;
    labels: string[];
    exemptLabel: string;
    requiredSections: string[];
  };
  /** tlsInsecure (SMTP_TLS_INSECURE): accept any certificate; off, the server's certificate is verified. */
  smtp: {
    host?: string;
    port: number;
    user?: string;
    password?: string;
    from: string;
    alertEmail?: string;
    tlsInsecure: boolean;
  };
  roles: { admins: string[]; operators: string[]; reviewers: string[] };
  /** Job name (`access-review`) -> cron expression or `off`, only where SCHEDULE_<JOB> is set. */
  schedules: Record<string, string>;
  scheduleTz: string;
  smoke: { timeoutMs: number; retries: number; retryDelayMs: number; requireHeaders: boolean; perMinute: number };
  runs: { staleSeconds: number };
  approvals: {
    /** SLACK_DEPLOY_CHANNEL: where requests are posted. */
    channel?: string;
    required: number;
    /** Environment name -> Slack user ids or user-group handles (N_APPROVERS). */
    approvers: Record<string, string[]>;
    notifyDm: boolean;
    /** GitHub login (lower-cased) -> Slack user id (GITHUB_USER_MAP). */
    githubUsers: Record<string, string>;
    defaultTimeoutMinutes: number;
  };
  /** OPSBOT_API_TOKENS: bearer tokens of the HTTP API, by name; perMinute per token. */
  api: { tokens: { name: string; token: string }[]; perMinute: number };
  /** The GitHub App behind the deployment protection rule. */
  githubApp: { appId?: string; privateKey?: string; webhookSecret?: string };
  /** OPSBOT_URL + OPSBOT_API_TOKEN: the CLI talks to a running bot instead of the database and Slack. */
  remote: { url?: string; token?: string };
  retention: RetentionConfig;
  /** sloAvailability in percent (99.9); maintenanceMaxMs caps a window; paths are judged by a 2xx alone. */
  uptime: {
    timeoutMs: number;
    paths: string[];
    retentionDays: number;
    sloAvailability: number;
    maintenanceMaxMs: number;
  };
  statusPage: { enabled: boolean; token?: string };
  /** Report pages at /runs/<id> behind Sign in with Slack; absent unless all three variables are set. */
  signIn?: SignInConfig;
  audit: AuditConfig;
  http: HttpConfig;
}

export interface SignInConfig {
  /** OPSBOT_PUBLIC_URL without a trailing slash: where people's browsers reach this bot. */
  publicUrl: string;
  clientId: string;
  clientSecret: string;
}

/** The inbound HTTP server's limits: a request not fully received within requestTimeoutMs is cut off. */
export interface HttpConfig {
  requestTimeoutMs: number;
}

export type ChecksumWhen = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';

/**
 * BACKUP_STORAGE=s3://bucket/prefix and its S3_* settings. credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
 * (and AWS_SESSION_TOKEN) of the configuration's environment; without them, the AWS SDK's own chain (a profile, a role).
 */
export interface S3StorageConfig {
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * AWS_REQUEST_CHECKSUM_CALCULATION and AWS_RESPONSE_CHECKSUM_VALIDATION (the SDK's own names): WHEN_REQUIRED for
   * S3-compatible servers that predate the SDK's default CRC checksums; unset, the SDK's default (WHEN_SUPPORTED).
   */
  checksums?: { request?: ChecksumWhen; response?: ChecksumWhen };
  bucket: string;
  /** Without leading or trailing `/`; '' for the bucket's root. */
  prefix: string;
  endpoint?: string;
  forcePathStyle: boolean;
  region: string;
  /** S3_OBJECT_LOCK_DAYS: each object is written with COMPLIANCE retention for this many days. */
  objectLockDays?: number;
}

export interface AlertActionsConfig {
  /** ALERT_ACK_TIMEOUT_MINUTES: an acknowledgement this old asks its acknowledger to confirm; 0 never asks. */
  ackTimeoutMinutes: number;
  /** ALERT_ESCALATE_MINUTES: unacknowledged this long, the on-call group is paged; 0 never escalates. */
  escalateMinutes: number;
  /** ALERT_ONCALL_GROUP: a user-group handle (`@oncall`), a group id (`S…`) or a user id; unset: no escalation. */
  oncallGroup?: string;
}

export interface AuditConfig {
  /** AUDIT_KEY as given (hex or base64, 32+ bytes): the audit chain's HMAC key. */
  key?: string;
  /** SLACK_AUDIT_CHANNEL: where the chain's head is anchored, besides audit-anchors.jsonl in BACKUP_DIR. */
  channel?: string;
}

export interface RetentionConfig {
  policies: RetentionPolicy[];
  /** Where the policies came from: the file, or `defaults` over RETENTION_ENVIRONMENTS. */
  source: string;
  /** Slack user ids allowed to approve a deletion; empty: the operators. */
  approvers: string[];
  batchRows: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `opsbot cannot start: ${problems.length} configuration problem${problems.length === 1 ? '' : 's'}\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** The configuration as `opsbot config check` prints it: every secret masked. */
export function describeConfig(config: Config): unknown {
  const secret = (value: string | undefined) => (value ? MASK : undefined);
  // maskDeep last: whatever URL a later field adds is masked too.
  return maskDeep({
    ...config,
    slack: {
      ...config.slack,
      botToken: secret(config.slack.botToken),
      signingSecret: secret(config.slack.signingSecret),
      appToken: secret(config.slack.appToken),
    },
    databaseUrl: config.databaseUrl ? maskUrl(config.databaseUrl) : `embedded (${config.dataDir})`,
    redisUrl: config.redisUrl ? maskUrl(config.redisUrl) : 'in-process (single replica only)',
    environments: config.environments.map((e) => ({
      ...e,
      baseUrl: e.baseUrl && maskUrl(e.baseUrl),
      databaseUrl: e.databaseUrl && maskUrl(e.databaseUrl),
    })),
    drill: { ...config.drill, databaseUrl: config.drill.databaseUrl && maskUrl(config.drill.databaseUrl) },
    access: { ...config.access, databaseUrl: config.access.databaseUrl && maskUrl(config.access.databaseUrl) },
    github: { ...config.github, token: secret(config.github.token) },
    smtp: { ...config.smtp, password: secret(config.smtp.password) },
    statusPage: { ...config.statusPage, token: secret(config.statusPage.token) },
    signIn: config.signIn && { ...config.signIn, clientSecret: MASK },
    api: { ...config.api, tokens: config.api.tokens.map((t) => ({ name: t.name, token: MASK })) },
    githubApp: {
      appId: config.githubApp.appId,
      privateKey: secret(config.githubApp.privateKey),
      webhookSecret: secret(config.githubApp.webhookSecret),
    },
    remote: { url: config.remote.url, token: secret(config.remote.token) },
    audit: { ...config.audit, key: secret(config.audit.key) },
    backup: {
      ...config.backup,
      s3: config.backup.s3 && {
        ...config.backup.s3,
        credentials: config.backup.s3.credentials && {
          accessKeyId: config.backup.s3.credentials.accessKeyId,
          secretAccessKey: MASK,
          sessionToken: secret(config.backup.s3.credentials.sessionToken),
        },
      },
    },
  });
}
