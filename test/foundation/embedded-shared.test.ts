// The embedded state is one PostgreSQL server that the bot and the CLI share: what a CLI command writes beside a
// running bot is there after both have stopped, and `opsbot backup opsbot` dumps it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/store/audit.js';
import { embeddedDb } from '../../src/store/embedded.js';
import { stopEmbeddedServer } from '../../src/store/embedded-server.js';
import { createTarget } from '../seed/helpers.js';
import { TEST_BOT_TOKEN } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { freePort, runOpsbot, spawnOpsbot, waitForOk } from '../support/process.js';
import { SIGNING_SECRET } from '../support/sign.js';
import { type FakeSlack, startFakeSlack } from '../support/slack-fake.js';

describeWithPostgres('the CLI beside a running bot on embedded state', () => {
  let slack: FakeSlack;
  let target: Awaited<ReturnType<typeof createTarget>>;
  let dataDir: string;
  beforeAll(async () => {
    [slack, target] = await Promise.all([startFakeSlack(), createTarget('embshared')]);
    dataDir = mkdtempSync(join(tmpdir(), 'opsbot-shared-'));
  });
  afterAll(async () => {
    await Promise.all([slack?.stop(), target?.drop(), stopEmbeddedServer(dataDir)]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every run and audit event the CLI wrote, and backs the embedded state up', async () => {
    const env = {
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      DATA_DIR: dataDir,
      ENVIRONMENTS: 'staging',
      STAGING_DATABASE_URL: target.urlWithPassword,
    };
    const port = await freePort();
    const bot = spawnOpsbot(['serve'], { ...env, PORT: String(port) });
    try {
      await waitForOk(`http://127.0.0.1:${port}/readyz`, bot, 120_000);
      const seed = await runOpsbot(['seed', 'pilots', '--count', '2', '--confirm', 'I_UNDERSTAND'], env);
      expect(seed.code, seed.stderr).toBe(0);
      const verify = await runOpsbot(['audit', 'verify'], env);
      expect(verify.code, verify.stderr).toBe(0);
      // Nothing but the answer on stdout: no log line before it.
      expect(verify.stdout).toMatch(
        /^Rows walked: \d+\nHead hash: [0-9a-f]{64}\n(Newest anchor: .+\n)?Audit chain OK\.\n$/,
      );
      const backup = await runOpsbot(['backup', 'opsbot'], env);
      expect(backup.code, backup.stdout + backup.stderr).toBe(0);
    } finally {
      expect(await bot.stop('SIGTERM')).toBe(0);
    }

    const db = await embeddedDb(dataDir);
    try {
      const runs = await db.query<{ kind: string; status: string; trigger: string }>(
        "select kind, status, trigger from runs where kind in ('seed', 'backup') order by started_at",
      );
      expect(runs).toEqual([
        { kind: 'seed', status: 'passed', trigger: 'cli' },
        { kind: 'backup', status: 'passed', trigger: 'cli' },
      ]);
      const actions = await db.query<{ action: string }>(
        "select action from audit_events where action in ('seed.run', 'backup.run') order by seq",
      );
      expect(actions.map((a) => a.action)).toEqual(['seed.run', 'backup.run']);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    } finally {
      await db.close();
    }
  }, 180_000);
});
