// Two replicas sharing Postgres, Redis and Slack: a /smoke that lands on the second replica while the first is
// checking the same environment joins that check, and each asker's channel gets the result naming them.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeApp, healthyRoutes, startFakeApp } from '../support/fake-app.js';
import {
  createTestDatabase,
  describeWithPostgres,
  describeWithRedis,
  redisPrefix,
  type TestDatabase,
} from '../support/infra.js';
import { type FakeSlack, startFakeSlack, textOf } from '../support/slack-fake.js';

describeWithPostgres('two replicas', () => {
  describeWithRedis('answering /smoke staging', () => {
    let app: FakeApp;
    let database: TestDatabase;
    let slack: FakeSlack;
    let replicaA: Bot;
    let replicaB: Bot;

    beforeAll(async () => {
      // Slow enough that the second request arrives while the first check is still waiting on the app.
      const slow = Object.fromEntries(
        Object.entries(healthyRoutes()).map(([path, route]) => [path, { ...route, delayMs: 1500 }]),
      );
      app = await startFakeApp(slow);
      database = await createTestDatabase('smoke_join');
      slack = await startFakeSlack();
      const shared = { databaseUrl: database.url, redisPrefix: redisPrefix(), slack };
      const env = { ENVIRONMENTS: 'staging', STAGING_BASE_URL: app.url };
      replicaA = await startBot({ ...shared, env });
      replicaB = await startBot({ ...shared, env });
    });
    afterAll(async () => {
      await Promise.all([replicaA?.stop(), replicaB?.stop()]);
      await slack?.stop();
      await database?.drop();
      await app?.stop();
    });

    const resultIn = async (channel: string) => {
      const posts = () => slack.callsOf('chat.postMessage').filter((call) => call.args.channel === channel);
      await vi.waitFor(() => expect(posts()).toHaveLength(1), { timeout: 30_000, interval: 50 });
      return posts()[0]!;
    };

    it('joins the check under way on the other replica: one check, one run, a result naming each asker', async () => {
      const first = await replicaA.slash('/smoke', 'staging', { user: 'U_ANA', channel: 'C_ONE' });
      expect(first.body).toMatchObject({ text: 'Checking staging…' });
      await app.waitForHits('/healthz', 1);
      const second = await replicaB.slash('/smoke', 'staging', { user: 'U_BEN', channel: 'C_TWO' });
      expect(second.status).toBe(200);

      const one = await resultIn('C_ONE');
      const two = await resultIn('C_TWO');
      expect(one.args.text).toContain('✅ Smoke staging: passed');
      expect(textOf(one.args.blocks)).toContain('asked by <@U_ANA>');
      expect(two.args.text).toContain('✅ Smoke staging: passed');
      expect(textOf(two.args.blocks)).toContain('asked by <@U_BEN>');
      expect(textOf(two.args.blocks)).not.toContain('U_ANA');
      const notes = slack.callsOf('response_url').map((call) => call.args.text);
      expect(notes).toContain('Checking staging… (joining the check <@U_ANA> started)');

      expect(app.hits('/healthz')).toBe(1);
      expect(app.hits('/readyz')).toBe(1);
      const runs = await database.query<{ id: string; status: string }>(
        "select id, status from runs where kind = 'smoke'",
      );
      expect(runs).toEqual([{ id: expect.any(String), status: 'passed' }]);
      expect(textOf(two.args.blocks)).toContain(`run \`${runs[0]!.id}\``);
      const events = () =>
        database.query<{ actor: string; joined: boolean }>(
          "select actor, (params->>'joined')::boolean as joined from audit_events where action = 'smoke.run' order by seq",
        );
      await vi.waitFor(async () => expect(await events()).toHaveLength(2), { timeout: 10_000, interval: 50 });
      expect(await events()).toEqual(
        expect.arrayContaining([
          { actor: 'U_ANA', joined: false },
          { actor: 'U_BEN', joined: true },
        ]),
      );
    });
  });
});
