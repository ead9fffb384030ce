// The health checks of one environment, as a plain report: every health path, concurrently, judged by the runbook.
import type { Environment } from '../config.js';
import { envVar } from '../config-model.js';
import type { Deps } from '../deps.js';
import { maskDeep, maskSecrets, maskUrl } from '../redact.js';
import { fetchWithRetry } from './http.js';
import { judgeResponse } from './verdict.js';

export interface CheckResult {
  path: string;
  /** The URL requested, password masked. */
  url: string;
  ok: boolean;
  /** Absent when no response came back. */
  status?: number;
  /** From the first attempt to the last answer, retries included. */
  latencyMs: number;
  attempts: number;
  /** Set when ok is false, in words an on-call engineer understands. */
  reason?: string;
  body?: unknown;
  bodyError?: string;
  /** Migration info, version, security and rate-limit headers: shown, failing only when SMOKE_REQUIRE_HEADERS is on. */
  notes: string[];
  /** Security and rate-limit header findings, shown once per run (absent in runs stored before they were apart). */
  headerNotes?: string[];
  headers?: Record<string, string>;
}

export interface SmokeReport {
  env: string;
  /** Password masked. */
  baseUrl: string;
  verdict: 'passed' | 'failed';
  checks: CheckResult[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export type SmokeDeps = Pick<Deps, 'fetch' | 'now' | 'config'>;

/** Why env cannot be checked (no base URL), or undefined when it can. */
export function smokeProblem(env: Environment): string | undefined {
  if (env.baseUrl) return undefined;
  const variable = env.baseUrlVar ?? `the base URL of ${env.name}`;
  return `\`${variable}\` is not set, so \`${env.name}\` cannot be checked. Set it to the environment's URL, e.g. https://${env.name}.example.com`;
}

/** Joins base URL and path keeping the base's own path: https://x/app + /healthz -> https://x/app/healthz. */
export function healthUrl(baseUrl: string, path: string): URL {
  return new URL(`${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
}

/** Throws only for opsbot's own faults (an environment without a base URL: check smokeProblem first). */
export async function checkEnvironment(env: Environment, deps: SmokeDeps): Promise<SmokeReport> {
  const problem = smokeProblem(env);
  if (problem || !env.baseUrl) throw new Error(problem);
  const baseUrl = env.baseUrl;
  const startedAt = deps.now().toISOString();
  const started = performance.now();
  // Concurrent, so a run lasts as long as its slowest check, not the sum of them.
  const checks = await Promise.all(env.healthPaths.map((path) => checkPath(env, baseUrl, path, deps)));
  return {
    env: env.name,
    baseUrl: maskUrl(baseUrl),
    verdict: checks.every((check) => check.ok) ? 'passed' : 'failed',
    checks,
    startedAt,
    finishedAt: deps.now().toISOString(),
    durationMs: Math.round(performance.now() - started),
  };
}

async function checkPath(env: Environment, baseUrl: string, path: string, deps: SmokeDeps): Promise<CheckResult> {
  const url = healthUrl(baseUrl, path);
  const { timeoutMs, retries, retryDelayMs, requireHeaders } = deps.config.smoke;
  const { result, attempts, latencyMs } = await fetchWithRetry(deps, url, { timeoutMs, retries, retryDelayMs });
  const base = { path, url: maskUrl(url.toString()), latencyMs, attempts };
  if (!result.ok) return { ...base, ok: false, reason: result.reason, notes: [] };
  const judged = judgeResponse(result.status, result.text, result.headers, {
    requireHeaders,
    textOk: env.healthTextOk,
    textOkVar: `${envVar(env.name)}_HEALTH_TEXT_OK`,
  });
  return {
    ...base,
    ok: judged.ok,
    status: result.status,
    reason: judged.reason && maskSecrets(judged.reason),
    // A health body should hold no secrets; masking keeps a careless one out of the run record and Slack.
    // Field by field: masking the serialised text could join two fields into one match and lose data.
    body: judged.body === undefined ? undefined : maskDeep(judged.body),
    bodyError: judged.bodyError && maskSecrets(judged.bodyError),
    notes: judged.notes.map((note) => maskSecrets(note)),
    headerNotes: judged.headerNotes.map((note) => maskSecrets(note)),
    headers: judged.headers,
  };
}
