// Every GitHub request ends within GITHUB_TIMEOUT_MS: a GitHub (or proxy) that takes the connection and never answers
// fails the request with a sentence instead of holding a review, a digest or a deploy's answer until the OS gives up.

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
