// Every GitHub request ends within GITHUB_TIMEOUT_MS: a GitHub (or proxy) that takes the connection and never answers
// fails the request with a sentence instead of holding a review, a digest or a deploy's answer until the OS gives up.
import type { Octokit } from '@octokit/rest';

/** How often a request that timed out is tried again: a GitHub that did not answer once seldom answers the third time. */
export const TIMEOUT_RETRIES = 1;

/** GitHub did not answer in time; Octokit hands it on as a RequestError's cause. */
export class GithubTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`GitHub did not answer within ${timeoutMs} ms (GITHUB_TIMEOUT_MS)`);
    this.name = 'GithubTimeoutError';
  }
}

/** The fetch Octokit uses, with the request aborted after timeoutMs (and still when the caller aborts it). */
export function timedFetch(timeoutMs: number): typeof fetch {
  return async (input, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await fetch(input, { ...init, signal });
    } catch (error) {
      if (timeout.aborted) throw new GithubTimeoutError(timeoutMs);
      throw error;
    }
  };
}

/**
 * An Octokit plugin, to be listed before plugin-retry (whose error hook then runs after this one): a request that timed
 * out is tried again TIMEOUT_RETRIES times, not as often as a 5xx. Each try waits the full GITHUB_TIMEOUT_MS, so at the
 * default 30 s four tries held a review for over two minutes; two hold it for one.
 */
export function timeoutRetries(octokit: Pick<Octokit, 'hook'>, options: { retry?: { retries?: number } } = {}): void {
  // Never more than the client allows any request (a client made with retries: 0 tries nothing again).
  const cap = Math.min(options.retry?.retries ?? TIMEOUT_RETRIES, TIMEOUT_RETRIES);
  octokit.hook.error('request', (error, requestOptions) => {
    if ((error as { cause?: unknown }).cause instanceof GithubTimeoutError) {
      const request = requestOptions.request as { retries?: number };
      request.retries = Math.min(request.retries ?? cap, cap);
    }
    throw error;
  });
}
