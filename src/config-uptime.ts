// The uptime checks' variables (UPTIME_*, N_UPTIME_PATHS, N_SLO_AVAILABILITY, MAINTENANCE_MAX) and the status page's.
import { z } from 'zod';
import { type Config, count, flag, list, parseDuration } from './config-model.js';
import type { Env, Reader } from './config-read.js';

export function readUptime(env: Env, { read }: Reader): Pick<Config, 'uptime' | 'statusPage'> {
  const text = z.string();
  return {
    uptime: {
      timeoutMs: read('UPTIME_TIMEOUT_MS', count(100), '10000', '10000') ?? 10_000,
      paths: list(
        read('N_UPTIME_PATHS', text.regex(/^\/[^,]*(,\s*\/[^,]*)*$/, 'must be paths starting with /'), '/metrics') ??
          '',
      ),
      retentionDays: read('UPTIME_RETENTION_DAYS', count(1), '400', '400') ?? 400,
      sloAvailability:
        read(
          'N_SLO_AVAILABILITY',
          z.coerce.number({ error: 'is not a number' }).gt(0, 'must be above 0').lt(100, 'must be below 100'),
          '99.9',
          '99.9',
        ) ?? 99.9,
      maintenanceMaxMs:
        read(
          'MAINTENANCE_MAX',
          text
            .refine((v) => parseDuration(v) !== undefined, 'is not a duration like 30m, 2h or 1d')
            .transform((v) => parseDuration(v) ?? 0),
          '24h',
          '24h',
        ) ?? 86_400_000,
    },
    statusPage: {
      enabled: read('STATUS_PAGE', flag, 'true', 'false') ?? false,
      token: env.STATUS_PAGE_TOKEN || undefined,
    },
  };
}
