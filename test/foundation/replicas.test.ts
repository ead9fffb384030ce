// Two opsbot processes on one Postgres and Redis: both ready, migrations applied once, each cron fire run once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrationNames } from '../../src/store/migrate.js';
import { TEST_BOT_TOKEN } from '../support/bot.js';
import {
  createTestDatabase,
  describeWithPostgres,
  describeWithRedis,
  redisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
} from '../support/infra.js';
import { freePort, type OpsbotProcess, spawnOpsbot, waitForOk } from '../support/process.js';
import { SIGNING_SECRET } from '../support/sign.js';
import { type FakeSlack, startFakeSlack } from '../support/slack-fake.js';

describeWithPostgres('two replicas', () => {
  describeWithRedis('sharing Postgres and Redis', () => {
    let database: TestDatabase;
    let slack: FakeSlack;
    const replicas: OpsbotProcess[] = [];
    const ports: number[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('replicas');
      slack = await startFakeSlack();
      const prefix = redisPrefix();
      for (let i = 0; i < 2; i++) ports.push(await freePort());
      // Started together: both race to migrate.
      for (const port of ports) {
        replicas.push(
          spawnOpsbot(['serve'], {
            SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
            SLACK_SIGNING_SECRET: SIGNING_SECRET,
            SLACK_API_URL: slack.url,
            PORT: String(port),
            DATABASE_URL: database.url,
            REDIS_URL: TEST_REDIS_URL,
            REDIS_PREFIX: prefix,
            SCHEDULE_JANITOR: '*/2 * * * * *',
            SCHEDULE_SMOKE: 'off',
            SCHEDULE_BACKUP: 'off',
            SCHEDULE_DRILL: 'off',
            SCHEDULE_ACCESS_REVIEW: 'off',
            SCHEDULE_POSTURE: 'off',
          }),
        );
      }
    });
    afterAll(async () => {
      await Promise.all(replicas.map((p) => p.stop()));
      await slack.stop();
      await database.drop();
    });

    it('both become ready, and each migration is applied once', async () => {
      for (const [i, port] of ports.entries()) {
        expect(await waitForOk(`http://127.0.0.1:${port}/readyz`, replicas[i]!)).toMatchObject({
          status: 'ready',
          checks: { database: 'ok', redis: 'ok', migrations: 'ok' },
        });
      }
      const applied = await database.query<{ name: string }>('select name from schema_migrations order by name');
      expect(applied.map((r) => r.name)).toEqual(migrationNames());
      expect(replicas.filter((p) => p.stderr().includes('migrations applied'))).toHaveLength(1);
    });

    it('runs a job scheduled every 2 seconds once per fire across both', async () => {
      const slots = async () =>
        database.query<{ slot: string; runs: number }>(
          `select params->>'slot' as slot, count(*)::int as runs from runs where kind = 'job:janitor' group by 1 order by 1`,
        );
      const deadline = Date.now() + 30_000;
      while ((await slots()).length < 4 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 250));
      const fired = await slots();
      expect(fired.length).toBeGreaterThanOrEqual(4);
      expect(fired.filter((s) => s.runs !== 1)).toEqual([]);
    });
  });
});
