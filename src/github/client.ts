// Octokit with the throttling and retry plugins; GITHUB_API_URL points it at GitHub Enterprise Server or a fake.
import { createHash } from 'node:crypto';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { timedFetch, timeoutRetries } from './timed-fetch.js';

// timeoutRetries before retry: its error hook runs first and caps the retries of a request that timed out.
const GitHub = Octokit.plugin(throttling, timeoutRetries, retry);

/** Undefined without GITHUB_TOKEN and GITHUB_ORG: sources that need GitHub then say "SKIPPED: no credentials". */
export function createGithub(config: Config['github'], log: Logger): Octokit | undefined {
  if (!config.org) return undefined;
  return createGithubClient(config, log);
}

/**
 * Undefined without GITHUB_TOKEN; repository-level work (change control) needs no org. retries: how often a failed
 * request (5xx, unreachable) is tried again, a second, then 4, then 9 apart (one that timed out: once, TIMEOUT_RETRIES);
 * rate limits are waited out regardless.
 */
export function createGithubClient(
  config: Config['github'],
  log: Logger,
  options: { retries?: number } = {},
): Octokit | undefined {
  if (!config.token) return undefined;
  const baseUrl = (config.apiUrl ?? 'https://api.github.com').replace(/\/$/, '');
  return new GitHub({
    ...(options.retries === undefined ? {} : { retry: { retries: options.retries } }),
    auth: config.token,
    baseUrl,
    userAgent: 'opsbot',
    request: { fetch: timedFetch(config.timeoutMs) },
    // Octokit writes failed requests to the console; callers report them in their own words, so they go to debug.
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => log.warn({ github: message }, 'github warning'),
      error: (message: string) => log.debug({ github: message }, 'github request failed'),
    },
    throttle: {
      // GitHub limits each account on each host: clients of one token share one queue (writes a second apart,
      // searches two), and clients of another token or host don't wait behind it. The id is a hash: no token in it.
      id: createHash('sha256').update(`${baseUrl}\n${config.token}`).digest('hex').slice(0, 16),
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
