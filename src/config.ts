// Environment -> typed, validated Config. The only module that reads environment variables; every problem is
// reported at once, each with the variable, what is wrong and an example of a good value.
import { validate as isCronExpression } from 'node-cron';
import { z } from 'zod';
import { readAlertActions } from './config-alert-actions.js';
import { readAudit } from './config-audit.js';
import { readEnvironments } from './config-environments.js';
import { readIntegrations } from './config-integrations.js';
import {
  type Config,
  ConfigError,
  count,
  flag,
  httpUrl,
  isTimeZone,
  list,
  postgresUrl,
  ratio,
  redisUrl,
} from './config-model.js';
import { createReader, type Env } from './config-read.js';
import { readRetention } from './config-retention.js';
import { readSignIn } from './config-sign-in.js';
import { readStorage } from './config-storage.js';
import { readTransport } from './config-transport.js';
import { readUptime } from './config-uptime.js';

export type { Config, Environment } from './config-model.js';
export { ConfigError, describeConfig } from './config-model.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** requireSlack is false for CLI commands that never talk to Slack (`opsbot smoke` in a CI job). */
export function loadConfig(env: Env, { requireSlack = true } = {}): Config {
  const problems: string[] = [];
  const reader = createReader(env, problems);
  const { read, required } = reader;
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

  const { names, environments, namesIn } = readEnvironments(env, reader, problems);

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
    ...readUptime(env, reader),
    ...readSignIn(env, reader, problems),
    http: transport.http,
    ...readIntegrations(env, reader, problems, environments),
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
