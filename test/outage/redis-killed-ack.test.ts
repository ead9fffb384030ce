// Redis killed in the middle of a burst: 50 concurrent signed requests (Acknowledge clicks on one alert from 25
// people, and slash commands) are all answered, none with a 5xx, and the alert is acknowledged exactly once. The
// latency figures (p50/p99 before, during and after the kill) are bench/outage's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { observeAlert } from '../../src/alerts/observe.js';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { type PrivateRedis, startPrivateRedis } from '../support/redis-server.js';

describeWithPostgres('Acknowledge clicks while Redis is killed', () => {
  let redis: PrivateRedis;
  let bot: Bot;
  let alertId: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    bot = await startBot({ env: { REDIS_URL: redis.url } });
    await observeAlert(bot.deps, {
      key: 'smoke:production',
      failing: true,
      failureThreshold: 1,
      title: 'production smoke failed',
      lines: ['/healthz answered 500'],
      email: { subject: 'smoke', text: 'smoke' },
    });
    await bot.slack.waitFor('chat.postMessage', 1);
    [{ alertId }] = (await bot.db.query(
      'select id::text as "alertId" from alerts where key = \'smoke:production\'',
    )) as [{ alertId: string }];
    // Redis is in use before the kill: the replay guard keeps its signatures there.
    await bot.slash('/smoke', 'help');
    expect((await redis.client.keys(`${bot.redisPrefix}seen:sig:*`)).length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await bot?.stop();
    await redis?.stop();
  });

  it('answers all 50 requests without a 5xx and acknowledges the alert once', async () => {
    const ts = String(bot.slack.callsOf('chat.postMessage')[0]!.args.ts ?? '');
    let killed: Promise<void> | undefined;
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        // 50 requests over 1 s; Redis is SIGKILLed after the tenth has left.
        await new Promise((resolve) => setTimeout(resolve, i * 20));
        if (i === 10) killed = redis.kill();
        return i % 2
          ? bot.slash('/smoke', 'help', { user: `U_CMD${i}` })
          : bot.action({
              actionId: 'alert.acknowledge',
              value: alertId,
              user: `U_ONCALL${i}`,
              channel: 'C_ALERTS',
              messageTs: ts,
            });
      }),
    );
    await killed;
    expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
    expect(bot.logText()).toContain('redis is unreachable: coordinating through postgres');

    // The clicks' work goes on after their acknowledgement: each late click hears who acknowledged the alert.
    const replies = await bot.slack.waitFor('response_url', 24, 20_000);
    expect(replies.map((r) => String(r.args.text))).toEqual(
      Array(24).fill(expect.stringMatching(/^Already acknowledged by <@U_ONCALL\d+> at .*; nothing changed\.$/)),
    );
    const [alert] = await bot.db.query<{ acknowledged_by: string }>(
      'select acknowledged_by from alerts where id = $1',
      [alertId],
    );
    expect(alert!.acknowledged_by).toMatch(/^U_ONCALL\d+$/);
    const acks = await bot.db.query<{ actor: string; outcome: string }>(
      "select actor, outcome from audit_events where action = 'alert.acknowledge' order by seq",
    );
    // Every click is recorded (its audit event is written before its reply), exactly one of them as the change.
    expect(acks).toHaveLength(25);
    expect(acks.filter((a) => a.outcome !== 'unchanged')).toEqual([
      { actor: alert!.acknowledged_by, outcome: 'acknowledged' },
    ]);
    const updates = bot.slack
      .callsOf('chat.update')
      .filter((c) => c.args.channel === 'C_ALERTS' && JSON.stringify(c.args.blocks).includes('Acknowledged by'));
    expect(updates).toHaveLength(1);
    const commands = await bot.db.query<{ n: number }>(
      "select count(*)::int as n from audit_events where action = 'command.invoke'",
    );
    expect(commands).toEqual([{ n: 26 }]);
  });
});
