// The audit chain's primitives: the canonical form of a row, its hash over the previous one, and how text is made
// storable. Shared by the writer, verify and the offline evidence verifier (no database, no key).
import { createHash } from 'node:crypto';
import { maskDeep } from '../redact.js';

export const GENESIS_HASH = '0'.repeat(64);
export const AT_FORMAT = `to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface ChainRow {
  seq: number;
  at: string;
  actor: string | null;
  channel: string | null;
  action: string;
  params: unknown;
  outcome: string;
}

/** JSON with object keys sorted at every depth: one text per value, whatever order the keys came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function chainHash(prevHash: string, row: ChainRow): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(row)).digest('hex');
}

// A lone half of a surrogate pair: jsonb refuses it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const storable = (text: string) => text.replace(LONE_SURROGATE, '\uFFFD').split('\u0000').join('\\u0000');

/**
 * Parameters as stored: secrets masked, and text made storable, since jsonb refuses NUL characters and lone
 * surrogates, and a command whose text jsonb refuses must still leave its event.
 */
export function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(maskDeep(params), (_key, value) => (typeof value === 'string' ? storable(value) : value)),
  );
}
