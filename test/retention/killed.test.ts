// A deletion whose process is killed (SIGKILL, no goodbye) leaves whole batches only, each receipt with its fields,
// and a re-run of the same approved deletion finishes it.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { poolFault } from '../support/faults.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { runOpsbot, spawnOpsbot } from '../support/process.js';
import { counts, expectEventually, fillRetentionData, NEW, OLD } from './fixtures.js';

describeWithPostgres('a retention deletion killed midway', { timeout: 120_000 }, () => {
  let target: TestDatabase;
  let bot: Bot;
  let env: Record<string, string>;

  beforeAll(async () => {
    target = await createTestDatabase('retkill');
    await fillRetentionData(target);
    // Each receipt takes 150 ms to delete: the CLI's deletion is still under way when the test kills it.
    await target.query(`create function slow_delete() returns trigger language plpgsql as $$
      begin perform pg_sleep(0.15); return old; end $$;
      create trigger slow_delete before delete on receipts for each row execute function slow_delete()`);
    env = {
      ENVIRONMENTS: 'staging',
      STAGING_DATABASE_URL: target.url,
      SLACK_COMPLIANCE_CHANNEL: 'C_COMPLIANCE',
      OPSBOT_OPERATORS: 'U_OP,U_OP2',
      RETENTION_BATCH: '1',
    };
    // The bot's own attempt right after the approval fails before its first batch: the CLI does the deleting here.
    bot = await startBot({
      env,
      wrap: {
        targets: poolFault(async (sql) => {
          if (/delete from "receipt/.test(sql)) throw new Error('the target refused the deletion (test)');
        }),
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await target?.drop();
  });

  const click = (actionId: string, value: string, user: string) =>
    bot.action({ actionId, value, user, channel: 'C_COMPLIANCE' });

  it('leaves whole batches only, and a re-run finishes the approved deletion', async () => {
    await bot.slash('/retention', 'run', { user: 'U_OP', channel: 'C_OPS' });
    const id = await vi.waitFor(
      async () => {
        const [row] = await bot.db.query<{ id: string }>('select id from retention_reports');
        if (!row) throw new Error('no retention report yet');
        return row.id;
      },
      { timeout: 30_000, interval: 100 },
    );
    await click('retention.request', id, 'U_OP');
    const request = await vi.waitFor(
      async () => {
        const [row] = await bot.db.query<{ id: string }>('select id from retention_deletions');
        if (!row) throw new Error('no deletion requested yet');
        return row.id;
      },
      { timeout: 30_000, interval: 100 },
    );
    await click('retention.approve', request, 'U_OP2');
    await expectEventually(async () => (await bot.db.query('select status from retention_deletions'))[0], {
      status: 'failed',
    });
    expect((await counts(target)).receipts).toBe(OLD.receipts + NEW.receipts);

    const cli = { ...env, DATABASE_URL: bot.databaseUrl!, LOG_LEVEL: 'warn' };
    const killed = spawnOpsbot(['retention', 'delete', '--report', id], cli);
    await vi.waitFor(
      async () => expect((await counts(target)).receipts).toBeLessThanOrEqual(OLD.receipts + NEW.receipts - 3),
      {
        timeout: 30_000,
        interval: 50,
      },
    );
    await killed.stop('SIGKILL');
    const after = await counts(target);
    const gone = OLD.receipts + NEW.receipts - after.receipts!;
    expect(gone).toBeGreaterThanOrEqual(3);
    expect(gone).toBeLessThan(OLD.receipts);
    // Whole batches: every receipt still there has all its fields, and no field outlived its receipt.
    expect(after.fields).toBe(after.receipts! * OLD.fieldsPerReceipt);

    // The killed run's lock is a lease; the re-run may find it held for a few seconds, then finishes.
    let rerun = await runOpsbot(['retention', 'delete', '--report', id, '--json'], cli);
    for (
      let tries = 0;
      rerun.code !== 0 && /already|running|busy/i.test(rerun.stderr + rerun.stdout) && tries < 10;
      tries++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      rerun = await runOpsbot(['retention', 'delete', '--report', id, '--json'], cli);
    }
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await counts(target)).toEqual({
      receipts: NEW.receipts,
      fields: NEW.receipts * OLD.fieldsPerReceipt,
      analytics: NEW.analytics,
      logs: NEW.logs,
    });
  });
});
