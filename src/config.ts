// Environment -> typed, validated Config. The only module that reads environment variables; every problem is
// reported at once, each with the variable, what is wrong and an example of a good value.
import { validate as isCronExpression } from 'node-cron';
import { z } from 'zod';
import { readAlertActions } from './config-alert-actions.js';
import { readAudit } from './config-audit.js';
import {
  type Config,
  ConfigError,
  count,
  type Environment,
  envVar,
  flag,
  httpUrl,
  isTimeZone,
  list,
  parseDuration,
  postgresUrl,
  ratio,
  redisUrl,
} from './config-model.js';
import { readRetention } from './config-retention.js';
import { readStorage } from './config-storage.js';
import { readTransport } from './config-transport.js';
import { MASK, maskUrl } from './redact.js';

export type { Config, Environment } from './config-model.js';
export { ConfigError, describeConfig } from './config-model.js';

type Env = Record<string, string | undefined>;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const ENV_NAME = /^[a-z][a-z0-9-]{0,29}$/;
const REPO = /^[\w.-]+\/[\w.-]+$/;
const DEFAULT_TICKET = '^https?://\\S+$';
const isRegExp = (source: string) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};
// The values .env.example ships with: left unedited, they would start a bot that talks to nobody.
const PLACEHOLDERS: Record<string, string> = {
  SLACK_BOT_TOKEN: 'xoxb-your-bot-token',
  SLACK_SIGNING_SECRET: 'your-signing-secret',
  SLACK_ALERT_CHANNEL: 'C0123ALERTS',
  SLACK_REVIEW_CHANNEL: 'C0456REVIEW',
  STAGING_BASE_URL: 'https://staging.example.com',
  OPSBOT_ADMINS: 'U0123ADMIN',
};

/**
 * Our schema messages read "is not …" after the value; zod's own defaults ("Invalid input: expected …") are not
 * written for the person at the keyboard, so one that slips through becomes plain words.
 */
function plainMessage(message: string | undefined): string {
  return message && /^[a-z]/.test(message) ? message : 'is not a valid value';
}

