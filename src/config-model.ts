// The shape of opsbot's configuration, the rules its values follow, its error, and how it is shown with secrets masked.
import { z } from 'zod';
import { MASK, maskDeep, maskUrl } from './redact.js';
import type { RetentionPolicy } from './retention/policy.js';

export interface Environment {
  name: string;
  baseUrl?: string;
  /** The variable baseUrl comes from, for "STAGING_BASE_URL is not set". */
  baseUrlVar?: string;
  databaseUrl?: string;
  /** The variable databaseUrl came from, for messages such as "STAGING_DATABASE_URL is not set". */
  databaseUrlVar: string;
  healthPaths: string[];
}

export interface Config {
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    alertChannel?: string;
    reviewChannel?: string;
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
  backup: { environments: string[]; dir: string; retentionDays: number };
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
    links: { name: string; url: string }[];
    serviceName: string;
  };
  github: { token?: string; org?: string; repo?: string; apiUrl?: string };
  smtp: { host?: string; port: number; user?: string; password?: string; from: string; alertEmail?: string };
  roles: { admins: string[]; operators: string[]; reviewers: string[] };
  /** Job name (`access-review`) -> cron expression or `off`, only where SCHEDULE_<JOB> is set. */
  schedules: Record<string, string>;
  scheduleTz: string;
  smoke: { timeoutMs: number; retries: number; requireHeaders: boolean; perMinute: number };
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
}

export interface RetentionConfig {
  policies: RetentionPolicy[];
  /** Where the policies came from: the file, or `defaults` over RETENTION_ENVIRONMENTS. */
  source: string;
  /** Slack user ids allowed to approve a deletion; empty: the operators. */
  approvers: string[];
  batchRows: number;
  channel?: string;
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

export const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
export const envVar = (name: string) => name.toUpperCase().replace(/-/g, '_');
export const httpUrl = z.url({ protocol: /^https?$/, error: 'is not an http(s) URL' });
export const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'is not a postgres:// URL' });
export const redisUrl = z.url({ protocol: /^rediss?$/, error: 'is not a redis:// URL' });
export const count = (min: number) =>
  z.coerce.number({ error: 'is not a number' }).int('is not a whole number').min(min, `must be at least ${min}`);
export const ratio = z.coerce
  .number({ error: 'is not a number' })
  .min(0, 'must be between 0 and 1')
  .max(1, 'must be between 0 and 1');
export const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes'].includes(v));

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
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
    api: { ...config.api, tokens: config.api.tokens.map((t) => ({ name: t.name, token: MASK })) },
    githubApp: {
      appId: config.githubApp.appId,
      privateKey: secret(config.githubApp.privateKey),
      webhookSecret: secret(config.githubApp.webhookSecret),
    },
    remote: { url: config.remote.url, token: secret(config.remote.token) },
  });
}
