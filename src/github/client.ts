// Octokit with the throttling and retry plugins; GITHUB_API_URL points it at GitHub Enterprise Server or a fake.
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

const GitHub = Octokit.plugin(throttling, retry);

/** Undefined without GITHUB_TOKEN and GITHUB_ORG: sources that need GitHub then say "SKIPPED: no credentials". */
export function createGithub(config: Config['github'], log: Logger): Octokit | undefined {
  if (!config.org) return undefined;
  return createGithubClient(config, log);
}

/**
 * Undefined without GITHUB_TOKEN; repository-level work (change control) needs no org. retries: how often a failed
 * request (5xx, unreachable) is tried again, a second, then 4, then 9 apart; rate limits are waited out regardless.
 */
export function createGithubClient(
  config: Config['github'],
  log: Logger,
  options: { retries?: number } = {},
): Octokit | undefined {
  if (!config.token) return undefined;
  return new GitHub({
    ...(options.retries === undefined ? {} : { retry: { retries: options.retries } }),
    auth: config.token,
    ...(config.apiUrl ? { baseUrl: config.apiUrl.replace(/\/$/, '') } : {}),
    userAgent: 'opsbot',
    // Octokit writes failed requests to the console; callers report them in their own words, so they go to debug.
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => log.warn({ github: message }, 'github warning'),
      error: (message: string) => log.debug({ github: message }, 'github request failed'),
    },
    throttle: {
      // Primary and secondary limits: wait as GitHub asks, up to twice, then give up and report.
      onRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _octokit: unknown,
        retryCount: number,
      ) => {
        log.warn({ retryAfter, url: options.url }, 'github rate limit');
        return retryCount < 2;
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _octokit: unknown,
        retryCount: number,
      ) => {
        log.warn({ retryAfter, url: options.url }, 'github secondary rate limit');
        return retryCount < 2;
      },
    },
  });
}
