// The audit part of the configuration: AUDIT_KEY (the chain's HMAC key, never shown) and SLACK_AUDIT_CHANNEL (where
// the chain's head is anchored besides the backup storage). Read by config.ts, which reports its problems with the rest.
import type { AuditConfig } from './config-model.js';
import { parseAuditKey } from './store/audit-mac.js';

type Env = Record<string, string | undefined>;

export function readAudit(env: Env, problems: string[]): AuditConfig {
  const key = env.AUDIT_KEY?.trim() || undefined;
  // The value is never echoed, not even masked in part: it is the one secret the database must not learn.
  if (key && !parseAuditKey(key))
    problems.push(
      'AUDIT_KEY: is not at least 32 random bytes as hex (64 or more hex digits) or base64 (the value is not shown). Example: AUDIT_KEY=$(openssl rand -hex 32)',
    );
  return {
    key: key && parseAuditKey(key) ? key : undefined,
    channel: env.SLACK_AUDIT_CHANNEL?.trim() || undefined,
  };
}
