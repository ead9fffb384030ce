// The real process: starts on embedded state with only Slack variables, refuses to start without them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createAudit } from '../../src/store/audit.js';
import { postgresDb } from '../../src/store/postgres.js';
import { TEST_BOT_TOKEN } from '../support/bot.js';
import { createTestDatabase, describeWithPostgres } from '../support/infra.js';
import { freePort, runOpsbot, runOpsbotProcess, spawnOpsbot, waitForOk } from '../support/process.js';
import { SIGNING_SECRET } from '../support/sign.js';
import { type FakeSlack, startFakeSlack } from '../support/slack-fake.js';

describe('the opsbot process', () => {
  let slack: FakeSlack;
  let dataDir: string;
  beforeAll(async () => {
    slack = await startFakeSlack();
    dataDir = mkdtempSync(join(tmpdir(), 'opsbot-'));
  });
  afterAll(async () => {
    await slack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 2 without Slack variables, naming each missing one, with no stack trace', async () => {
    const { code, stderr } = await runOpsbotProcess(['serve'], {});
    expect(code).toBe(2);
    expect(stderr).toContain('SLACK_BOT_TOKEN: is not set');
    expect(stderr).toContain('SLACK_SIGNING_SECRET: is not set');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('lists every configuration problem at once', async () => {
    const { code, stderr } = await runOpsbotProcess(['serve'], {
      SLACK_BOT_TOKEN: 'not-a-bot-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: 'eighty',
      ALERT_FAILURE_THRESHOLD: '0',
      SCHEDULE_SMOKE: 'every day',
      STAGING_BASE_URL: 'staging.example.com',
    });
    expect(code).toBe(2);
    for (const variable of [
      'SLACK_BOT_TOKEN',
      'PORT',
      'ALERT_FAILURE_THRESHOLD',
      'SCHEDULE_SMOKE',
      'STAGING_BASE_URL',
    ]) {
      expect(stderr).toContain(`${variable}:`);
    }
    expect(stderr).toContain('Example: PORT=3000');
  });

  it('serves /healthz and /readyz on embedded state with only the Slack variables', async () => {
    const port = await freePort();
    const proc = spawnOpsbot(['serve'], {
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      PORT: String(port),
      DATA_DIR: dataDir,
    });
    try {
      expect(await waitForOk(`http://127.0.0.1:${port}/healthz`, proc)).toMatchObject({ status: 'ok' });
      expect(await waitForOk(`http://127.0.0.1:${port}/readyz`, proc)).toEqual({
        status: 'ready',
        checks: { database: 'ok', redis: 'local', migrations: 'ok' },
      });
      expect(proc.stderr()).toContain('only one replica');
    } finally {
      expect(await proc.stop('SIGTERM')).toBe(0);
    }
    expect(proc.stderr()).toContain('opsbot stopped');
    expect(proc.stderr()).not.toContain(TEST_BOT_TOKEN);
  });

  it('prints the configuration with every secret masked', async () => {
    const { code, stdout } = await runOpsbot(['config', 'check'], {
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      DATABASE_URL: 'postgres://opsbot:db-pass-123@db.internal:5432/opsbot',
      SMTP_HOST: 'smtp.example.com',
      SMTP_USER: 'alerts',
      SMTP_PASSWORD: 'smtp-pass-456',
      GITHUB_TOKEN: 'ghp_abcdefghijklmnop1234',
      GITHUB_ORG: 'acme',
      STAGING_DATABASE_URL: 'postgresql://app:stage-pass-789@staging-db/app',
      STAGING_BASE_URL: 'https://monitor:basic-pass-012@staging.example.com',
    });
    expect(code).toBe(0);
    for (const secret of [
      TEST_BOT_TOKEN,
      SIGNING_SECRET,
      'db-pass-123',
      'smtp-pass-456',
      'ghp_abcdefghijklmnop1234',
      'stage-pass-789',
      'basic-pass-012',
    ]) {
      expect(stdout).not.toContain(secret);
    }
    expect(stdout).toContain('postgres://opsbot:****@db.internal:5432/opsbot');
    expect(stdout).toContain('Configuration OK.');
  });

  it('answers --help, on every subcommand too, and refuses an unknown command with exit 2', async () => {
    const subcommands = [
      ['smoke'],
      ['seed'],
      ['backup'],
      ['drill', 'restore'],
      ['drill', 'evidence'],
      ['access-review'],
    ];
    // Independent processes: started together, so the test waits for the slowest, not for the sum.
    const [top, unknown, ...helps] = await Promise.all([
      runOpsbot(['--help'], {}),
      runOpsbot(['frobnicate'], {}),
      ...subcommands.map((subcommand) => runOpsbot([...subcommand, '--help'], {})),
    ]);
    expect(top!.stdout).toContain('audit verify');
    subcommands.forEach((subcommand, i) => {
      expect(helps[i]!.code, subcommand.join(' ')).toBe(0);
      expect(helps[i]!.stdout, subcommand.join(' ')).toContain(`opsbot ${subcommand.join(' ')}`);
    });
    expect(unknown!.code).toBe(2);
    expect(unknown!.stderr).toContain('Unknown command `frobnicate`');
  });
});

describeWithPostgres('opsbot audit verify', () => {
  it('passes on a fresh chain and fails naming the row altered behind the trigger', async () => {
    const database = await createTestDatabase('verify');
    onTestFinished(() => database.drop());
    const env = { DATABASE_URL: database.url };
    expect((await runOpsbot(['migrate'], env)).code).toBe(0);
    const db = postgresDb(database.url, 1);
    onTestFinished(() => db.close());
    const audit = createAudit(db, () => new Date());
    for (const outcome of ['ok', 'ok', 'denied'])
      await audit.append({ action: 'test.event', actor: { user: 'U1' }, outcome });

    const fresh = await runOpsbot(['audit', 'verify'], env);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain('Rows walked: 3');
    expect(fresh.stdout).toContain('Audit chain OK.');

    await database.query(`set session_replication_role = replica; update audit_events set actor = 'U_EVIL' where seq = 2;
      set session_replication_role = origin`);
    const broken = await runOpsbot(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('BROKEN at row 2');
  });
});