/** requireSlack is false for CLI commands that never talk to Slack (`opsbot smoke` in a CI job). */
export function loadConfig(env: Env, { requireSlack = true } = {}): Config {
  const problems: string[] = [];
  for (const [name, placeholder] of Object.entries(PLACEHOLDERS)) {
    if (env[name]?.trim() === placeholder)
      problems.push(
        `${name}: is still the placeholder from .env.example (\`${placeholder}\`). Put your own value there (README: "Set up the Slack app") or delete the line`,
      );
  }
  const placeholder = (name: string) => name in PLACEHOLDERS && env[name]?.trim() === PLACEHOLDERS[name];
  function read<T>(name: string, schema: z.ZodType<T>, example: string, fallback?: string): T | undefined {
    if (placeholder(name)) return undefined;
    const raw = env[name] === '' ? undefined : (env[name] ?? fallback);
    if (raw === undefined) return undefined;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const shown = /TOKEN|SECRET|PASSWORD/.test(name) ? MASK : maskUrl(raw);
    problems.push(
      `${name}: \`${shown}\` ${plainMessage(parsed.error.issues[0]?.message)}. Example: ${name}=${example}`,
    );
    return undefined;
  }
  function required<T>(name: string, schema: z.ZodType<T>, example: string, why = 'is not set'): T | undefined {
    if (placeholder(name)) return undefined;
    if (!env[name]) {
      problems.push(`${name}: ${why}. Example: ${name}=${example}`);
      return undefined;
    }
    return read(name, schema, example);
  }
  const text = z.string();

  const botTokenSchema = text.regex(/^xoxb-/, 'does not start with xoxb-');
  const botToken = requireSlack
    ? required('SLACK_BOT_TOKEN', botTokenSchema, 'xoxb-1234-5678-abcd')
    : read('SLACK_BOT_TOKEN', botTokenSchema, 'xoxb-1234-5678-abcd');
  const appToken = read('SLACK_APP_TOKEN', text.regex(/^xapp-/, 'does not start with xapp-'), 'xapp-1-A0-1-abcd');
  const signingSecret =
    env.SLACK_APP_TOKEN || !requireSlack
      ? read('SLACK_SIGNING_SECRET', text, '8f3c2b1e…')
      : required(
          'SLACK_SIGNING_SECRET',
          text.min(8, 'is too short'),
          '8f3c2b1e…',
          'is not set (or set SLACK_APP_TOKEN for Socket Mode)',
        );

  const names =
    read('ENVIRONMENTS', text, 'staging,qa', 'staging')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  for (const name of names) {
    if (!ENV_NAME.test(name))
      problems.push(
        `ENVIRONMENTS: \`${name}\` is not a valid name. Use lowercase letters, digits and hyphens, e.g. ENVIRONMENTS=staging,qa`,
      );
    if (name === 'opsbot')
      problems.push("ENVIRONMENTS: `opsbot` is reserved for the bot's own database. Example: ENVIRONMENTS=staging");
  }
  const environments: Environment[] = names
    .filter((n) => ENV_NAME.test(n) && n !== 'opsbot')
    .map((name) => {
      const prefix = envVar(name);
      const paths = read(
        `${prefix}_HEALTH_PATHS`,
        text.regex(/^\/[^,]*(,\s*\/[^,]*)*$/, 'must be paths starting with /'),
        '/healthz,/readyz',
        '/healthz,/readyz',
      );
      return {
        name,
        baseUrl: read(`${prefix}_BASE_URL`, httpUrl, 'https://staging.example.com'),
        baseUrlVar: `${prefix}_BASE_URL`,
        // Any scheme is accepted here: the seed guards refuse SQLite and others with the runbook's own words.
        databaseUrl: env[`${prefix}_DATABASE_URL`] || undefined,
        databaseUrlVar: `${prefix}_DATABASE_URL`,
        healthPaths: paths ? list(paths) : ['/healthz', '/readyz'],
        healthTextOk: read(`${prefix}_HEALTH_TEXT_OK`, flag, 'true', 'false') ?? false,
      };
    });
  const known = new Set(names);
  const good = environments.map((e) => e.name);
  const namesIn = (variable: string, fallback: string, allowOpsbot: boolean) => {
    // A default names an environment only when it exists: ENVIRONMENTS=qa alone must not fail over `staging`.
    if (env[variable] === undefined) return list(fallback).filter((name) => known.has(name));
    const picked = list(env[variable]);
    for (const name of picked) {
      if (!known.has(name) && !(allowOpsbot && name === 'opsbot')) {
        problems.push(
          `${variable}: \`${name}\` is not in ENVIRONMENTS (${good.join(', ') || 'none'}). Example: ${variable}=${good[0] ?? 'staging'}`,
        );
      }
    }
    return picked;
  };

  const schedules: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('SCHEDULE_') || name === 'SCHEDULE_TZ' || !value) continue;
    const job = name.slice('SCHEDULE_'.length).toLowerCase().replace(/_/g, '-');
    if (value === 'off' || isCronExpression(value)) schedules[job] = value;
    else problems.push(`${name}: \`${value}\` is not a cron expression. Example: ${name}=0 */6 * * * (or off)`);
  }
  const scheduleTz =
    read('SCHEDULE_TZ', text.refine(isTimeZone, 'is not an IANA time zone'), 'Europe/Berlin', 'UTC') ?? 'UTC';
  const dataDir = env.DATA_DIR || './.opsbot';

  const alertLinks = (env.ALERT_LINKS ? list(env.ALERT_LINKS) : []).flatMap((pair) => {
    const [name, ...rest] = pair.split('=');
    const url = rest.join('=');
    if (name && httpUrl.safeParse(url).success) return [{ name: name.trim(), url }];
    problems.push(
      `ALERT_LINKS: \`${pair}\` is not Name=https://…. Example: ALERT_LINKS=Logs=https://logs.example.com,Dashboard=https://grafana.example.com`,
    );
    return [];
  });

  // GitHub login -> Slack user: who authored a change, so they cannot be the one who reviews it.
  const userMap: Record<string, string> = {};
  for (const pair of list(env.GITHUB_USER_MAP)) {
    const [login = '', user = ''] = pair.split('=').map((s) => s.trim());
    if (/^[a-z\d][a-z\d_-]{0,38}$/i.test(login) && /^[UW][A-Z0-9]+$/.test(user)) userMap[login.toLowerCase()] = user;
    else
      problems.push(
        `GITHUB_USER_MAP: \`${pair}\` is not login=SlackUserId. Example: GITHUB_USER_MAP=octocat=U0123ABCD,hubot=U0456EFGH`,
      );
  }
  const pairs = (variable: string, example: string, valid: (key: string, value: string) => boolean) =>
    (env[variable] ? list(env[variable]) : []).flatMap((pair) => {
      const at = pair.indexOf('=');
      const [key, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      if (at > 0 && valid(key, value)) return [[key, value] as const];
      const shown = /TOKEN/.test(variable) ? `${key || '?'}=${MASK}` : pair;
      problems.push(`${variable}: \`${shown}\` is not name=value. Example: ${variable}=${example}`);
      return [];
    });
  const apiTokens = pairs('OPSBOT_API_TOKENS', 'ci=long-random-token', (_k, v) => v.length >= 16).map(
    ([name, token]) => ({ name, token }),
  );
  const approvers = Object.fromEntries(environments.map((e) => [e.name, list(env[`${envVar(e.name)}_APPROVERS`])]));

  const transport = readTransport(env, problems);
  const config: Config = {
    slack: {
      botToken: botToken ?? '',
      signingSecret,
      appToken,
      apiUrl: read('SLACK_API_URL', httpUrl, 'https://slack.com/api/'),
      timeoutMs: read('SLACK_API_TIMEOUT_MS', count(100), '15000', '15000') ?? 15_000,
      alertChannel: env.SLACK_ALERT_CHANNEL || undefined,
      reviewChannel: env.SLACK_REVIEW_CHANNEL || undefined,
      complianceChannel: env.SLACK_COMPLIANCE_CHANNEL || undefined,
    },
    port: read('PORT', count(0).max(65535, 'must be at most 65535'), '3000', '3000') ?? 3000,
    logLevel:
      read(
        'LOG_LEVEL',
        z.enum(LOG_LEVELS, { message: `is not a log level (${LOG_LEVELS.join(', ')})` }),
        'info',
        'info',
      ) ?? 'info',
    dataDir,
    databaseUrl: read('DATABASE_URL', postgresUrl, 'postgres://opsbot:secret@localhost:5432/opsbot'),
    redisUrl: read('REDIS_URL', redisUrl, 'redis://localhost:6379'),
    redisPrefix: env.REDIS_PREFIX || 'opsbot:',
    environments,
    seed: {
      environments: namesIn('SEED_ENVIRONMENTS', 'staging', false),
      maxTenants: read('SEED_MAX_TENANTS', count(1).max(10_000, 'must be at most 10000'), '50', '50') ?? 50,
    },
    drill: {
      databaseUrl: read('DRILL_DATABASE_URL', postgresUrl, 'postgres://drill:secret@localhost:5432/postgres'),
      pgBinDir: env.PG_BIN_DIR || undefined,
    },
    backup: {
      environments: namesIn('BACKUP_ENVIRONMENTS', '', true),
      dir: env.BACKUP_DIR || `${dataDir}/backups`,
      retentionDays: read('BACKUP_RETENTION_DAYS', count(1), '30', '30') ?? 30,
      s3: readStorage(env, problems),
    },
    access: {
      databaseUrl: read('ACCESS_DATABASE_URL', postgresUrl, 'postgres://readonly:secret@localhost:5432/app'),
      usersSql: env.ACCESS_USERS_SQL || undefined,
      tenantsSql: env.ACCESS_TENANTS_SQL || undefined,
      allowedRoles: list(env.ACCESS_ALLOWED_ROLES ?? 'owner,admin,accountant,viewer'),
      minThreshold: read('ACCESS_MIN_THRESHOLD', ratio, '0.90', '0.90') ?? 0.9,
      remindHours: read('ACCESS_REVIEW_REMIND_HOURS', count(1), '48', '48') ?? 48,
    },
    alerts: {
      failureThreshold: read('ALERT_FAILURE_THRESHOLD', count(1), '2', '2') ?? 2,
      successThreshold: read('ALERT_SUCCESS_THRESHOLD', count(1), '1', '1') ?? 1,
      renotifyMinutes: read('ALERT_RENOTIFY_MINUTES', count(1), '60', '60') ?? 60,
      skippedFires: read('SCHEDULER_SKIP_ALERT_AFTER', count(1), '3', '3') ?? 3,
      links: alertLinks,
      serviceName: env.SERVICE_NAME || 'Service',
      ...readAlertActions(env, problems),
    },
    github: {
      token: env.GITHUB_TOKEN || undefined,
      org: env.GITHUB_ORG || undefined,
      repo: read('GITHUB_REPO', text.regex(REPO, 'is not owner/name'), 'acme/compliance'),
      apiUrl: read('GITHUB_API_URL', httpUrl, 'https://github.example.com/api/v3'),
      userMap,
    },
    changeControl: {
      repos: list(env.CHANGE_REPOS).filter((repo) => {
        if (REPO.test(repo)) return true;
        problems.push(`CHANGE_REPOS: \`${repo}\` is not owner/name. Example: CHANGE_REPOS=acme/web,acme/api`);
        return false;
      }),
      ticketPattern:
        read(
          'CHANGE_TICKET_PATTERN',
          text.refine(isRegExp, 'is not a regular expression'),
          '^https://acme\\.atlassian\\.net/browse/[A-Z]+-\\d+$',
          DEFAULT_TICKET,
        ) ?? DEFAULT_TICKET,
      labels: list(env.CHANGE_LABELS ?? 'has-ticket'),
      exemptLabel: env.CHANGE_EXEMPT_LABEL?.trim() || 'change-control-exempt',
      requiredSections: list(env.CHANGE_REQUIRED_SECTIONS ?? 'Risk/Impact,Rollback Plan,Tests/Evidence'),
    },
    smtp: {
      host: env.SMTP_HOST || undefined,
      port: read('SMTP_PORT', count(1).max(65535, 'must be at most 65535'), '587', '587') ?? 587,
      user: env.SMTP_USER || undefined,
      password: env.SMTP_PASSWORD || undefined,
      from:
        read('SMTP_FROM', text.includes('@', 'is not an email address'), 'opsbot@example.com', 'opsbot@localhost') ??
        'opsbot@localhost',
      alertEmail: read('ALERT_EMAIL', text.includes('@', 'is not an email address'), 'ops@example.com'),
      tlsInsecure: transport.smtpTlsInsecure,
    },
    roles: {
      admins: list(env.OPSBOT_ADMINS),
      operators: list(env.OPSBOT_OPERATORS),
      reviewers: list(env.OPSBOT_REVIEWERS),
    },
    schedules,
    scheduleTz,
    smoke: {
      timeoutMs: read('SMOKE_TIMEOUT_MS', count(100), '10000', '10000') ?? 10_000,
      retries: read('SMOKE_RETRIES', count(0).max(5, 'must be at most 5'), '1', '1') ?? 1,
      retryDelayMs: read('SMOKE_RETRY_DELAY_MS', count(0).max(60_000, 'must be at most 60000'), '500', '500') ?? 500,
      requireHeaders: read('SMOKE_REQUIRE_HEADERS', flag, 'false', 'false') ?? false,
      perMinute: read('SMOKE_RATE_PER_MIN', count(1), '6', '6') ?? 6,
    },
    runs: { staleSeconds: read('RUN_STALE_SECONDS', count(3), '90', '90') ?? 90 },
    retention: readRetention(env, names, problems),
    audit: readAudit(env, problems),
    uptime: {
      timeoutMs: read('UPTIME_TIMEOUT_MS', count(100), '10000', '10000') ?? 10_000,
      paths: list(
        read('N_UPTIME_PATHS', text.regex(/^\/[^,]*(,\s*\/[^,]*)*$/, 'must be paths starting with /'), '/metrics') ??
          '',
      ),
      retentionDays: read('UPTIME_RETENTION_DAYS', count(1), '400', '400') ?? 400,
      sloAvailability:
        read(
          'N_SLO_AVAILABILITY',
          z.coerce.number({ error: 'is not a number' }).gt(0, 'must be above 0').lt(100, 'must be below 100'),
          '99.9',
          '99.9',
        ) ?? 99.9,
      maintenanceMaxMs:
        read(
          'MAINTENANCE_MAX',
          text
            .refine((v) => parseDuration(v) !== undefined, 'is not a duration like 30m, 2h or 1d')
            .transform((v) => parseDuration(v) ?? 0),
          '24h',
          '24h',
        ) ?? 86_400_000,
    },
    statusPage: {
      enabled: read('STATUS_PAGE', flag, 'true', 'false') ?? false,
      token: env.STATUS_PAGE_TOKEN || undefined,
    },
    approvals: {
      channel: env.SLACK_DEPLOY_CHANNEL || undefined,
      required: read('APPROVALS_REQUIRED', count(1).max(10, 'must be at most 10'), '2', '2') ?? 2,
      approvers,
      notifyDm: read('APPROVALS_NOTIFY_DM', flag, 'true', 'false') ?? false,
      // GITHUB_USER_MAP, shared with change control: a requester is never counted among their own approvers.
      githubUsers: userMap,
      defaultTimeoutMinutes: read('APPROVALS_TIMEOUT_MINUTES', count(1), '60', '60') ?? 60,
    },
    api: { tokens: apiTokens, perMinute: read('OPSBOT_API_RATE_PER_MIN', count(1), '60', '60') ?? 60 },
    githubApp: {
      appId: read('GITHUB_APP_ID', text.regex(/^\d+$/, 'is not a number'), '123456'),
      // Kubernetes secrets and .env files often carry the PEM with literal \n.
      privateKey: env.GITHUB_APP_PRIVATE_KEY?.replace(/\\n/g, '\n') || undefined,
      webhookSecret: env.GITHUB_WEBHOOK_SECRET || undefined,
    },
    http: transport.http,
    remote: {
      url: read('OPSBOT_URL', httpUrl, 'https://opsbot.example.com'),
      token: env.OPSBOT_API_TOKEN || undefined,
    },
  };
  if (config.githubApp.appId && !config.githubApp.privateKey)
    problems.push(
      'GITHUB_APP_PRIVATE_KEY: is not set but GITHUB_APP_ID is. Example: GITHUB_APP_PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----…"',
    );
  if (config.smtp.user && !config.smtp.password)
    problems.push('SMTP_PASSWORD: is not set but SMTP_USER is. Example: SMTP_PASSWORD=app-password');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
