// /evidence 2026-Q3 from Slack: reviewers only, through the operation pipeline; the summary posted where it was asked,
// INDEX.md and the whole package as a .tar.gz in its thread, which unpacks to a package that verifies offline.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runCli } from '../../cli/main.js';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { QUARTER, seedQuarter } from './fixtures.js';

vi.setConfig({ testTimeout: 120_000 });
const run = promisify(execFile);
const REVIEWER = 'U_AUDITREV';

describeWithPostgres('/evidence in Slack', () => {
  let bot: Bot;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'opsbot-evidence-slash-'));
    bot = await startBot({ env: { OPSBOT_REVIEWERS: REVIEWER, BACKUP_DIR: join(work, 'backups') } });
    await seedQuarter(bot.db);
  });
  afterAll(async () => {
    await bot?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('uploads the summary, INDEX.md and a tarball that sha256sum -c and evidence verify accept', async () => {
    const answer = await bot.slash('/evidence', QUARTER, { user: REVIEWER, channel: 'C_AUDIT' });
    expect(answer.status).toBe(200);
    await bot.slack.waitFor('files.completeUploadExternal', 1, 60_000);
    const [post] = bot.slack.callsOf('chat.postMessage');
    expect(post!.args.channel).toBe('C_AUDIT');
    expect(post!.args.text).toBe('Evidence 2026-Q3: 6 controls in use, 2 gaps.');
    const text = textOf(post!.args.blocks);
    expect(text).toContain('*GAP* 2026-W32 (2026-08-03 – 2026-08-09): no access review.');
    expect(text).toContain('*GAP* Emergency deploy apr_emergency_missing');
    const files = bot.slack.files.filter((f) => f.channel === 'C_AUDIT');
    expect(files.map((f) => f.filename)).toEqual(['INDEX.md', 'evidence-2026-Q3.tar.gz']);
    expect(files[0]!.content).toContain('# Evidence 2026-Q3');
    const [reply] = await bot.slack.waitFor('response_url', 1, 20_000);
    expect(reply!.args.text).toMatch(/^Evidence 2026-Q3: 2 gaps, \d+ files in `evidence-2026-Q3\.tar\.gz` — <https:/);

    const archive = join(work, 'evidence.tar.gz');
    await writeFile(archive, files[1]!.bytes);
    await run('tar', ['-xzf', archive, '-C', work]);
    const folder = join(work, 'evidence-2026-Q3');
    expect(await readFile(join(folder, 'INDEX.md'), 'utf8')).toBe(files[0]!.content);
    await run('sha256sum', ['-c', '--quiet', 'MANIFEST.sha256'], { cwd: folder });
    const out: string[] = [];
    expect(
      await runCli(['evidence', 'verify', folder], { env: {}, out: (t) => out.push(t), err: (t) => out.push(t) }),
    ).toBe(0);
    expect(
      await bot.db.query("select actor, channel, outcome from audit_events where action = 'evidence.export'"),
    ).toEqual([{ actor: REVIEWER, channel: 'C_AUDIT', outcome: 'exported' }]);
  });

  it('refuses someone without the reviewer role, and a bad quarter, changing nothing', async () => {
    const posts = bot.slack.callsOf('chat.postMessage').length;
    const replies = bot.slack.callsOf('response_url').length;
    const bad = await bot.slash('/evidence', '2026-Q7', { user: REVIEWER, channel: 'C_AUDIT' });
    expect(bad.body.text).toContain('`2026-Q7` is not a quarter. Use YYYY-Qn');
    await bot.slash('/evidence', QUARTER, { user: 'U_SOMEONE', channel: 'C_AUDIT' });
    const reply = (await bot.slack.waitFor('response_url', replies + 1, 20_000))[replies];
    expect(reply!.args.text).toMatch(/reviewer/);
    expect(bot.slack.callsOf('chat.postMessage')).toHaveLength(posts);
    expect(await bot.db.query("select outcome from audit_events where action = 'evidence.export'")).toHaveLength(1);
  });
});
