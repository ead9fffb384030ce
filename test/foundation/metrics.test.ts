// /metrics as a dashboard reads it: bounded labels (a scanner's path or an unknown command adds no series), and the
// state gauges read from the bot's database at scrape time.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';

describeWithPostgres('metrics', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot?.stop());

  const scrape = async () => (await bot.get('/metrics')).text;

  it('counts a scanner path and an unknown command as other, never under their own names', async () => {
    await bot.get('/wp-admin/setup.php');
    await bot.slash('/opsbot-nonsense-123', '');
    const text = await scrape();
    expect(text).toMatch(/opsbot_http_requests_total\{route="other",status="404"\} [1-9]/);
    expect(text).toMatch(/opsbot_command_duration_seconds_count\{command="other"\} [1-9]/);
    expect(text).not.toContain('wp-admin');
    expect(text).not.toContain('opsbot-nonsense-123');
  });

  it('shows the outbox backlog, open alerts by prefix, the newest backup age and the last drill result', async () => {
    await bot.db.query(
      `insert into outbox (kind, payload, created_at, next_attempt_at)
       values ('slack.post', '{}', now() - interval '10 minutes', now() + interval '1 day')`,
    );
    await bot.db.query(
      `insert into alerts (key, status, title, first_seen, last_seen) values
       ('smoke:staging', 'open', 'down', now(), now()), ('smoke:qa', 'acknowledged', 'down', now(), now()),
       ('backup:staging', 'resolved', 'failed', now(), now())`,
    );
    await bot.db.query(
      `insert into backups (id, env, status, storage, created_at) values
       ('b1', 'staging', 'complete', 'local /x', now() - interval '2 hours'),
       ('b2', 'staging', 'complete', 'local /x', now() - interval '1 hour'),
       ('b3', 'staging', 'failed', 'local /x', now())`,
    );
    await bot.db.query(
      `insert into runs (id, kind, env, trigger, status, started_at, finished_at) values
       ('r1', 'drill', 'staging', 'cron', 'passed', now() - interval '2 days', now() - interval '2 days'),
       ('r2', 'drill', 'staging', 'cron', 'failed', now() - interval '1 day', now() - interval '1 day')`,
    );
    const text = await scrape();
    const value = (pattern: RegExp) => Number(text.match(pattern)?.[1]);
    expect(value(/^opsbot_outbox_pending (\S+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^opsbot_outbox_oldest_age_seconds (\S+)$/m)).toBeGreaterThanOrEqual(590);
    expect(value(/^opsbot_alerts_open\{prefix="smoke"\} (\S+)$/m)).toBe(2);
    expect(text).not.toMatch(/opsbot_alerts_open\{prefix="backup"\}/);
    const age = value(/^opsbot_backup_newest_age_seconds\{env="staging"\} (\S+)$/m);
    expect(age).toBeGreaterThanOrEqual(3590);
    expect(age).toBeLessThan(3700);
    expect(value(/^opsbot_drill_last_passed\{env="staging"\} (\S+)$/m)).toBe(0);
  });
});
