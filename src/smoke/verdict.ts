// The runbook's verdict rules for one health response: HTTP 200, a JSON object with `status`, and per endpoint
// what that status and its details must be. Also the notes: migration info, security and rate-limit headers.

export interface Judgement {
  ok: boolean;
  reason?: string;
  /** The parsed JSON body, kept as the run's artifact (the runbook's staging-healthz.json). */
  body?: unknown;
  /** Why the body is not usable JSON, when it is not. */
  bodyError?: string;
  notes: string[];
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
const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const shown = (value: unknown) =>
  cut(typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? 'nothing'), 60);
const isObject = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === 'object' && !Array.isArray(value);

/** `health` for /healthz (and /health), `ready` for /readyz (and /ready), `other` for any other path. */
export function endpointKind(path: string): 'health' | 'ready' | 'other' {
  const last = path.split('?')[0]!.replace(/\/+$/, '').split('/').pop() ?? '';
  if (/^health(z)?$/i.test(last)) return 'health';
  if (/^ready(z)?$/i.test(last)) return 'ready';
  return 'other';
}

/** The entries of `checks` that are not ok: `database: error`. Accepts `{name: "ok"}` and `[{name, status}]`. */
function failingChecks(checks: unknown): string[] {
  const entries: [string, unknown][] = Array.isArray(checks)
    ? checks.map((c, i) => [String((c as { name?: unknown })?.name ?? i), c])
    : isObject(checks)
      ? Object.entries(checks)
      : [];
  return entries.flatMap(([name, value]) => {
    const status = isObject(value) ? value.status : value;
    return status === 'ok' || status === true
      ? []
      : [`${name}: ${typeof status === 'string' ? status : shown(status)}`];
  });
}

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

function bodyReasons(kind: ReturnType<typeof endpointKind>, body: Record<string, unknown>): string[] {
  const status = body.status;
  if (kind === 'health') {
    return [
      ...(status === 'ok' ? [] : [`status is ${shown(status)}, expected "ok"`]),
      ...('database_status' in body && body.database_status !== 'healthy'
        ? [`database_status is ${shown(body.database_status)}`]
        : []),
    ];
  }
  if (kind === 'ready') {
    const notOk = failingChecks(body.checks);
    return [
      ...(status === 'ready' ? [] : [`status is ${shown(status)}, expected "ready"`]),
      ...(notOk.length ? [notOk.join(', ')] : []),
    ];
  }
  return typeof status === 'string' && /^(ok|ready|healthy|up|pass(ed)?)$/i.test(status)
    ? []
    : [`status is ${shown(status)}`];
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

export function judgeResponse(
  path: string,
  status: number,
  text: string,
  headers: Headers,
  requireHeaders: boolean,
): Judgement {
  const header = headerNotes(headers, requireHeaders);
  let body: unknown;
  let bodyError: string | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    bodyError = text.trim() ? `not JSON: ${cut(flat(text), 80)}` : 'not JSON: the body is empty';
  }
  const notes = [...header.notes];
  const reasons: string[] = [];
  if (status !== 200) {
    const said = isObject(body) && body.status !== undefined ? ` (status ${shown(body.status)})` : '';
    reasons.push(`HTTP ${status}${said}`);
  } else if (bodyError) {
    reasons.push(bodyError);
  } else if (!isObject(body)) {
    reasons.push(`not a JSON object: ${cut(flat(text), 80)}`);
  } else if (!('status' in body)) {
    reasons.push('no `status` field in the JSON');
  } else {
    reasons.push(...bodyReasons(endpointKind(path), body));
  }
  if (isObject(body)) {
    const migrations = migrationNote(body);
    if (migrations) notes.unshift(migrations);
    if (body.version !== undefined) notes.unshift(`version ${cut(String(body.version), 40)}`);
  }
  reasons.push(...header.reasons);
  return {
    ok: reasons.length === 0,
    reason: reasons.length ? reasons.join('; ') : undefined,
    body,
    bodyError,
    notes,
    headers: header.found,
  };
}
