// The verdict on one health response: HTTP 200 and a JSON object whose `status` and parts are healthy (the formats
// in health-formats.ts), or a 2xx plain-text body where the environment allows it. Also the notes: migration info,
// version, and the security and rate-limit headers (kept apart, so a run shows them once, not under every check).
import { cutText } from '../format.js';
import { judgeBody } from './health-formats.js';

export interface Judgement {
  ok: boolean;
  reason?: string;
  /** The parsed JSON body, kept as the run's artifact (the runbook's staging-healthz.json). */
  body?: unknown;
  /** Why the body is not usable JSON, when it is not. */
  bodyError?: string;
  notes: string[];
  /** Security and rate-limit findings: the same for every path of a service, so shown once per run. */
  headerNotes: string[];
  headers: Record<string, string>;
}

const SECURITY_HEADERS: [string, string][] = [
  ['strict-transport-security', 'HSTS'],
  ['content-security-policy', 'CSP'],
  ['x-content-type-options', 'X-Content-Type-Options'],
  ['x-frame-options', 'X-Frame-Options'],
  ['referrer-policy', 'Referrer-Policy'],
];
const RATE_LIMIT_HEADERS = [
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
];

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
// Foreign text (a health body) cut between graphemes, never inside an emoji.
const cut = cutText;
const shown = (value: unknown) =>
  cut(typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? 'nothing'), 60);
const isObject = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === 'object' && !Array.isArray(value);

function migrationNote(body: Record<string, unknown>): string | undefined {
  const found = Object.entries(body).filter(([key]) => /migrat|alembic|revision|schema_version/i.test(key));
  const fromChecks = isObject(body.checks) ? Object.entries(body.checks).filter(([key]) => /migrat/i.test(key)) : [];
  const parts = [...found, ...fromChecks].map(
    ([key, value]) =>
      `${key}: ${
        isObject(value)
          ? Object.entries(value)
              .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
              .join(', ')
          : typeof value === 'string'
            ? value
            : JSON.stringify(value)
      }`,
  );
  return parts.length ? cut(parts.join('; '), 160) : undefined;
}

function headerNotes(
  headers: Headers,
  requireHeaders: boolean,
): { notes: string[]; reasons: string[]; found: Record<string, string> } {
  const found: Record<string, string> = {};
  for (const name of [...SECURITY_HEADERS.map(([h]) => h), ...RATE_LIMIT_HEADERS]) {
    const value = headers.get(name);
    if (value !== null) found[name] = cut(value, 200);
  }
  const missing = SECURITY_HEADERS.filter(([name]) => !(name in found)).map(([, label]) => label);
  const rateLimited = RATE_LIMIT_HEADERS.some((name) => name in found);
  const notes = [
    ...(missing.length ? [`missing security headers: ${missing.join(', ')}`] : []),
    rateLimited
      ? `rate limit: ${found['ratelimit-limit'] ?? found['x-ratelimit-limit'] ?? found.ratelimit ?? 'present'}`
      : 'no rate-limit headers',
  ];
  const reasons = requireHeaders
    ? notes.filter((note) => note.startsWith('missing') || note.startsWith('no rate'))
    : [];
  return { notes, reasons, found };
}

export interface JudgeOptions {
  requireHeaders: boolean;
  /** `<ENV>_HEALTH_TEXT_OK=true`: a 2xx plain-text body (`OK`) is healthy. */
  textOk: boolean;
  /** The variable that would allow it, named in the reason for a text body. */
  textOkVar?: string;
}

export function judgeResponse(status: number, text: string, headers: Headers, options: JudgeOptions): Judgement {
  const header = headerNotes(headers, options.requireHeaders);
  let body: unknown;
  let bodyError: string | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    bodyError = text.trim() ? `not JSON: ${cut(flat(text), 80)}` : 'not JSON: the body is empty';
  }
  const notes: string[] = [];
  const reasons: string[] = [];
  const plainOk = options.textOk && status >= 200 && status < 300 && !isObject(body);
  if (plainOk) {
    notes.push(text.trim() ? `plain-text answer: ${cut(flat(text), 40)}` : 'empty answer');
  } else if (status !== 200) {
    const said = isObject(body) && body.status !== undefined ? ` (status ${shown(body.status)})` : '';
    reasons.push(`HTTP ${status}${said}`);
  } else if (bodyError) {
    reasons.push(
      options.textOk || !options.textOkVar ? bodyError : `${bodyError} (${options.textOkVar}=true accepts text)`,
    );
  } else if (!isObject(body)) {
    reasons.push(`not a JSON object: ${cut(flat(text), 80)}`);
  } else if (!('status' in body)) {
    reasons.push('no `status` field in the JSON');
  } else {
    const judged = judgeBody(body);
    reasons.push(...judged.reasons);
    notes.push(...judged.notes);
  }
  if (isObject(body)) {
    const migrations = migrationNote(body);
    if (migrations) notes.unshift(migrations);
    if (body.version !== undefined) notes.unshift(`version ${cut(String(body.version), 40)}`);
  }
  reasons.push(...header.reasons);
  return {
    ok: reasons.length === 0,
    // One line a person reads: the first few reasons, cut, never a page of JSON.
    reason: reasons.length ? cut(reasons.join('; '), 240) : undefined,
    body: plainOk ? undefined : body,
    bodyError: plainOk ? undefined : bodyError,
    notes,
    headerNotes: header.notes,
    headers: header.found,
  };
}
