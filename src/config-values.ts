// The schemas and parsers every configuration value goes through: lists, URLs, counts, flags, durations, time zones.
import { z } from 'zod';

export const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
export const envVar = (name: string) => name.toUpperCase().replace(/-/g, '_');
export const httpUrl = z.url({ protocol: /^https?$/, error: 'is not an http(s) URL' });
export const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'is not a postgres:// URL' });
export const redisUrl = z.url({ protocol: /^rediss?$/, error: 'is not a redis:// URL' });
export const count = (min: number) =>
  z.coerce.number({ error: 'is not a number' }).int('is not a whole number').min(min, `must be at least ${min}`);
export const ratio = z.coerce
  .number({ error: 'is not a number' })
  .min(0, 'must be between 0 and 1')
  .max(1, 'must be between 0 and 1');
export const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes'].includes(v));

/** `30m`, `2h`, `1d` -> milliseconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
  const ms = Number(match[1]) * unit;
  return ms > 0 ? ms : undefined;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
