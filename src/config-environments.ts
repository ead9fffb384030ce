// ENVIRONMENTS and each environment's own variables (<NAME>_BASE_URL, _DATABASE_URL, _HEALTH_PATHS, …), and the lists
// of environment names other variables give (SEED_ENVIRONMENTS=staging), checked against them.
import { z } from 'zod';
import { type Environment, envVar, flag, httpUrl, list } from './config-model.js';
import type { Env, Reader } from './config-read.js';

const ENV_NAME = /^[a-z][a-z0-9-]{0,29}$/;

export interface Environments {
  names: string[];
  environments: Environment[];
  /** The names variable gives (fallback when unset), each checked against ENVIRONMENTS. */
  namesIn(variable: string, fallback: string, allowOpsbot: boolean): string[];
}

export function readEnvironments(env: Env, { read }: Reader, problems: string[]): Environments {
  const text = z.string();
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

  return { names, environments, namesIn };
}
