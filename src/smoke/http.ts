// One health request: GET with a timeout, one retry (by default, after a backoff delay) after a connection error or a
// timeout, and every network failure put in words an on-call engineer understands.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Deps } from '../deps.js';

export type Fetched =
  | { ok: true; status: number; headers: Headers; text: string }
  | { ok: false; reason: string; retryable: boolean };
export interface Attempted {
  result: Fetched;
  attempts: number;
  latencyMs: number;
}

// Keeps a misbehaving endpoint (a health check that streams a page of HTML) out of the run record.
const MAX_BODY_CHARS = 64 * 1024;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** undici wraps the system error (and, for several addresses, an AggregateError of them) in `fetch failed`. */
function systemCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } })?.cause;
  return cause?.code ?? cause?.errors?.find((e) => e.code)?.code;
}

export function describeFailure(error: unknown, url: URL, timeoutMs: number): { reason: string; retryable: boolean } {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return { reason: `timed out after ${seconds(timeoutMs)}`, retryable: true };
  const code = systemCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'connection refused', retryable: true };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return { reason: 'connection reset before the response was complete', retryable: true };
    case 'ENOTFOUND':
      return { reason: `DNS lookup failed: no such host \`${url.hostname}\``, retryable: false };
    case 'EAI_AGAIN':
      return { reason: `DNS lookup failed for \`${url.hostname}\` (temporary failure)`, retryable: true };
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return { reason: `timed out connecting to \`${url.host}\``, retryable: true };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { reason: `host unreachable: \`${url.host}\``, retryable: true };
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return { reason: `TLS certificate problem (${code})`, retryable: false };
  }
  // fetch's own message is just "fetch failed": the cause says what happened ("bad port", a parse error).
  const cause = (error as { cause?: { message?: string } })?.cause?.message;
  return { reason: `request failed: ${code ?? cause ?? (error as Error)?.message ?? String(error)}`, retryable: false };
}

async function fetchOnce(deps: Pick<Deps, 'fetch'>, url: URL, timeoutMs: number): Promise<Fetched> {
  // fetch refuses URLs that carry credentials: send them as Basic auth instead.
  const target = new URL(url);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'opsbot-smoke' };
  if (target.username || target.password) {
    const user = decodeURIComponent(target.username);
    const pass = decodeURIComponent(target.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  try {
    // One deadline covers the headers and the body: a server that stalls mid-body is a timeout too.
    const response = await deps.fetch(target, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    const text = await response.text();
    return { ok: true, status: response.status, headers: response.headers, text: text.slice(0, MAX_BODY_CHARS) };
  } catch (error) {
    return { ok: false, ...describeFailure(error, url, timeoutMs) };
  }
}

export async function fetchWithRetry(
  deps: Pick<Deps, 'fetch'>,
  url: URL,
  options: { timeoutMs: number; retries: number; retryDelayMs?: number },
): Promise<Attempted> {
  const started = performance.now();
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const result = await fetchOnce(deps, url, options.timeoutMs);
    // Staging may be cold-starting: one more try after a connection error or timeout, not after an HTTP answer.
    if (result.ok || !result.retryable || attempts > options.retries) {
      return { result, attempts, latencyMs: Math.round(performance.now() - started) };
    }
    // Backoff: a service that is restarting gets 1×, 2×, 4× the delay, not a burst of instant retries.
    const delay = (options.retryDelayMs ?? 0) * 2 ** (attempts - 1);
    if (delay > 0) await sleep(delay);
  }
}
