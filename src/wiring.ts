// Wiring: config -> every adapter, opened and migrated, as one Deps value. Shared by main, the CLI and tests.
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Coord } from './coord/coord.js';
import { failoverCoord } from './coord/failover.js';
import { localCoord } from './coord/local.js';
import { postgresCoord } from './coord/postgres.js';
import type { Deps } from './deps.js';
import { createMetrics } from './http/metrics.js';
import { createLogger } from './log.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createOperationEvents } from './operate/events.js';
import { deliverOutbox } from './publish/alert-delivery.js';
import { createRoles } from './roles.js';
import { boltLogger } from './slack/bolt-logger.js';
import { slackClientOptions, webChat } from './slack/chat.js';
import { type Audit, createAudit } from './store/audit.js';
import { parseAuditKey } from './store/audit-mac.js';
import { migrate } from './store/migrate.js';
import { openAuditDb, openDb } from './store/open.js';
import { createRuns } from './store/runs.js';
import { pgTargets, type Targets } from './targets/targets.js';

export interface DepsOptions {
  log?: Logger;
  now?: () => Date;
  fetch?: typeof fetch;
  /** Tests wrap adapters to inject faults (a target that fails mid-seed, an audit log that refuses a write). */
  wrap?: AdapterWrappers;
}

export interface AdapterWrappers {
  targets?: (targets: Targets) => Targets;
  audit?: (audit: Audit) => Audit;
  mail?: (mail: Mailer) => Mailer;
}

/** Every adapter, opened and migrated: what the service, the CLI and tests share. */
export async function buildDeps(config: Config, options: DepsOptions = {}): Promise<Deps> {
  const secrets = [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.github.token,
    config.smtp.password,
    config.githubApp.privateKey,
    config.githubApp.webhookSecret,
    config.remote.token,
    config.audit.key,
    config.backup.s3?.credentials?.secretAccessKey,
    config.backup.s3?.credentials?.sessionToken,
    config.signIn?.clientSecret,
    ...config.api.tokens.map((t) => t.token),
  ];
  const log =
    options.log ??
    createLogger(
      config.logLevel,
      undefined,
      secrets.filter((s): s is string => Boolean(s)),
    );
  const db = await openDb(config);
  const migrations = await migrate(db);
  if (migrations.applied.length > 0) log.info({ applied: migrations.applied }, 'migrations applied');
  // ioredis, Octokit (below) and nodemailer are loaded only when configured: a command that needs none of them starts
  // ~0.3 s sooner.
  const redis = config.redisUrl
    ? (await import('./coord/redis.js')).redisCoord(config.redisUrl, config.redisPrefix)
    : undefined;
  if (redis && !(await redis.connected(2_000))) log.warn('redis did not answer at start: starting on postgres');
  const coord: Coord = redis
    ? failoverCoord(redis, postgresCoord(db), {
        onSwitch: (to, error) =>
          to === 'postgres'
            ? log.warn({ err: error }, 'redis is unreachable: coordinating through postgres until it is back')
            : log.info('redis is back: coordinating through redis again'),
      })
    : localCoord();
  if (!config.redisUrl) log.warn('REDIS_URL is not set: coordination is in-process, so run only one replica');
  if (!config.databaseUrl) log.info({ dataDir: config.dataDir }, 'DATABASE_URL is not set: using embedded Postgres');
  const now = options.now ?? (() => new Date());
  const auditKey = config.audit.key ? parseAuditKey(config.audit.key) : undefined;
  const audit = createAudit(db, now, { key: auditKey, fast: openAuditDb(config, db) });
  const clientOptions = { ...slackClientOptions(config.slack.apiUrl, config.slack.timeoutMs), logger: boltLogger(log) };
  const chat = webChat(
    new WebClient(config.slack.botToken, clientOptions),
    // Marked posts retry themselves, after looking for the copy a lost answer may have left.
    new WebClient(config.slack.botToken, {
      ...clientOptions,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    }),
  );
  const github =
    config.github.org && config.github.token
      ? (await import('./github/client.js')).createGithub(config.github, log)
      : undefined;
  const githubApp =
    config.githubApp.appId && config.githubApp.privateKey
      ? (await import('./github/app.js')).createGithubApp(config)
      : undefined;
  const deps: Deps = {
    config,
    log,
    now,
    db,
    coord,
    chat,
    fetch: options.fetch ?? fetch,
    github,
    githubApp,
    mail: options.wrap?.mail?.(createMailer(config.smtp)) ?? createMailer(config.smtp),
    roles: createRoles(config.roles, chat),
    runs: createRuns(db),
    audit: options.wrap?.audit?.(audit) ?? audit,
    metrics: createMetrics(db),
    targets: options.wrap?.targets?.(pgTargets()) ?? pgTargets(),
    outbox: { deliver: (refs) => deliverOutbox(deps, { refs, now: true }).then(() => {}) },
    operations: createOperationEvents((error) => log.warn({ err: error }, 'operation listener failed')),
  };
  return deps;
}

export async function closeDeps(deps: Deps): Promise<void> {
  deps.mail.close();
  await deps.coord.close();
  await deps.audit.close().catch(() => {});
  await deps.db.close();
}
