// `opsbot smoke [env] [--json]` as a real process: the report as text or JSON, exit 0 healthy, 1 failing, 2 config error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApp, healthyRoutes, startFakeApp } from '../support/fake-app.js';
import { runOpsbot } from '../support/process.js';

// Each test is one independent process against the same fake app: they run at once.
describe('opsbot smoke', { concurrent: true }, () => {
  let app: FakeApp;
  beforeAll(async () => {
    app = await startFakeApp({
      ...healthyRoutes(),
      '/broken/healthz': healthyRoutes()['/healthz']!,
      '/broken/readyz': { status: 503, json: { status: 'not_ready' } },
    });
  });
  afterAll(() => app?.stop());

  const env = () => ({ ENVIRONMENTS: 'staging,qa', STAGING_BASE_URL: app.url, QA_BASE_URL: `${app.url}/broken` });

  it('prints valid JSON with every check and exits 0 when the environment is healthy', async () => {
    const { code, stdout } = await runOpsbot(['smoke', 'staging', '--json'], env());
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ env: 'staging', verdict: 'passed', baseUrl: app.url });
    expect(report.checks.map((c: { path: string; status: number }) => [c.path, c.status])).toEqual([
      ['/healthz', 200],
      ['/readyz', 200],
    ]);
    expect(code).toBe(0);
  });

  it('prints one line per check with the reason and exits 1 when a check fails', async () => {
    const { code, stdout } = await runOpsbot(['smoke', 'qa'], env());
    expect(stdout).toContain('❌ qa failed');
    // A check that took a second or more reads "1.05 s" (a loaded machine).
    expect(stdout).toMatch(/✅ \/healthz 200 · (\d+ ms|\d+\.\d+ s)/);
    expect(stdout).toContain('❌ /readyz 503');
    expect(stdout).toContain('HTTP 503 (status "not_ready")');
    expect(code).toBe(1);
  });

  it('exits 1 with a failing JSON report, still valid JSON', async () => {
    const { code, stdout } = await runOpsbot(['smoke', 'qa', '--json'], env());
    expect(JSON.parse(stdout).verdict).toBe('failed');
    expect(code).toBe(1);
  });

  it('exits 2 naming the configured environments when the environment is unknown', async () => {
    const { code, stderr, stdout } = await runOpsbot(['smoke', 'prod'], env());
    expect(stderr).toContain('`prod` is not a configured environment (configured: staging, qa)');
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('exits 2 naming the variable when the base URL is not set', async () => {
    const { code, stderr } = await runOpsbot(['smoke'], { ENVIRONMENTS: 'staging' });
    expect(stderr).toContain('`STAGING_BASE_URL` is not set');
    expect(code).toBe(2);
  });

  it('exits 2 with the configuration problem when the base URL is not a URL', async () => {
    const { code, stderr } = await runOpsbot(['smoke', 'staging'], { STAGING_BASE_URL: 'staging.example.com' });
    expect(stderr).toContain('STAGING_BASE_URL: `staging.example.com` is not an http(s) URL');
    expect(code).toBe(2);
  });

  it('exits 2 with the usage for an unknown option', async () => {
    const { code, stderr } = await runOpsbot(['smoke', '--yaml'], env());
    expect(stderr).toContain('Usage: opsbot smoke [env] [--json]');
    expect(code).toBe(2);
  });
});
