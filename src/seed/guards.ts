// The seed guards: whether an environment's database may be written to, decided from configuration alone (no
// connection), in the runbook's words. A refusal is data with a reason; the caller shows and audits it.
import { type ConnectionOptions, parse } from 'pg-connection-string';
import type { Config } from '../config.js';
import { maskUrl } from '../redact.js';

export interface SeedTarget {
  env: string;
  url: string;
  /** The URL with its password masked: what messages and reports show. */
  masked: string;
  host: string;
  port: number;
  database: string;
  user: string;
}
export type GuardVerdict = { ok: true; target: SeedTarget } | { ok: false; reason: string };
type GuardConfig = Pick<Config, 'environments' | 'seed' | 'databaseUrl'>;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const SQLITE = /^(sqlite\d*|file):/i;
const SQLITE_PATH = /\.(db|sqlite\d*)$/i;
const FILE_PARAMS = ['sslcert', 'sslkey', 'sslrootcert'];
// `database` is not a libpq keyword at all (psql rejects it) and pg lets the path win: it only misleads a reader.
const AMBIGUOUS_PARAMS = ['hostaddr', 'dbname', 'database', 'service'];

/**
 * Where pg connects for a postgres URL: host, port, database, user (no password), or undefined when it is not one.
 * pg-connection-string is the parser pg itself uses, so `?host=`, `?port=` and `?user=` in the query string win over
 * the URL's own parts here exactly as they do when the seed connects.
 */
export function describeDatabaseUrl(url: string): Omit<SeedTarget, 'env' | 'url' | 'masked'> | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!/^postgres(ql)?:$/i.test(parsed.protocol)) return undefined;
  // The parser reads these files while parsing; they say nothing about where it connects, and guards do no I/O.
  const files = FILE_PARAMS.filter((name) => parsed.searchParams.has(name));
  for (const name of files) parsed.searchParams.delete(name);
  let options: ConnectionOptions;
  try {
    options = parse(files.length ? parsed.toString() : url);
  } catch {
    return undefined;
  }
  return {
    host: (options.host ?? '').toLowerCase(),
    port: options.port ? Number(options.port) : 5432,
    database: options.database ?? '',
    user: options.user ?? '',
  };
}

/** The password pg would send (the URL's own, or `?password=`), so error text can be scrubbed of it. */
export function passwordOf(url: string): string | undefined {
  try {
    return parse(url).password || undefined;
  } catch {
    return undefined;
  }
}

/** A query parameter that pg ignores but libpq (psql, pg_dump) obeys: the URL would name two destinations. */
function ambiguousParameter(url: string): string | undefined {
  try {
    const query = new URL(url).searchParams;
    return AMBIGUOUS_PARAMS.find((name) => query.has(name));
  } catch {
    return undefined;
  }
}

/** True when two URLs name the same database on the same server, whatever the credentials or spelling of localhost. */
export function sameDatabase(a: string, b: string): boolean {
  const x = describeDatabaseUrl(a);
  const y = describeDatabaseUrl(b);
  if (!x || !y) return false;
  // No host means pg's default, localhost; a Unix socket directory is this machine too.
  const host = (h: string) => (!h || LOCAL_HOSTS.has(h) || h.startsWith('/') ? 'localhost' : h);
  return host(x.host) === host(y.host) && x.port === y.port && x.database === y.database;
}

export function checkSeedTarget(envName: string, config: GuardConfig): GuardVerdict {
  const refuse = (reason: string): GuardVerdict => ({ ok: false, reason });
  const seedable = config.seed.environments;
  const env = config.environments.find((e) => e.name === envName);
  if (!env || !seedable.includes(envName)) {
    return refuse(`\`${envName}\` is not in SEED_ENVIRONMENTS (${seedable.join(', ') || 'none'}) — refusing to run.`);
  }
  const variable = env.databaseUrlVar;
  const url = env.databaseUrl?.trim();
  if (!url)
    return refuse(
      `${variable} is not set. Set it to the staging Postgres URL, e.g. postgresql://user:pass@host:5432/db.`,
    );
  const path = url.split(/[?#]/)[0]!;
  if (SQLITE.test(url) || (!url.includes('://') && SQLITE_PATH.test(path))) {
    return refuse(
      `Refusing to run against SQLite: ${variable} must be a Postgres URL (postgresql://user:pass@host:5432/db).`,
    );
  }
  const where = describeDatabaseUrl(url);
  if (!where) {
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? 'no scheme';
    if (/^postgres(ql)?:$/i.test(scheme))
      return refuse(
        `${variable} is not a Postgres URL pg can read — refusing to run. Use postgresql://user:pass@host:5432/db.`,
      );
    return refuse(
      `${variable} is not a postgres:// URL (\`${scheme}\`) — refusing to run. Use postgresql://user:pass@host:5432/db.`,
    );
  }
  const twice = ambiguousParameter(url);
  if (twice) {
    return refuse(
      `${variable} sets \`?${twice}=\`, which pg ignores but psql and pg_dump do not, so the URL names two destinations` +
        ' — refusing to run. Put the host, port, user and database in the URL itself: postgresql://user:pass@host:5432/db.',
    );
  }
  const prod = (['host', 'database', 'user'] as const).find((part) => /prod/i.test(where[part]));
  if (prod)
    return refuse(`${variable} contains 'prod' — refusing to run (in its ${prod}). Use the staging database URL only.`);
  // Without them pg falls back to PGHOST, PGUSER and the OS account, which these guards cannot see.
  if (!where.host) return refuse(`${variable} names no host — refusing to run. Add it to the URL: …@<host>:5432/db.`);
  if (!where.user)
    return refuse(`${variable} names no user — refusing to run. Add it to the URL: postgresql://<user>:pass@host/db.`);
  if (!Number.isInteger(where.port) || where.port < 1 || where.port > 65_535)
    return refuse(`${variable} names no usable port — refusing to run. Use a number, e.g. …@host:5432/db.`);
  if (!where.database)
    return refuse(`${variable} names no database — refusing to run. Add it to the URL: …:5432/<database>.`);
  const other = config.environments.find(
    (e) => !seedable.includes(e.name) && e.databaseUrl && sameDatabase(e.databaseUrl, url),
  );
  if (other) {
    return refuse(
      `${variable} points at the same database as ${other.databaseUrlVar}, and \`${other.name}\` is not in SEED_ENVIRONMENTS — refusing to run.`,
    );
  }
  if (config.databaseUrl && sameDatabase(config.databaseUrl, url)) {
    return refuse(`${variable} points at opsbot's own database (DATABASE_URL) — refusing to run.`);
  }
  return { ok: true, target: { env: envName, url, masked: maskUrl(url), ...where } };
}

/** What the modal shows for each seedable environment: where it writes, or why it would be refused. */
export function seedDestinations(
  config: GuardConfig,
): { env: string; host?: string; port?: number; database?: string; refusal?: string }[] {
  return config.seed.environments.map((name) => {
    const verdict = checkSeedTarget(name, config);
    if (verdict.ok)
      return { env: name, host: verdict.target.host, port: verdict.target.port, database: verdict.target.database };
    const where = describeDatabaseUrl(config.environments.find((e) => e.name === name)?.databaseUrl ?? '');
    return { env: name, host: where?.host, port: where?.port, database: where?.database, refusal: verdict.reason };
  });
}
