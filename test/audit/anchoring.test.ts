// The chain's head is anchored outside the bot's database by the hourly job and at shutdown, as the bot's last write:
// a line in audit-anchors.jsonl in BACKUP_DIR and a message in SLACK_AUDIT_CHANNEL, which `audit verify` reads back.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { runCli } from '../../cli/main.js';
import { auditAnchorJob } from '../../jobs/audit-anchor.js';
import { startBot, TEST_BOT_TOKEN } from '../support/bot.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { startS3Server } from '../support/s3-server.js';
import { type FakeSlack, startFakeSlack } from '../support/slack-fake.js';

const fileAnchors = (dir: string) =>
  readFileSync(join(dir, 'audit-anchors.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
const head = (db: TestDatabase) =>
  db.query<{ seq: number; hash: string }>('select seq::int as seq, hash from audit_events order by seq desc limit 1');

describeWithPostgres('anchoring the audit chain', { timeout: 60_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function setup() {
    const [database, slack] = await Promise.all([createTestDatabase('anchor'), startFakeSlack()]);
    cleanups.push(
      () => database.drop(),
      () => slack.stop(),
    );
    const dir = mkdtempSync(join(tmpdir(), 'opsbot-anchors-'));
    return { database, slack, dir };
  }
  const auditPosts = (slack: FakeSlack) =>
    slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'C_AUDIT');

  it('anchors on schedule, to the file and the audit channel, with the head row and its hash', async () => {
    const { database, slack, dir } = await setup();
    const bot = await startBot({
      slack,
      databaseUrl: database.url,
      jobs: [auditAnchorJob],
      env: { BACKUP_DIR: dir, SLACK_AUDIT_CHANNEL: 'C_AUDIT', SCHEDULE_AUDIT_ANCHOR: '* * * * * *' },
    });
    cleanups.push(() => bot.stop());
    expect((await bot.slash('/smoke', 'help')).status).toBe(200);
    const [post] = await slack.waitFor('chat.postMessage', 1, 10_000);
    expect(post?.args.channel).toBe('C_AUDIT');
    // The job fires every second and its own run is audited too: the anchored row is the head when it was read.
    const posted = JSON.parse(/`(\{.*\})`/.exec(post?.args.text)![1]!);
    const [row] = await database.query<{ seq: number; hash: string }>(
      'select seq::int as seq, hash from audit_events where seq = $1',
      [posted.seq],
    );
    expect(row).toBeDefined();
    expect(post?.args.text).toContain(`Audit chain anchored at row ${row?.seq}`);
    expect(posted).toMatchObject({ seq: row?.seq, hash: row?.hash });
    expect((await head(database))[0]!.seq).toBeGreaterThanOrEqual(row!.seq);
    // The job appends every second: wait for the line rather than read a file being written.
    await vi.waitFor(() => expect(fileAnchors(dir)[0]).toEqual(posted), { timeout: 10_000 });
  });

  it('anchors at shutdown as the last write, and verify reads the anchor back from the channel', async () => {
    const { database, slack, dir } = await setup();
    const bot = await startBot({
      slack,
      databaseUrl: database.url,
      env: { BACKUP_DIR: dir, SLACK_AUDIT_CHANNEL: 'C_AUDIT' },
    });
    for (const text of ['help', 'help', 'help']) expect((await bot.slash('/smoke', text)).status).toBe(200);
    expect(auditPosts(slack)).toHaveLength(0);
    await bot.stop();
    const [row] = await head(database);
    expect(row?.seq).toBe(3);
    expect(fileAnchors(dir)).toEqual([expect.objectContaining({ seq: 3, hash: row?.hash })]);
    expect(auditPosts(slack)).toHaveLength(1);

    // Only the channel's anchor this time: the file is not where verify looks.
    await database.query(`begin; set local session_replication_role = replica;
      delete from audit_events where seq = 3; commit`);
    const out: string[] = [];
    const env = {
      DATABASE_URL: database.url,
      BACKUP_DIR: mkdtempSync(join(tmpdir(), 'opsbot-empty-')),
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_API_URL: slack.url,
      SLACK_AUDIT_CHANNEL: 'C_AUDIT',
    };
    const code = await runCli(['audit', 'verify'], { env, out: (t) => out.push(t), err: () => {} });
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(
      /BROKEN: the chain ends at row 2 but was anchored at row 3 on .+ \(Slack channel C_AUDIT\)/,
    );
  });

  it('keeps each anchor as an object in BACKUP_STORAGE, and verify reads the bucket when the file is gone', async () => {
    const { database, slack, dir } = await setup();
    const s3 = await startS3Server();
    // The AWS SDK takes its credentials from the process's environment (the standard chain), not opsbot's config.
    const saved = { ...process.env };
    Object.assign(process.env, s3.env);
    cleanups.push(
      () => s3.stop(),
      async () => {
        process.env = saved;
      },
    );
    const storage = { BACKUP_STORAGE: `s3://${s3.bucket}/opsbot`, ...s3.env };
    const bot = await startBot({ slack, databaseUrl: database.url, env: { BACKUP_DIR: dir, ...storage } });
    for (const text of ['help', 'help']) expect((await bot.slash('/smoke', text)).status).toBe(200);
    await bot.stop();
    const [row] = await head(database);
    const keys = await s3.keys('opsbot/_anchors/');
    expect(keys).toEqual([expect.stringMatching(new RegExp(`^opsbot/_anchors/0+${row!.seq}-\\d{8}T\\d+Z\\.json$`))]);
    expect(JSON.parse((await s3.read(keys[0]!)).toString('utf8'))).toMatchObject({ seq: row?.seq, hash: row?.hash });

    // Trimmed in the database, and BACKUP_DIR's file lost too: the bucket still names the gap.
    await database.query(`begin; set local session_replication_role = replica;
      delete from audit_events where seq = ${row!.seq}; commit`);
    const out: string[] = [];
    const env = {
      DATABASE_URL: database.url,
      BACKUP_DIR: mkdtempSync(join(tmpdir(), 'opsbot-empty-')),
      ...storage,
    };
    const code = await runCli(['audit', 'verify'], { env, out: (t) => out.push(t), err: () => {} });
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(
      new RegExp(
        `the chain ends at row ${row!.seq - 1} but was anchored at row ${row!.seq} on .+s3://${s3.bucket}/opsbot`,
      ),
    );
  });
});
