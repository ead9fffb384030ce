// checkEnvironment, the function /smoke, the job, the CLI and the drill share: header notes and SMOKE_REQUIRE_HEADERS,
// migration info, base URLs with a path or credentials, paths other than healthz/readyz, secrets kept out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { checkEnvironment } from '../../src/smoke/check.js';
import { type FakeApp, healthyRoutes, startFakeApp } from '../support/fake-app.js';

const SECURE_HEADERS = {
  'strict-transport-security': 'max-age=31536000',
  'content-security-policy': "default-src 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'ratelimit-limit': '100',
};

describe('checkEnvironment', () => {
  let app: FakeApp;
  beforeAll(async () => {
    app = await startFakeApp({
      ...healthyRoutes(),
      '/secure/healthz': { ...healthyRoutes()['/healthz'], headers: SECURE_HEADERS },
      '/secure/readyz': { ...healthyRoutes()['/readyz'], headers: SECURE_HEADERS },
      '/migrating/readyz': {
        json: {
          status: 'ready',
          checks: { database: 'ok', migrations: 'pending' },
          alembic_version: { current: 'a1', head: 'b2' },
        },
      },
      '/app/api/ping': { json: { status: 'up' } },
      '/app/api/deep': { json: { status: 'degraded', token: 'xoxb-1234-5678-secretvalue' } },
      '/fields/healthz': {
        json: {
          status: 'ok',
          cache: 'redis://cache:6379',
          owner: 'ops@example.com',
          dsn: 'postgres://app:pw-in-body@db/app',
        },
      },
    });
  });
  afterAll(() => app?.stop());

  const check = (env: Record<string, string>) => {
    const config = loadConfig({ ENVIRONMENTS: 'staging', ...env }, { requireSlack: false });
    return checkEnvironment(config.environments[0]!, { config, fetch, now: () => new Date() });
  };

  it('reports missing security headers and rate-limit headers as notes without failing by default', async () => {
    const report = await check({ STAGING_BASE_URL: app.url });
    expect(report.verdict).toBe('passed');
    expect(report.checks[0]!.headerNotes).toEqual(
      expect.arrayContaining([
        'missing security headers: HSTS, CSP, X-Content-Type-Options, X-Frame-Options, Referrer-Policy',
        'no rate-limit headers',
      ]),
    );
  });

  it('fails on missing headers when SMOKE_REQUIRE_HEADERS is true, and passes when they are all there', async () => {
    const bare = await check({ STAGING_BASE_URL: app.url, SMOKE_REQUIRE_HEADERS: 'true' });
    expect(bare.verdict).toBe('failed');
    expect(bare.checks[0]!.reason).toContain('missing security headers: HSTS');
    const secure = await check({ STAGING_BASE_URL: `${app.url}/secure`, SMOKE_REQUIRE_HEADERS: 'true' });
    expect(secure.verdict).toBe('passed');
    expect(secure.checks[0]!.headerNotes).toEqual(['rate limit: 100']);
    expect(secure.checks[0]!.headers).toMatchObject({ 'x-frame-options': 'DENY' });
  });

  it('names the readyz checks that are not ok and shows the migration info', async () => {
    const report = await check({ STAGING_BASE_URL: `${app.url}/migrating`, STAGING_HEALTH_PATHS: '/readyz' });
    expect(report.checks[0]!.reason).toBe('migrations is pending');
    expect(report.checks[0]!.notes[0]).toBe('alembic_version: current a1, head b2; migrations: pending');
  });

  it('keeps the base URL path, sends its credentials as Basic auth and masks the password in the report', async () => {
    const base = app.url.replace('http://', 'http://monitor:s3cret-pass@');
    const report = await check({ STAGING_BASE_URL: `${base}/app`, STAGING_HEALTH_PATHS: '/api/ping' });
    expect(report.verdict).toBe('passed');
    expect(report.baseUrl).toBe(`${app.url.replace('http://', 'http://monitor:****@')}/app`);
    expect(JSON.stringify(report)).not.toContain('s3cret-pass');
    const request = app.requests.filter((r) => r.path === '/app/api/ping').at(-1)!;
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('monitor:s3cret-pass').toString('base64')}`);
  });

  it('judges other health paths by a status such as ok or up, and masks tokens found in bodies', async () => {
    const report = await check({ STAGING_BASE_URL: `${app.url}/app`, STAGING_HEALTH_PATHS: '/api/ping,/api/deep' });
    expect(report.checks.map((c) => [c.path, c.ok, c.reason])).toEqual([
      ['/api/ping', true, undefined],
      ['/api/deep', false, 'status is degraded, expected ok, up or pass'],
    ]);
    expect(JSON.stringify(report)).not.toContain('secretvalue');
  });

  it('keeps every field of a stored body while masking the secrets in it', async () => {
    const report = await check({ STAGING_BASE_URL: `${app.url}/fields`, STAGING_HEALTH_PATHS: '/healthz' });
    expect(report.checks[0]!.body).toEqual({
      status: 'ok',
      cache: 'redis://cache:6379',
      owner: 'ops@example.com',
      dsn: 'postgres://app:****@db/app',
    });
  });
});
