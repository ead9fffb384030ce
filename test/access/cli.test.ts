// `opsbot access-review`: usage mistakes exit 2 with what was wrong; latest says when there is no review yet.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { createAppDatabase } from './fixtures.js';

async function cli(args: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['access-review', ...args], {
    env: { LOG_LEVEL: 'warn', ...env },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it.each([
  [[], 'Say what to do.'],
  [['approve'], 'approve is not an access-review command.'],
  [['evidence'], '(nothing) is not a quarter. Use YYYY-Qn, e.g. 2026-Q3.'],
  [['evidence', '2026-Q5'], '2026-Q5 is not a quarter. Use YYYY-Qn, e.g. 2026-Q3.'],
  [['run', 'now'], 'run takes no arguments; now is extra.'],
  [['evidence', '2026-Q3', 'Q4'], 'evidence takes one quarter; Q4 is extra.'],
  [['run', '--format', 'xml'], 'Unknown option `--format`'],
])('exits 2 and says what was wrong for access-review %j', async (args, message) => {
  const result = await cli(args, {});
  expect(result.code).toBe(2);
  expect(result.err).toContain(message);
  expect(result.err).toContain('Usage: opsbot access-review run|latest|evidence <YYYY-Qn> [--out DIR] [--json]');
});

it('prints its help with --help', async () => {
  const result = await cli(['--help'], {});
  expect(result.code).toBe(0);
  expect(result.out).toContain('Exit codes: 0 no anomalies (run) / no gaps (evidence)');
});

describeWithPostgres('opsbot access-review on a database', () => {
  let state: TestDatabase;
  let app: TestDatabase;
  beforeAll(async () => {
    [state, app] = await Promise.all([createTestDatabase('state'), createAppDatabase()]);
  });
  afterAll(() => Promise.all([state?.drop(), app?.drop()]));

  it('says there is no review yet, and exits 1', async () => {
    const result = await cli(['latest'], { DATABASE_URL: state.url });
    expect(result.out).toBe('No access review has been taken yet. Run /access-review run (reviewer role).');
    expect(result.code).toBe(1);
  });

  it('takes a review, prints its anomalies, exits 1 for them, and shows it as the latest', async () => {
    const run = await cli(['run'], { DATABASE_URL: state.url, ACCESS_DATABASE_URL: app.url });
    expect(run.code).toBe(1);
    expect(run.out).toContain('app_user: 3 users (1 admins)');
    expect(run.out).toContain('github_member: SKIPPED: no credentials');
    expect(run.out).toContain('⚠️ tenant beta has autopost_enabled = true (false by default)');
    expect(run.out).toContain('Not posted to Slack: SLACK_BOT_TOKEN and SLACK_REVIEW_CHANNEL are needed.');
    expect(run.out).not.toMatch(/postgres:\/\/[^\s]*@/);
    const latest = await cli(['latest', '--json'], { DATABASE_URL: state.url });
    expect(latest.code).toBe(0);
    expect(JSON.parse(latest.out)).toMatchObject({
      trigger: 'cli',
      decision: null,
      anomalies: [{ code: 'autopost_enabled' }, { code: 'threshold_below_minimum' }],
    });
  });
});
