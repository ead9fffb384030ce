// What someone typed to start a maintenance window (Slack or CLI), checked: a configured environment, a duration
// like 30m, 2h or 1d up to MAINTENANCE_MAX, and a reason. Pure: a request or the problem in words.

import type { Config } from '../config.js';
import { parseDuration } from '../config-model.js';
import { formatDuration } from '../format.js';

export interface MaintenanceRequest {
  env: string;
  ms: number;
  reason: string;
}

const MAX_REASON = 300;

export function checkMaintenanceRequest(
  input: { env?: string; duration?: string; reason?: string },
  config: Pick<Config, 'environments' | 'uptime'>,
): MaintenanceRequest | { problem: string } {
  const names = config.environments.map((e) => e.name);
  if (!input.env) return { problem: 'Name the environment, e.g. `staging`.' };
  const env = input.env.toLowerCase();
  if (!names.includes(env))
    return {
      problem: `\`${input.env.slice(0, 40)}\` is not a configured environment (configured: ${names.join(', ') || 'none'}).`,
    };
  const ms = input.duration ? parseDuration(input.duration) : undefined;
  if (!ms)
    return {
      problem: `\`${(input.duration ?? '').slice(0, 20)}\` is not a duration: use minutes, hours or days, e.g. 30m, 2h, 1d.`,
    };
  if (ms > config.uptime.maintenanceMaxMs)
    return {
      problem: `A window may last at most ${formatDuration(config.uptime.maintenanceMaxMs)} (MAINTENANCE_MAX); ${input.duration} is longer.`,
    };
  const reason = (input.reason ?? '').replace(/\s+/g, ' ').trim();
  if (!reason) return { problem: 'Say why: a reason is required, e.g. `/maintenance staging 30m database upgrade`.' };
  if (reason.length > MAX_REASON) return { problem: `Keep the reason under ${MAX_REASON} characters.` };
  return { env, ms, reason };
}
