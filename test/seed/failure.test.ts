// A failure in the middle of step 2 rolls everything back: the target is exactly as before, and the message says which
// step failed and why.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { poolFault, SEED_SQL } from '../support/faults.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { createTarget, fingerprint, OPERATOR, submitSeed, tablesOf } from './helpers.js';

describeWithPostgres('a seed that fails in step 2', () => {
  let bot: Bot;
  let target: Awaited<ReturnType<typeof createTarget>>;
  let failing = true;
  beforeAll(async () => {
    target = await createTarget();
    bot = await startBot({
      env: { ENVIRONMENTS: 'staging', STAGING_DATABASE_URL: target.urlWithPassword, OPSBOT_OPERATORS: OPERATOR },
      wrap: {
        // Tenants are written, their demo data is not yet.
        targets: poolFault((sql) => {
          if (failing && SEED_SQL.step2Data(sql)) throw new Error('injected: disk full');
        }),
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await target?.drop();
  });

  const seed = async (values: Parameters<typeof submitSeed>[1], uploads: number) => {
    await submitSeed(bot, values);
    await bot.slack.waitFor('files.completeUploadExternal', uploads, 60_000);
    return bot.slack.callsOf('chat.update').at(-1)!;
  };

  it('leaves an empty target without a single table, and says step 2 failed and why', async () => {
    const final = await seed({}, 1);
    const text = textOf(final.args.blocks, final.args.text);
    expect(text).toContain('Seed pilots into staging failed at step 2');
    expect(text).toContain('Step 2 (Tenants and demo data) failed:* injected: disk full');
    expect(text).toContain('Nothing was written: the transaction was rolled back.');
    expect(text).toContain('5. Analytics rollup — not run');
    expect(await tablesOf(target)).toEqual([]);
    const [run] = await bot.db.query<{ status: string; report: any }>(
      "select status, report from runs where kind = 'seed'",
    );
    expect(run?.status).toBe('failed');
    expect(run?.report.failure).toEqual({ step: 2, title: 'Tenants and demo data', reason: 'injected: disk full' });
    const audit = await bot.db.query("select outcome from audit_events where action = 'seed.run'");
    expect(audit).toEqual([{ outcome: 'failed' }]);
  });

  it('leaves a seeded target exactly as it was: same tables, same rows', async () => {
    failing = false;
    await seed({ prefix: 'pilot', count: '3' }, 2);
    const before = await fingerprint(target);
    expect(Object.keys(before)).toContain('tenants');
    failing = true;
    const final = await seed({ prefix: 'demo', count: '4' }, 3);
    expect(textOf(final.args.blocks)).toContain('failed at step 2');
    expect(await fingerprint(target)).toEqual(before);
    const log = bot.slack.files.filter((f) => f.filename === 'seed_log.txt').at(-1)!.content;
    expect(log).toContain('✅ Created tenant: demo-smb-001');
    expect(log).toContain('❌ Step 2 (Tenants and demo data) failed: injected: disk full');
  });
});
