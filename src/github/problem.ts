// What went wrong with a GitHub request, in words: its answer when GitHub gave one, otherwise why there was none.
import { maskSecrets } from '../redact.js';
import { GithubTimeoutError } from './timed-fetch.js';

/** `GitHub answered 401: Bad credentials`, or `GitHub did not answer within 300 ms (GITHUB_TIMEOUT_MS)`. */
export function githubProblem(error: unknown): string {
  const e = error as { status?: number; message?: string; response?: unknown; cause?: unknown };
  if (e?.cause instanceof GithubTimeoutError) return e.cause.message;
  const message = maskSecrets(e?.message ?? String(error));
  // Octokit gives network failures (refused, reset) status 500 but no response.
  if (e?.response !== undefined && e.status !== undefined) return `GitHub answered ${e.status}: ${message}`;
  return `GitHub could not be reached: ${message}`;
}
