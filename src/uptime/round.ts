// One uptime round of an environment: its health paths judged by the smoke rules, its N_UPTIME_PATHS by a 2xx
// alone, one attempt each within UPTIME_TIMEOUT_MS. The environment is up in the round when every path is.
import type { Environment } from '../config.js';
import { envVar } from '../config-model.js';
import type { Deps } from '../deps.js';
import { maskSecrets } from '../redact.js';
import { healthUrl } from '../smoke/check.js';
import { fetchWithRetry } from '../smoke/http.js';
import { judgeResponse } from '../smoke/verdict.js';

export interface UptimeSample {
  path: string;
  ok: boolean;
  status?: number;
  latencyMs: number;
  reason?: string;
}

export interface UptimeRound {
  env: string;
  at: Date;
  up: boolean;
  /** The slowest path's latency. */
  latencyMs: number;
  samples: UptimeSample[];
}

export type RoundDeps = Pick<Deps, 'fetch' | 'now' | 'config'>;

async function samplePath(env: Environment, path: string, judged: boolean, deps: RoundDeps): Promise<UptimeSample> {
  const url = healthUrl(env.baseUrl ?? '', path);
  const { result, latencyMs } = await fetchWithRetry(deps, url, {
    timeoutMs: deps.config.uptime.timeoutMs,
    retries: 0,
  });
  if (!result.ok) return { path, ok: false, latencyMs, reason: result.reason };
  if (!judged) {
    const ok = result.status >= 200 && result.status < 300;
    return { path, ok, status: result.status, latencyMs, reason: ok ? undefined : `HTTP ${result.status}` };
  }
  const judgement = judgeResponse(result.status, result.text, result.headers, {
    requireHeaders: deps.config.smoke.requireHeaders,
    textOk: env.healthTextOk,
    textOkVar: `${envVar(env.name)}_HEALTH_TEXT_OK`,
  });
  return {
    path,
    ok: judgement.ok,
    status: result.status,
    latencyMs,
    reason: judgement.reason && maskSecrets(judgement.reason),
  };
}

/** The environment must have a base URL (the job checks smokeProblem first). */
export async function checkRound(env: Environment, deps: RoundDeps): Promise<UptimeRound> {
  const at = deps.now();
  const extra = deps.config.uptime.paths.filter((path) => !env.healthPaths.includes(path));
  const samples = await Promise.all([
    ...env.healthPaths.map((path) => samplePath(env, path, true, deps)),
    ...extra.map((path) => samplePath(env, path, false, deps)),
  ]);
  return {
    env: env.name,
    at,
    up: samples.every((sample) => sample.ok),
    latencyMs: Math.max(0, ...samples.map((sample) => sample.latencyMs)),
    samples,
  };
}
