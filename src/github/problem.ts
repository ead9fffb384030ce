// What went wrong with a GitHub request, in words: its answer when GitHub gave one, otherwise why there was none.
import { maskSecrets } from '../redact.js';

/** `GitHub answered 401: Bad credentials`, or `GitHub did not answer within 300 ms (GITHUB_TIMEOUT_MS)`. */
export function githubProblem(error: unknown): string {
  const e = error as { status?: number; message?: string; response?: unknown };
  const message = maskSecrets(e?.message ?? String(error));
  // Octokit gives network failures (refused, reset, timed out) status 500 but no response.
  if (e?.response !== undefined && e.status !== undefined) return `GitHub answered ${e.status}: ${message}`;
  return /did not answer within/.test(message) ? message : `GitHub could not be reached: ${message}`;
}
