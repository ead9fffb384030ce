// The key of the audit chain: AUDIT_KEY's bytes, its public id, and a row's mac (HMAC-SHA256 of the row's hash).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The action of the first keyed row: it names the key (by id) the rows from it on are keyed with. */
export const KEY_ENABLED_ACTION = 'audit.key.enabled';

/**
 * At least 32 bytes, as hex (64+ hex characters) or base64; undefined for anything else. Text made only of hex digits
 * is read as hex, so a short hex key is refused rather than read as base64.
 */
export function parseAuditKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]+$/.test(value))
    return value.length >= 64 && value.length % 2 === 0 ? Buffer.from(value, 'hex') : undefined;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length >= 32 ? bytes : undefined;
}

/** The key's public id: the first 12 hex digits of its sha256. Tells keys apart without revealing them. */
export function auditKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export function auditMac(key: Buffer, hash: string): string {
  return createHmac('sha256', key).update(hash).digest('hex');
}

export function isValidMac(key: Buffer, hash: string, mac: string | null | undefined): boolean {
  if (!mac || !/^[0-9a-f]{64}$/.test(mac)) return false;
  return timingSafeEqual(Buffer.from(auditMac(key, hash), 'hex'), Buffer.from(mac, 'hex'));
}
