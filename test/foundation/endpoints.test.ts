// /healthz, /readyz and /metrics on the bot's own HTTP server.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { TEST_REDIS_URL } from '../support/infra.js';
import { startFakeSlack } from '../support/slack-fake.js';

describe('health endpoints', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot.stop());

  it('says the process is up, with its uptime', async () => {
    const answer = await bot.get('/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', uptime_seconds: expect.any(Number) });
  });

  it('says it is ready, with database, redis and migrations checked', async () => {
    const answer = await bot.get('/readyz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'ready',
      checks: { database: 'ok', redis: TEST_REDIS_URL ? 'ok' : 'local', migrations: 'ok' },
    });
  });

  it('counts requests and command latency in /metrics', async () => {
    await bot.slash('/smoke', 'help');
    const answer = await bot.get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/opsbot_http_requests_total\{route="\/slack\/events",status="200"\} [1-9]/);
    expect(answer.text).toMatch(/opsbot_command_duration_seconds_count\{command="\/smoke"\} [1-9]/);
    expect(answer.text).toContain('opsbot_job_runs_total');
  });

  it('answers 404 for a path it does not serve', async () => {
    expect((await bot.get('/nope')).status).toBe(404);
  });
});

describe('readiness when the database is gone', () => {
  it('answers 503 not_ready naming the database', async () => {
    const bot = await startBot();
    try {
      await bot.db.close();
      const answer = await bot.get('/readyz');
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ status: 'not_ready', checks: { database: 'error' } });
    } finally {
      await bot.stop().catch(() => {});
    }
  });
});

describe('Slack unreachable at start', () => {
  it('starts anyway, serves its endpoints, and logs that Slack did not answer', async () => {
    const slack = await startFakeSlack();
    await slack.stop();
    const bot = await startBot({ slack });
    onTestFinished(() => bot.stop());
    expect((await bot.get('/healthz')).status).toBe(200);
    const deadline = Date.now() + 15_000;
    while (!bot.logs.some((l) => l.msg?.toString().startsWith('slack did not accept')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(bot.logs.find((l) => String(l.msg).startsWith('slack did not accept'))).toMatchObject({ level: 'error' });
    expect((await bot.get('/readyz')).status).toBe(200);
  });
});
