// Which database a backup or drill of an environment reads, and on which server its drill database is created.
import type { Config, Environment } from '../config.js';
import { embeddedLocation } from '../store/embedded-location.js';

export const OPSBOT_ENV = 'opsbot';

/** The bot's own database: DATABASE_URL, or the embedded server's socket URL; none for a throwaway memory:// one. */
export function ownDatabaseUrl(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string | undefined {
  if (config.databaseUrl) return config.databaseUrl;
  return config.dataDir.startsWith('memory://') ? undefined : embeddedLocation(config.dataDir).url;
}

export interface DrillTarget {
  name: string;
  /** The source database: N_DATABASE_URL, or DATABASE_URL for `opsbot`. Only ever read. */
  url: string;
  /** The variable url came from, for messages. */
  urlVar: string;
  /** Set for application environments (smoke checks run when it has a base URL); absent for `opsbot`. */
  environment?: Environment;
}

export type TargetResult = { ok: true; target: DrillTarget } | { ok: false; problem: string };

/** Every name /drill restore and opsbot backup accept: the environments, and `opsbot` for the bot's own database. */
export function drillableNames(config: Pick<Config, 'environments'>): string[] {
  return [...config.environments.map((e) => e.name), OPSBOT_ENV];
}

/** The target named name, or a problem that says what to set; pure, so listeners may call it before ack(). */
export function resolveTarget(
  name: string,
  config: Pick<Config, 'environments' | 'databaseUrl' | 'dataDir'>,
): TargetResult {
  if (name === OPSBOT_ENV) {
    const url = ownDatabaseUrl(config);
    if (!url) {
      return {
        ok: false,
        problem:
          "The bot's own state is a throwaway in-memory database (DATA_DIR=memory://): there is nothing to back up. " +
          'Set DATA_DIR to a folder, or DATABASE_URL to a PostgreSQL database.',
      };
    }
    return { ok: true, target: { name, url, urlVar: config.databaseUrl ? 'DATABASE_URL' : 'DATA_DIR' } };
  }
  const environment = config.environments.find((e) => e.name === name);
  if (!environment) {
    return {
      ok: false,
      problem: `\`${name}\` is not a configured environment. Configured: ${drillableNames(config).join(', ')}.`,
    };
  }
  const url = environment.databaseUrl;
  if (!url) {
    return {
      ok: false,
      problem: `\`${name}\` has no database: set ${environment.databaseUrlVar}, e.g. ${environment.databaseUrlVar}=postgres://app:secret@db:5432/app`,
    };
  }
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    return {
      ok: false,
      problem: `${environment.databaseUrlVar} is not a postgres:// URL: pg_dump backs up PostgreSQL databases only.`,
    };
  }
  return { ok: true, target: { name, url, urlVar: environment.databaseUrlVar, environment } };
}

export interface DrillServer {
  /** Stored with each drill database so the janitor can find it again: `drill`, `opsbot` or the environment. */
  label: string;
  /** A connection to the server where drill databases are created and dropped. */
  url: string;
  urlVar: string;
}

export function drillServerFor(target: DrillTarget, config: Pick<Config, 'drill'>): DrillServer {
  if (config.drill.databaseUrl) return { label: 'drill', url: config.drill.databaseUrl, urlVar: 'DRILL_DATABASE_URL' };
  return { label: target.name, url: target.url, urlVar: target.urlVar };
}

/** The server a stored label names today; undefined when the configuration no longer has it. */
export function drillServerByLabel(
  label: string,
  config: Pick<Config, 'drill' | 'databaseUrl' | 'environments' | 'dataDir'>,
): string | undefined {
  if (label === 'drill') return config.drill.databaseUrl;
  if (label === OPSBOT_ENV) return ownDatabaseUrl(config);
  return config.environments.find((e) => e.name === label)?.databaseUrl;
}

/** The URL of database on the server of url, with the same credentials and options. */
export function databaseUrlOn(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** host:port/database, to tell whether two URLs name the same database. */
export function databaseIdentity(url: string): string {
  const parsed = new URL(url);
  // A Unix socket folder in ?host= (the embedded server) names the server, not the localhost in front of it.
  const host = parsed.searchParams.get('host') || (parsed.hostname === 'localhost' ? '127.0.0.1' : parsed.hostname);
  return `${host}:${parsed.port || '5432'}/${decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username)}`;
}
