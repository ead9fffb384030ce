// /drill restore as an operator sees it in #ops: one progress message ending in the verdict, the evidence files in its
// thread, the run and its report stored, and no drill database left behind.
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeApp, startFakeApp } from '../support/fake-app.js';
import { clientFault } from '../support/faults.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { backupDir, createSource, databasesLike, OPERATOR, PASSWORD, type Source, slashDrill } from './helpers.js';

// Each drill restores a real database: generous on a loaded 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

type Hook = (context: { databaseUrl: string }) => Promise<void>;

describeWithPostgres('/drill restore', () => {
  let source: Source;
  let backups: Awaited<ReturnType<typeof backupDir>>;
  let app: FakeApp;
  let bot: Bot;
  let afterRestore: Hook | undefined;
  const verified = new Set<string>();

  beforeAll(async () => {
    [source, backups, app] = await Promise.all([createSource(), backupDir(), startFakeApp()]);
    bot = await startBot({
      env: {
        ENVIRONMENTS: 'staging',
        STAGING_DATABASE_URL: source.urlWithPassword,
        STAGING_BASE_URL: app.url,
        BACKUP_DIR: backups.dir,
        OPSBOT_OPERATORS: `${OPERATOR},U_OP_TWO`,
      },
      wrap: {
        // The first session on a restored copy is its verification's: the hook runs just before it, once per copy.
        targets: clientFault(async (url) => {
          if (!/opsbot_drill_/.test(url) || verified.has(url)) return;
          verified.add(url);
          await afterRestore?.({ databaseUrl: url });
        }),
      },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await Promise.all([source?.drop(), backups?.remove(), app?.stop()]);
  });

  const drill = (text = 'restore staging', user = OPERATOR) => slashDrill(bot, text, user);

  it('posts PASS with every table equal, takes a backup first when there is none, and leaves no drill database', async () => {
    const { answer, run, final } = await drill();
    expect(answer.body.text).toContain('Starting the restore drill of staging');
    expect(run.status).toBe('passed');
    expect(final).toContain('✅ Restore drill of staging: PASS');
    expect(final).toContain('No backup existed, so took');
    const progress = bot.slack
      .callsOf('chat.update')
      .filter((c) => c.args.ts === run.slack_ts)
      .map((c) => textOf(c.args.blocks));
    expect(progress.some((t) => t.includes('No backup of staging yet: taking one first'))).toBe(true);
    expect(progress.some((t) => t.includes('🔄 *Restore into a throw-away database*…'))).toBe(true);
    expect(
      progress.some((t) =>
        /✅ \*Restore into a throw-away database\* — `opsbot_drill_r_\w+` on postgres:\/\/postgres:\*\*\*\*@/.test(t),
      ),
    ).toBe(true);
    const counts = await source.query<{ n: number }>('select count(*)::int as n from billing."Invoice Lines"');
    const lines = run.report.tables.find((t: any) => t.name === 'Invoice Lines');
    expect(lines).toMatchObject({ schema: 'billing', ok: true, sourceRows: counts[0]!.n, restoredRows: counts[0]!.n });
    expect(lines.sourceChecksum).toBe(lines.restoredChecksum);
    expect(run.report.tables.find((t: any) => t.name === 'events_nopk')).toMatchObject({
      hasPrimaryKey: false,
      ok: true,
    });
    expect(run.report.tables.length).toBeGreaterThanOrEqual(10);
    expect(run.report.tables.every((t: any) => t.ok)).toBe(true);
    expect(run.report.smoke.verdict).toBe('passed');
    expect(run.report.databaseDropped).toBe(true);
    expect(await databasesLike(`opsbot_drill_${run.id}`)).toEqual([]);
  });

  it('puts the report in the thread as backup_restore_<UTC timestamp>.txt and .json, and on the run', async () => {
    const [run] = await bot.db.query<{ report: any; slack_ts: string }>(
      "select report, slack_ts from runs where kind = 'drill'",
    );
    const files = bot.slack.files.filter((f) => f.threadTs === run!.slack_ts);
    expect(files.map((f) => f.filename).sort()).toEqual([
      expect.stringMatching(/^backup_restore_\d{8}T\d{6}Z\.json$/),
      expect.stringMatching(/^backup_restore_\d{8}T\d{6}Z\.txt$/),
    ]);
    const txt = files.find((f) => f.filename.endsWith('.txt'))!.content;
    expect(txt).toMatch(/^RESULT: PASS/);
    expect(txt).toContain('billing.Invoice Lines');
    expect(txt).toContain('public.events_nopk (no primary key)');
    expect(txt).toMatch(/recovery time \(restore \+ verify\)\s+\d/);
    expect(txt).toContain(run!.report.backup.sha256);
    expect(JSON.parse(files.find((f) => f.filename.endsWith('.json'))!.content)).toEqual(run!.report);
  });

  it('never shows the source password: not in Slack, the files, the run or the logs', async () => {
    const everything = [
      JSON.stringify(bot.slack.calls),
      JSON.stringify(bot.slack.files),
      bot.logText(),
      JSON.stringify(await bot.db.query('select report, error from runs')),
      JSON.stringify(await bot.db.query('select * from backups')),
    ];
    for (const text of everything) expect(text).not.toContain(PASSWORD);
    expect(JSON.stringify(bot.slack.files)).toContain('postgres:****@');
  });

  it('fails naming the table when a row of the restored copy differs from the backup', async () => {
    afterRestore = async ({ databaseUrl }) => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`update billing."Invoice Lines" set note = 'changed after restore' where id = 7`);
      await client.end();
    };
    const { run, final, files } = await drill().finally(() => (afterRestore = undefined));
    expect(run.status).toBe('failed');
    expect(final).toContain('🚨 Restore drill of staging: FAIL');
    expect(final).toContain('billing.Invoice Lines');
    expect(run.report.reasons).toEqual([
      expect.stringMatching(/^Table billing\.Invoice Lines: checksum \w+ in the backup, \w+ restored\.$/),
    ]);
    expect(run.report.tables.filter((t: any) => !t.ok).map((t: any) => t.name)).toEqual(['Invoice Lines']);
    expect(files.find((f) => f.filename.endsWith('.txt'))!.content).toMatch(/^RESULT: FAIL/);
    expect(await databasesLike(`opsbot_drill_${run.id}`)).toEqual([]);
  });

  it('tells a second operator that the drill of staging is already running, and runs nothing for them', async () => {
    let reached!: () => void;
    let release!: () => void;
    const atRestore = new Promise<void>((resolve) => (reached = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    afterRestore = async () => {
      reached();
      await gate;
    };
    const first = drill();
    await atRestore;
    const replies = bot.slack.callsOf('response_url').length;
    await bot.slash('/drill', 'restore staging', { user: 'U_OP_TWO', channel: 'C_OPS' });
    const calls = await bot.slack.waitFor('response_url', replies + 1, 30_000);
    release();
    afterRestore = undefined;
    const { run } = await first;
    expect(calls.at(-1)!.args.text).toMatch(
      /A drill of staging is already running: started by <@U_DRILL_OP> at \d\d:\d\d UTC/,
    );
    expect(run.status).toBe('passed');
    expect(
      await bot.db.query("select count(*)::int as n from runs where kind = 'drill' and actor = 'U_OP_TWO'"),
    ).toEqual([{ n: 0 }]);
  });

  it('refuses a non-operator, says which role is needed, and audits the denial', async () => {
    const replies = bot.slack.callsOf('response_url').length;
    await bot.slash('/drill', 'restore staging', { user: 'U_VISITOR', channel: 'C_OPS' });
    const calls = await bot.slack.waitFor('response_url', replies + 1, 15_000);
    expect(calls.at(-1)!.args.text).toContain('`/drill restore` needs an operator role');
    const denials = await bot.db.query<{ actor: string; outcome: string }>(
      "select actor, outcome from audit_events where action = 'auth.deny' and actor = 'U_VISITOR'",
    );
    expect(denials).toEqual([{ actor: 'U_VISITOR', outcome: 'denied' }]);
    expect(await bot.db.query("select count(*)::int as n from runs where actor = 'U_VISITOR'")).toEqual([{ n: 0 }]);
  });

  it("drills the bot's own database: the audit chain's head hash and row count survive byte for byte", async () => {
    const { run } = await drill('restore opsbot');
    expect(run.status).toBe('passed');
    const chain = run.report.chain;
    expect(chain.ok).toBe(true);
    expect(chain.sourceRows).toBeGreaterThan(2);
    expect(chain.restoredRows).toBe(chain.sourceRows);
    const [head] = await bot.db.query<{ hash: string }>('select hash from audit_events where seq = $1', [
      chain.sourceRows,
    ]);
    expect(chain.sourceHead).toBe(head!.hash);
    expect(chain.restoredHead).toBe(head!.hash);
    expect(run.report.tables.find((t: any) => t.name === 'audit_events')).toMatchObject({
      ok: true,
      sourceRows: chain.sourceRows,
    });
  });

  it('lists the last drills with their results on /drill restore history', async () => {
    const replies = bot.slack.callsOf('response_url').length;
    await bot.slash('/drill', 'restore history', { user: 'U_VISITOR', channel: 'C_OPS' });
    const calls = await bot.slack.waitFor('response_url', replies + 1, 15_000);
    const text = calls.at(-1)!.args.text as string;
    expect(text).toContain('*Last 4 restore drills*');
    expect(text.match(/\*staging\* PASS/g)).toHaveLength(2);
    expect(text).toContain('*staging* FAIL');
    expect(text).toContain('*opsbot* PASS');
    expect(text).toContain('Table billing.Invoice Lines');
    // Each run id started from Slack links to the message holding its report (and evidence thread).
    expect(text).toMatch(/<https:\/\/slack\.test\/archives\/C_OPS\/p\d+\|`r_[^`]+`>/);
  });

  it('answers help and unknown environments with the usage and the configured environments, running nothing', async () => {
    const help = await bot.slash('/drill', 'help', { user: OPERATOR });
    expect(help.body.text).toContain('`/drill restore [env]`');
    const unknown = await bot.slash('/drill', 'restore prod', { user: OPERATOR });
    expect(unknown.body.text).toContain('`prod` is not a configured environment. Configured: staging, opsbot.');
    const other = await bot.slash('/drill', 'backup staging', { user: OPERATOR });
    expect(other.body.text).toContain('`backup` is not something `/drill` does.');
    expect(await bot.db.query("select count(*)::int as n from runs where kind = 'drill'")).toEqual([{ n: 4 }]);
  });
});
