// The health formats services really serve, as a table run through `opsbot smoke --json` against the fake app: the
// runbook's, Spring Boot Actuator, IETF health+json, status words in any case, and plain text where it is allowed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, SmokeReport } from '../../src/smoke/check.js';
import { type AppRoute, type FakeApp, startFakeApp } from '../support/fake-app.js';
import { runOpsbot } from '../support/process.js';

const ietf = (json: unknown, status = 200): AppRoute => ({
  status,
  body: JSON.stringify(json),
  headers: { 'content-type': 'application/health+json' },
});

// [path, answer, passes, the reason (failing) or a note (passing) a person reads]
const rows: [string, AppRoute, boolean, string | undefined][] = [
  ['/runbook/healthz', { json: { status: 'ok', database_status: 'healthy' } }, true, undefined],
  ['/runbook/readyz', { json: { status: 'ready', checks: { database: 'ok' } } }, true, undefined],
  ['/runbook-db/healthz', { json: { status: 'ok', database_status: 'unhealthy' } }, false, 'database is unhealthy'],
  ['/runbook-check/readyz', { json: { status: 'ready', checks: { cache: 'error' } } }, false, 'cache is error'],
  ['/upper/healthz', { json: { status: 'OK' } }, true, undefined],
  // Cut between graphemes: the skin-toned thumb at the limit goes whole, never half a surrogate pair.
  ['/emoji/healthz', { body: `${'x'.repeat(77)}👍🏽👍🏽` }, false, `not JSON: ${'x'.repeat(77)}…`],
  ['/upper/readyz', { json: { status: 'Ready' } }, true, undefined],
  ['/actuator/health', { json: { status: 'UP', components: { db: { status: 'UP' } } } }, true, undefined],
  [
    '/actuator-down/health',
    {
      status: 200,
      json: {
        status: 'DOWN',
        components: {
          db: { status: 'DOWN', details: { error: 'Connection refused' } },
          disk: { status: 'UP' },
        },
      },
    },
    false,
    'status is DOWN, expected ok, up or pass; db is DOWN (Connection refused)',
  ],
  [
    '/actuator-nested/health',
    {
      json: {
        status: 'UP',
        components: { db: { status: 'UP', components: { primary: { status: 'UP' }, replica: { status: 'DOWN' } } } },
      },
    },
    false,
    'db.replica is DOWN',
  ],
  ['/actuator-oos/health', { json: { status: 'OUT_OF_SERVICE' } }, false, 'status is out of service'],
  ['/actuator-unknown/health', { json: { status: 'UNKNOWN' } }, false, 'status is unknown'],
  ['/ietf/health', ietf({ status: 'pass', checks: { 'db:responseTime': [{ status: 'pass' }] } }), true, undefined],
  [
    '/ietf-warn/health',
    ietf({ status: 'warn', checks: { 'disk:utilization': [{ status: 'warn', output: 'disk 91% full' }] } }),
    true,
    'disk:utilization is warn (disk 91% full)',
  ],
  [
    '/ietf-fail/health',
    ietf({
      status: 'fail',
      output: 'database down',
      checks: {
        'db:connections': [
          { componentId: 'primary', status: 'fail', output: 'connection refused' },
          { componentId: 'replica', status: 'pass' },
        ],
      },
    }),
    false,
    'status is fail (database down), expected ok, up or pass; db:connections (primary) is fail (connection refused)',
  ],
  ['/ietf-503/health', ietf({ status: 'fail' }, 503), false, 'HTTP 503 (status "fail")'],
  ['/text/health', { body: 'OK' }, false, 'not JSON: OK (STAGING_HEALTH_TEXT_OK=true accepts text)'],
  ['/degraded/health', { json: { status: 'degraded' } }, false, 'status is degraded, expected ok, up or pass'],
];

describe('health formats', () => {
  let app: FakeApp;
  let checks: Map<string, CheckResult>;
  let textReport: SmokeReport;
  let plain: string;
  beforeAll(async () => {
    app = await startFakeApp({
      ...Object.fromEntries(rows.map(([path, route]) => [path, route])),
      '/text-ok/health': { body: 'OK\n' },
      '/text-ok/broken': { status: 500, body: 'Internal Server Error' },
    });
    const env = {
      ENVIRONMENTS: 'staging,qa',
      STAGING_BASE_URL: app.url,
      STAGING_HEALTH_PATHS: rows.map(([path]) => path).join(','),
      QA_BASE_URL: `${app.url}/text-ok`,
      QA_HEALTH_PATHS: '/health,/broken',
      QA_HEALTH_TEXT_OK: 'true',
    };
    const [json, text, qa] = await Promise.all([
      runOpsbot(['smoke', 'staging', '--json'], env),
      runOpsbot(['smoke', 'staging'], env),
      runOpsbot(['smoke', 'qa', '--json'], env),
    ]);
    const report = JSON.parse(json.stdout) as SmokeReport;
    checks = new Map(report.checks.map((check) => [check.path, check]));
    textReport = JSON.parse(qa.stdout) as SmokeReport;
    plain = text.stdout;
  }, 60_000);
  afterAll(() => app?.stop());

  it.each(rows)('judges %s as described', (path, _route, passes, words) => {
    const check = checks.get(path)!;
    expect(check.ok).toBe(passes);
    if (passes) {
      expect(check.reason).toBeUndefined();
      if (words) expect(check.notes.join(' · ')).toContain(words);
    } else {
      expect(check.reason).toContain(words);
      expect(check.reason).not.toMatch(/\n/);
    }
  });

  it('accepts a 2xx plain-text answer when HEALTH_TEXT_OK is on, and still fails a 500', () => {
    expect(textReport.checks.map((c) => [c.path, c.ok, c.reason])).toEqual([
      ['/health', true, undefined],
      ['/broken', false, 'HTTP 500'],
    ]);
    expect(textReport.checks[0]!.notes).toEqual(['plain-text answer: OK']);
  });

  it('prints the missing security headers once for the run, not under every check', () => {
    expect(plain.match(/missing security headers/g)).toHaveLength(1);
    expect(plain).toContain('headers: missing security headers: HSTS');
  });
});
