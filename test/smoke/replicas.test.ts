// Two replicas sharing Postgres, Redis and Slack, both scheduling the smoke job every 2 seconds: each fire runs on
// one replica only, so the application sees one request per path per fire, not two.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { smokeJob } from '../../jobs/smoke.js';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeApp, startFakeApp } from '../support/fake-app.js';
import {
  createTestDatabase,
  describeWithPostgres,
  describeWithRedis,
  redisPrefix,
  type TestDatabase,
} from '../support/infra.js';
import { type FakeSlack, startFakeSlack } from '../support/slack-fake.js';

describeWithPostgres('two replicas', () => {
  describeWithRedis('scheduling the smoke job every 2 seconds', () => {
    let app: FakeApp;
    let database: TestDatabase;
    let slack: FakeSlack;
    const bots: Bot[] = [];

    beforeAll(async () => {
      app = await startFakeApp();
      database = await createTestDatabase('smoke_replicas');
      slack = await startFakeSlack();
      const shared = { databaseUrl: database.url, redisPrefix: redisPrefix(), slack, jobs: [smokeJob] };
      const env = { ENVIRONMENTS: 'staging', STAGING_BASE_URL: app.url, SCHEDULE_SMOKE: '*/2 * * * * *' };
      for (let i = 0; i < 2; i++) bots.push(await startBot({ ...shared, env }));
    });
    afterAll(async () => {
      await Promise.all(bots.map((bot) => bot.stop()));
      await slack?.stop();
      await database?.drop();
      await app?.stop();
    });

    it('runs each fire on one replica: one request per path per fire', async () => {
      const passed = () =>
        database.query<{ n: number }>("select count(*)::int as n from runs where kind = 'smoke' and status = 'passed'");
      await vi.waitFor(async () => expect((await passed())[0]!.n).toBeGreaterThanOrEqual(4), {
        timeout: 30_000,
        interval: 200,
      });
      await Promise.all(bots.map((bot) => bot.stop()));

      const fires = await database.query<{ slot: string; runs: number }>(
        "select params->>'slot' as slot, count(*)::int as runs from runs where kind = 'job:smoke' group by 1 order by 1",
      );
      expect(fires.length).toBeGreaterThanOrEqual(4);
      expect(fires.filter((fire) => fire.runs !== 1)).toEqual([]);
      const smokeRuns = await database.query<{ status: string }>("select status from runs where kind = 'smoke'");
      expect(smokeRuns).toHaveLength(fires.length);
      // A run cut short by the stop may or may not have reached the app; every finished one did, once per path.
      const finished = smokeRuns.filter((run) => run.status === 'passed').length;
      expect(app.hits('/healthz')).toBeGreaterThanOrEqual(finished);
      expect(app.hits('/healthz')).toBeLessThanOrEqual(fires.length);
      expect(app.hits('/readyz')).toBe(app.hits('/healthz'));
    });
  });
});
