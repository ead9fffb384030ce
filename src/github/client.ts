// Octokit with the throttling and retry plugins; GITHUB_API_URL points it at GitHub Enterprise Server or a fake.
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

const GitHub = Octokit.plugin(throttling, retry);

/** Undefined without GITHUB_TOKEN and GITHUB_ORG: sources that need GitHub then say "SKIPPED: no credentials". */
export function createGithub(config: Config['github'], log: Logger): Octokit | undefined {
  if (!config.token || !config.org) return undefined;
  return new GitHub({
    auth: config.token,
    ...(config.apiUrl ? { baseUrl: config.apiUrl.replace(/\/$/, '') } : {}),
    userAgent: 'opsbot',
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
