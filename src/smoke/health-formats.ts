// The health bodies services really serve, read into pass / warn / fail with reasons a person reads in one line:
// the runbook's ({status: ok|ready, checks}), Spring Boot Actuator (UP/DOWN/OUT_OF_SERVICE/UNKNOWN, nested
// `components`) and IETF health+json (pass/warn/fail, `checks` as arrays of objects). Status words ignore case.
import { cutText } from '../format.js';

export type Level = 'pass' | 'warn' | 'fail';

export interface BodyVerdict {
  /** Why the body says the service is unhealthy; empty when it is healthy. */
  reasons: string[];
  /** What is worth knowing without failing: an IETF `warn`, a component that warns. */
  notes: string[];
}

// `degraded` stays a failure: the runbook's services use it for "serving, but not as they should".
const PASS = /^(ok|ready|healthy|up|pass(ed)?|green)$/i;
const WARN = /^(warn|warning)$/i;
const SAID: Record<string, string> = {
  out_of_service: 'out of service',
  unknown: 'unknown (the service could not tell its own health)',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === 'object' && !Array.isArray(value);
// Foreign text (a health body) cut between graphemes, never inside an emoji.
const cut = cutText;
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** A status value in words: `DOWN` -> `DOWN`, `OUT_OF_SERVICE` -> `out of service`, `{…}` -> its JSON, cut. */
export function statusWords(value: unknown): string {
  if (typeof value === 'string') return cut(oneLine(SAID[value.toLowerCase()] ?? value), 60) || 'empty';
  if (value === undefined) return 'missing';
  return cut(JSON.stringify(value) ?? String(value), 60);
}

export function level(status: unknown): Level {
  if (status === true) return 'pass';
  if (typeof status !== 'string') return 'fail';
  if (PASS.test(status.trim())) return 'pass';
  if (WARN.test(status.trim())) return 'warn';
  return 'fail';
}

interface Finding {
  name: string;
  level: Level;
  status: unknown;
  /** An IETF `output` or Actuator `details.error`: what the component said about itself. */
  said?: string;
}

function saidBy(entry: Record<string, unknown>): string | undefined {
  const details = isObject(entry.details) ? entry.details : undefined;
  const text = entry.output ?? entry.error ?? details?.error ?? details?.message;
  return typeof text === 'string' && text.trim() ? cut(oneLine(text), 80) : undefined;
}

/** The runbook's `{database: "ok"}`, `[{name, status}]` and IETF's `{"db:responseTime": [{status, output}]}`. */
function fromChecks(checks: unknown): Finding[] {
  const entries: [string, unknown][] = Array.isArray(checks)
    ? checks.map((c, i) => [String((c as { name?: unknown; componentId?: unknown })?.name ?? i), c])
    : isObject(checks)
      ? Object.entries(checks)
      : [];
  return entries.flatMap(([name, value]) => {
    const items = Array.isArray(value) ? value : [value];
    return items.map((item): Finding => {
      if (!isObject(item)) return { name, level: level(item), status: item };
      // Several IETF entries under one key differ by componentId: name them so the reason says which one.
      const id = Array.isArray(value) && value.length > 1 && item.componentId ? ` (${String(item.componentId)})` : '';
      return { name: `${name}${id}`, level: level(item.status), status: item.status, said: saidBy(item) };
    });
  });
}

/** Actuator's `components`, nested: `db` -> `{status, components: {primary: {status}}}`, named `db.primary`. */
function fromComponents(components: unknown, prefix = ''): Finding[] {
  if (!isObject(components)) return [];
  return Object.entries(components).flatMap(([key, value]) => {
    const name = prefix ? `${prefix}.${key}` : key;
    if (!isObject(value)) return [{ name, level: level(value), status: value }];
    const nested = fromComponents(value.components, name);
    // A composite's own status only summarises its parts: name the parts when they say more.
    if (nested.some((f) => f.level !== 'pass')) return nested;
    return [{ name, level: level(value.status), status: value.status, said: saidBy(value) }];
  });
}

const describe = (f: Finding) => `${f.name} is ${statusWords(f.status)}${f.said ? ` (${f.said})` : ''}`;

/** The verdict of a JSON object that has a `status`; `path` kind decides nothing more than the expected word. */
export function judgeBody(body: Record<string, unknown>): BodyVerdict {
  const overall = level(body.status);
  const parts = [...fromChecks(body.checks), ...fromComponents(body.components)];
  const failing = parts.filter((f) => f.level === 'fail').map(describe);
  const warning = parts.filter((f) => f.level === 'warn').map(describe);
  const reasons: string[] = [];
  if (overall === 'fail') {
    const output = typeof body.output === 'string' && body.output.trim() ? ` (${cut(oneLine(body.output), 80)})` : '';
    reasons.push(`status is ${statusWords(body.status)}${output}, expected ok, up or pass`);
  }
  // The runbook's /healthz names its database apart from `checks`.
  if ('database_status' in body && level(body.database_status) === 'fail')
    reasons.push(`database is ${statusWords(body.database_status)}`);
  reasons.push(...failing);
  const notes = [
    ...(overall === 'warn' ? [`status is ${statusWords(body.status)}: healthy, with a warning`] : []),
    ...warning,
  ];
  return { reasons, notes };
}
