// Seeding with I_UNDERSTAND: the target holds the pilots and their data, the channel shows progress then the summary,
// the thread has the evidence, and a second identical run changes no counts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp.js';
import { countsOf, createTarget, ONE_RUN, OPERATOR, PASSWORD, PILOT_TABLES, submitSeed } from './helpers.js';

describeWithPostgres('/seed pilots with I_UNDERSTAND', () => {
  let bot: Bot;
  let smtp: SmtpSink;
  let target: Awaited<ReturnType<typeof createTarget>>;
  beforeAll(async () => {
    target = await createTarget();
    smtp = await startSmtpSink();
    bot = await startBot({
      env: {
        ENVIRONMENTS: 'staging',
        STAGING_DATABASE_URL: target.urlWithPassword,
        OPSBOT_OPERATORS: OPERATOR,
        ...smtp.env(),
        ALERT_EMAIL: 'ops@example.com',
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await smtp?.stop();
    await target?.drop();
  });

  const seedOnce = async (runs: number) => {
    expect((await submitSeed(bot, { confirm: '  I_UNDERSTAND  ' })).body).toBeFalsy();
    await bot.slack.waitFor('files.completeUploadExternal', runs, 60_000);
  };

  it('seeds 3 pilot tenants with autopost off, threshold 0.90 and every per-tenant row', async () => {
    await seedOnce(1);
    const tenants = await target.query<{ id: string; name: string; autopost_enabled: boolean; threshold: string }>(
      'select id, name, autopost_enabled, threshold::text from tenants order by created_at, id',
    );
    expect(tenants.map((t) => t.name).sort()).toEqual(['pilot-firm-003', 'pilot-prof-002', 'pilot-smb-001']);
    expect(tenants.every((t) => t.autopost_enabled === false && t.threshold === '0.90')).toBe(true);
    expect(await countsOf(target, PILOT_TABLES)).toEqual(ONE_RUN);
    const perTenant = await target.query<Record<string, number>>(
      `select t.id,
        (select count(*)::int from users u where u.tenant_id = t.id) as users,
        (select count(*)::int from transactions x where x.tenant_id = t.id) as transactions,
        (select count(*)::int from journal_entries j where j.tenant_id = t.id) as journal_entries,
        (select count(*)::int from journal_entries j where j.tenant_id = t.id and j.status = 'proposed') as proposed,
        (select count(*)::int from rules r where r.tenant_id = t.id) as rules,
        (select count(*)::int from receipts r where r.tenant_id = t.id) as receipts,
        (select count(*)::int from receipt_fields f join receipts r on r.id = f.receipt_id where r.tenant_id = t.id) as fields,
        (select count(*)::int from audit_log a where a.tenant_id = t.id) as audit
       from tenants t`,
    );
    for (const { id: _id, ...counts } of perTenant) {
      expect(counts).toEqual({
        users: 2,
        transactions: 24,
        journal_entries: 24,
        proposed: 24,
        rules: 4,
        receipts: 6,
        fields: 36,
        audit: 1,
      });
    }
    const roles = await target.query<{ role: string }>('select distinct role from users');
    expect(roles.every((r) => ['owner', 'admin', 'accountant', 'viewer'].includes(r.role))).toBe(true);
  });

  it('shows one progress message, updated from the first step on, never back to an older state, then the summary', async () => {
    const posts = bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C_OPS');
    expect(posts).toHaveLength(1);
    const ts = bot.slack.callsOf('chat.update').filter((c) => c.args.channel === 'C_OPS');
    const [run] = await bot.db.query<{ slack_ts: string }>("select slack_ts from runs where kind = 'seed'");
    expect(ts.every((u) => u.args.ts === run?.slack_ts)).toBe(true);
    // Updates that arrive while one is on its way collapse into the newest, so only the first and the last are sure.
    expect(ts.length).toBeGreaterThanOrEqual(2);
    const first = textOf(ts[0]!.args.blocks);
    expect(first).toContain('1. Migrations — running…');
    expect(first).toContain('⚪ 3. Notifications — runs after the commit');
    const pending = ts.slice(0, -1).map((u) => textOf(u.args.blocks).split('⚪').length - 1);
    expect([...pending].sort((a, b) => b - a)).toEqual(pending);
    const final = textOf(ts.at(-1)!.args.blocks, ts.at(-1)!.args.text);
    expect(final).toContain('Seeded 3 pilot tenants into staging');
    expect(final).toContain('`pilot-smb-001`, `pilot-prof-002`, `pilot-firm-003`');
    expect(final).toMatch(/receipt_fields\s+108/);
    expect(final).toContain('Schema version: `002_analytics_daily`');
    expect(final).toContain('postgres://postgres:****@127.0.0.1:5432/');
    expect(final).toContain('3. Notifications — test email sent to ops@example.com');
    expect(bot.slack.calls.some((c) => JSON.stringify(c.args).includes(PASSWORD))).toBe(false);
    expect(bot.logText()).not.toContain(PASSWORD);
  });

  it('sends the test email of step 3 through SMTP', async () => {
    const [mail] = await smtp.waitFor(1, 10_000);
    expect(mail?.to).toEqual(['ops@example.com']);
    expect(mail?.subject).toContain('seed pilots test email');
  });

  it('puts seed_log.txt, db_summary.txt and the shadow reports JSON in the thread of the message', async () => {
    const [post] = bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C_OPS');
    const ts = (await bot.db.query<{ slack_ts: string }>("select slack_ts from runs where kind = 'seed'"))[0]?.slack_ts;
    expect(ts).toBeTruthy();
    expect(post).toBeDefined();
    const files = bot.slack.files.filter((f) => f.threadTs === ts);
    expect(files.map((f) => f.filename)).toEqual(expect.arrayContaining(['seed_log.txt', 'db_summary.txt']));
    const log = files.find((f) => f.filename === 'seed_log.txt')!.content;
    expect(log).toContain('✅ Created tenant: pilot-smb-001');
    expect(log).toContain('Step 5: Analytics rollup');
    expect(log).toContain('SEED COMPLETE');
    expect(log).not.toContain(PASSWORD);
    const shadow = JSON.parse(files.find((f) => f.filename.startsWith('shadow_reports_'))!.content);
    expect(shadow).toHaveLength(3);
    expect(shadow[0]).toMatchObject({ tenant: 'pilot-smb-001', autopostEnabled: false, threshold: 0.9 });
    expect(shadow[0].transactions).toBeGreaterThan(0);
  });

  it('keeps the log, the summary and the shadow reports on the run, and audits it', async () => {
    const [run] = await bot.db.query<{ status: string; trigger: string; actor: string; report: any }>(
      "select status, trigger, actor, report from runs where kind = 'seed'",
    );
    expect(run).toMatchObject({ status: 'passed', trigger: 'slash', actor: OPERATOR });
    expect(run!.report.log.join('\n')).toContain('Created tenant: pilot-prof-002');
    expect(run!.report.summary).toContainEqual({ table: 'tenants', rows: 3 });
    expect(run!.report.shadowReports).toHaveLength(3);
    const audit = await bot.db.query<{ outcome: string; params: any }>(
      "select outcome, params from audit_events where action = 'seed.run'",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'passed', params: { env: 'staging', prefix: 'pilot', count: 3 } });
  });

  it('changes no count when the same seed runs again', async () => {
    const before = await target.query('select id, created_at from tenants order by id');
    await seedOnce(2);
    expect(await countsOf(target, PILOT_TABLES)).toEqual(ONE_RUN);
    expect(await target.query('select id, created_at from tenants order by id')).toEqual(before);
    const second = bot.slack.files.filter((f) => f.filename === 'seed_log.txt').at(-1)!.content;
    expect(second).toContain('Tenant already present, reset to seeded values: pilot-smb-001');
    expect(second).toContain('Seeded 72 transactions (0 new, 0 updated, 72 unchanged)');
  });
});
