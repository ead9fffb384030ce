// Data retention as the compliance owner meets it: a monthly dry run that deletes nothing, and a deletion that needs a
// second person, runs in whole batches (children first), can be stopped, and is finished by a re-run.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { type Bot, startBot } from '../support/bot.js';
import { poolFault } from '../support/faults.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { counts, expectEventually, fillRetentionData, NEW, OLD } from './fixtures.js';

describeWithPostgres('data retention', () => {
  let target: TestDatabase;
  let bot: Bot;
  let env: Record<string, string>;
  let hold: Promise<void> | undefined;
  let batchesSeen = 0;
  let reachedThird!: () => void;
  const third = new Promise<void>((resolve) => (reachedThird = resolve));

  beforeAll(async () => {
    target = await createTestDatabase('ret');
    await fillRetentionData(target);
    env = {
      ENVIRONMENTS: 'staging',
      STAGING_DATABASE_URL: target.url,
      SLACK_COMPLIANCE_CHANNEL: 'C_COMPLIANCE',
      OPSBOT_OPERATORS: 'U_OP,U_OP2',
      RETENTION_BATCH: '7',
    };
    bot = await startBot({
      env,
      wrap: {
        // Counts every deletion batch of receipts; the third waits for the test while `hold` is set.
        targets: poolFault(async (sql) => {
          if (!/delete from "receipts" where/.test(sql)) return;
          batchesSeen += 1;
          if (batchesSeen === 3 && hold) {
            reachedThird();
            await hold;
          }
        }),
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await target?.drop();
  });

  const report = async () =>
    (
      await bot.db.query<{ id: string; report: any }>('select id, report from retention_reports order by taken_at desc')
    )[0]!;
  const audits = (action: string) =>
    bot.db.query<{ actor: string; outcome: string }>(
      'select actor, outcome from audit_events where action = $1 order by seq',
      [action],
    );
  const click = (actionId: string, value: string, user: string) =>
    bot.action({ actionId, value, user, channel: 'C_COMPLIANCE' });

  it('counts exactly the rows past each cut-off and deletes nothing', async () => {
    const before = await counts(target);
    await bot.slash('/retention', 'run', { user: 'U_OP', channel: 'C_OPS' });
    const [post] = await bot.slack.waitFor('chat.postMessage', 1, 30_000);
    expect(post!.args.channel).toBe('C_COMPLIANCE');
    const { report: stored } = await report();
    const lines = Object.fromEntries(
      stored.policies.flatMap((p: any) => p.lines.map((l: any) => [`${p.policy}/${l.what}`, l.rows])),
    );
    expect(lines).toEqual({
      'staging-receipts/receipts': OLD.receipts,
      'staging-receipts/receipt_fields': OLD.receipts * OLD.fieldsPerReceipt,
      'staging-analytics/analytics_daily': OLD.analytics,
      'staging-app-logs/audit_log': OLD.logs,
      // The bot's own delivered outbox items past 30 days: none yet.
      'opsbot-outbox/outbox': 0,
    });
    expect(stored.policies[0].statements[0]).toMatch(/^delete from "receipt_fields" where "receipt_id" in/);
    expect(await counts(target)).toEqual(before);
    await bot.slack.waitFor('files.completeUploadExternal', 1);
    expect(bot.slack.files.map((f) => f.filename)).toEqual([
      expect.stringMatching(/^data_retention_\d{8}\.txt$/),
      expect.stringMatching(/^data_retention_\d{8}\.json$/),
    ]);
    expect(textOf(post!.args.blocks)).toContain('nothing was deleted');
  });

  it('refuses a deletion without an approval, and one approved by its requester, and audits both', async () => {
    const { id } = await report();
    const lines: string[] = [];
    const code = await runCli(['retention', 'delete', '--report', id], {
      env: { ...env, DATABASE_URL: bot.databaseUrl!, LOG_LEVEL: 'warn' },
      out: (t) => lines.push(t),
      err: (t) => lines.push(t),
    });
    expect(code).toBe(2);
    expect(lines.join('\n')).toContain('has no approved deletion');
    expect(await audits('retention.delete.refuse')).toEqual([
      { actor: expect.stringMatching(/^cli:/), outcome: 'refused' },
    ]);

    await click('retention.request', id, 'U_OP');
    const posts = await bot.slack.waitFor('chat.postMessage', 2);
    expect(textOf(posts[1]!.args.blocks)).toContain('<@U_OP> requests deletion');
    const [request] = await bot.db.query<{ id: string }>('select id from retention_deletions');
    const replies = bot.slack.callsOf('response_url').length;
    await click('retention.approve', request!.id, 'U_OP');
    const refusal = (await bot.slack.waitFor('response_url', replies + 1)).at(-1);
    expect(refusal!.args.text).toContain('someone else must approve it');
    expect(await audits('retention.approve')).toEqual([{ actor: 'U_OP', outcome: 'refused' }]);
    expect(await counts(target)).toMatchObject({ receipts: OLD.receipts + NEW.receipts });
  });

  it('deletes in whole batches, children first, stops on request, and a re-run finishes it', async () => {
    const { id } = await report();
    const [request] = await bot.db.query<{ id: string }>('select id from retention_deletions');
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    const approving = click('retention.approve', request!.id, 'U_OP2');
    await third;
    await click('retention.stop', request!.id, 'U_OP2');
    // The click is answered before its handler records the stop: release the batch only once it is recorded.
    await expectEventually(async () => (await bot.db.query('select stop_requested from retention_deletions'))[0], {
      stop_requested: true,
    });
    release();
    await approving;
    await expectEventually(async () => (await bot.db.query('select status from retention_deletions'))[0], {
      status: 'stopped',
    });
    const after = await counts(target);
    // Three batches of 7 receipts ran, each with its fields: whole batches only.
    expect(after.receipts).toBe(OLD.receipts + NEW.receipts - 21);
    expect(after.fields).toBe((OLD.receipts - 21) * OLD.fieldsPerReceipt + NEW.receipts * OLD.fieldsPerReceipt);

    hold = undefined;
    const code = await runCli(['retention', 'delete', '--report', id, '--json'], {
      env: { ...env, DATABASE_URL: bot.databaseUrl!, LOG_LEVEL: 'warn' },
      out: () => {},
      err: () => {},
    });
    expect(code).toBe(0);
    expect(await counts(target)).toEqual({
      receipts: NEW.receipts,
      fields: NEW.receipts * OLD.fieldsPerReceipt,
      analytics: NEW.analytics,
      logs: NEW.logs,
    });
    const outcomes = (await audits('retention.delete')).map((a) => a.outcome);
    expect(outcomes).toEqual(['stopped', 'done']);
    expect(await audits('retention.approve')).toContainEqual({ actor: 'U_OP2', outcome: 'approved' });
  });
});
