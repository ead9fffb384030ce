// The scheduled digest, a week whose list changed after it was reviewed, and the mistakes people make: bad command
// text, change control not configured, bad CHANGE_* and GITHUB_USER_MAP values.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { changeControlJob } from '../../jobs/change-control.js';
import { waitForReply } from '../access/fixtures.js';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeGithub, MEMBER_TOKEN, startFakeGithub } from '../support/fake-github.js';
import { fakePull } from '../support/fake-github-pulls.js';
import { HOSTILE, slackProblems } from '../support/hostile.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';

const NOW = new Date('2026-11-30T09:00:00Z');
const REVIEWER = 'U0REVIEW1';

/** A bot on Monday morning that reads GitHub with a member's token, REVIEWER its reviewer. */
const digestBot = (env: Record<string, string>) =>
  startBot({ now: () => NOW, env: { GITHUB_TOKEN: MEMBER_TOKEN, OPSBOT_REVIEWERS: REVIEWER, ...env } });

it('refuses bad command text with the usage, and runs nothing', async () => {
  const bot = await startBot({ env: { OPSBOT_REVIEWERS: REVIEWER } });
  try {
    const answer = await bot.slash('/change-control', 'evidence 2026-Q9', { user: REVIEWER });
    expect(answer.body.text).toContain('`2026-Q9` is not a quarter. Use YYYY-Qn, e.g. `2026-Q3`.');
    expect(answer.body.text).toContain('*/change-control* — merged changes checked against the PR gate');
    const extra = await bot.slash('/change-control', 'latest now', { user: REVIEWER });
    expect(extra.body.text).toContain('`/change-control latest` takes nothing after it; `now` is extra.');
    expect(await bot.db.query('select 1 from runs')).toEqual([]);
  } finally {
    await bot.stop();
  }
});

it('says what to set when change control is not configured, and the job skips quietly', async () => {
  const bot = await startBot({ env: { OPSBOT_REVIEWERS: REVIEWER } });
  try {
    const from = bot.slack.callsOf('response_url').length;
    await bot.slash('/change-control', 'run', { user: REVIEWER });
    expect(await waitForReply(bot, from, /GITHUB_TOKEN/)).toBe(
      'Change control needs `GITHUB_TOKEN` (a token that can read the repositories).',
    );
    await changeControlJob.run(bot.deps);
    expect(bot.logs.some((l) => l.msg === 'change-control digest skipped: not configured')).toBe(true);
    expect(await bot.db.query('select 1 from change_control_digests')).toEqual([]);
  } finally {
    await bot.stop();
  }
});

it('names every bad change-control setting at once', async () => {
  const err: string[] = [];
  const code = await runCli(['config', 'check'], {
    env: {
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret-secret',
      CHANGE_REPOS: 'acme/web,not-a-repo',
      CHANGE_TICKET_PATTERN: '([unclosed',
      GITHUB_USER_MAP: 'octocat=U0123ABCD,octocat-slack',
    },
    out: () => {},
    err: (t) => err.push(t),
  });
  // A configuration error is a usage error: exit 2, like every other CLI command.
  expect(code).toBe(2);
  expect(err.join('\n')).toContain('CHANGE_REPOS: `not-a-repo` is not owner/name.');
  expect(err.join('\n')).toContain('CHANGE_TICKET_PATTERN: `([unclosed` is not a regular expression.');
  expect(err.join('\n')).toContain('GITHUB_USER_MAP: `octocat-slack` is not login=SlackUserId.');
});

describeWithPostgres('the scheduled digest', () => {
  let github: FakeGithub;
  let bot: Bot;
  beforeAll(async () => {
    github = await startFakeGithub();
    github.repos.add('acme/web', [
      fakePull(1, { mergedAt: '2026-11-24T10:00:00Z' }),
      fakePull(2, {
        mergedAt: '2026-11-24T11:00:00Z',
        labels: ['change-control-exempt'],
        events: [
          { event: 'labeled', actor: 'carol', label: 'change-control-exempt', createdAt: '2026-11-24T10:30:00Z' },
        ],
      }),
    ]);
    bot = await digestBot({
      GITHUB_API_URL: github.url,
      CHANGE_REPOS: 'acme/web',
      SLACK_COMPLIANCE_CHANNEL: 'C_COMPLIANCE',
    });
  });
  afterAll(() => Promise.all([bot?.stop(), github?.stop()]));

  it('posts the last ended week to the compliance channel on Monday, as the schedule', async () => {
    await changeControlJob.run(bot.deps);
    const [post] = await bot.slack.waitFor('chat.postMessage', 1, 15_000);
    expect(post?.args.channel).toBe('C_COMPLIANCE');
    expect(post?.args.text).toBe(
      'Change control 2026-W48 (2026-11-23 – 2026-11-29): 2 merged, 1 exempted, 0 non-compliant',
    );
    expect(await bot.db.query("select trigger, status from runs where kind = 'change-control'")).toEqual([
      { trigger: 'cron', status: 'passed' },
    ]);
  });

  it('asks for a new review when a later run finds the week changed, and says so in the thread', async () => {
    const [digest] = await bot.db.query<{ id: string }>('select id from change_control_digests');
    await bot.db.query(
      `update change_control_digests set decision = 'reviewed', decided_by = $1, decided_at = now(), note = 'ok'`,
      [REVIEWER],
    );
    github.repos.repos.get('acme/web')!.pulls.push(fakePull(3, { mergedAt: '2026-11-29T23:00:00Z', labels: [] }));
    await changeControlJob.run(bot.deps);
    const [row] = await bot.db.query<{ id: string; decision: string | null }>(
      'select id, decision from change_control_digests',
    );
    expect(row).toEqual({ id: digest!.id, decision: null });
    const [update] = await bot.slack.waitFor('chat.update', 1);
    expect(textOf(update?.args.blocks)).toContain('*1* non-compliant');
    expect(textOf(update?.args.blocks)).toContain('Reviewed');
    const comments = bot.slack.callsOf('files.completeUploadExternal').map((c) => String(c.args.initial_comment ?? ''));
    expect(comments.at(-1)).toContain(
      'Updated 2026-W48: 3 merged (was 2). The list changed, so the earlier decision no longer stands',
    );
  });

  it('flags the week with its action items through the modal, and keeps the token out of every log line', async () => {
    const [digest] = await bot.db.query<{ id: string }>('select id from change_control_digests');
    await bot.action({ actionId: 'change-control.flag', value: digest!.id, user: REVIEWER, channel: 'C_COMPLIANCE' });
    const [open] = await bot.slack.waitFor('views.open', 1, 15_000);
    expect(open?.args.view.callback_id).toBe('change-control.flag-modal');
    const updates = bot.slack.callsOf('chat.update').length;
    await bot.submitView({
      callbackId: 'change-control.flag-modal',
      values: { actionItems: 'acme/web#3 has no ticket: Dana files OPS-99 and links it' },
      user: REVIEWER,
      privateMetadata: String(open?.args.view.private_metadata),
    });
    const update = (await bot.slack.waitFor('chat.update', updates + 1, 15_000)).at(-1);
    expect(textOf(update?.args.blocks)).toContain(`🚩 *Flagged* by <@${REVIEWER}>`);
    expect(textOf(update?.args.blocks)).toContain('action items: acme/web#3 has no ticket');
    expect(await bot.db.query('select decision, decided_by from change_control_digests')).toEqual([
      { decision: 'flagged', decided_by: REVIEWER },
    ]);
    expect(bot.logText()).not.toContain(MEMBER_TOKEN);
  });

  it('writes the evidence package with --out, each file matching the sha256 its index gives, and exits 1 for gaps', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsbot-change-'));
    const err: string[] = [];
    const code = await runCli(['change-control', 'evidence', '2026-Q4', '--out', dir], {
      env: { DATABASE_URL: bot.databaseUrl, LOG_LEVEL: 'warn' },
      out: () => {},
      err: (t) => err.push(t),
    });
    expect(code).toBe(1);
    const folder = join(dir, 'change_control_evidence_2026-Q4');
    const index = JSON.parse(await readFile(join(folder, 'change_control_evidence_2026-Q4.json'), 'utf8'));
    expect(index.files.map((f: { filename: string }) => f.filename)).toContain('change_control_2026-W48.csv');
    for (const file of index.files as { filename: string; sha256: string }[])
      expect(
        createHash('sha256')
          .update(await readFile(join(folder, file.filename)))
          .digest('hex'),
      ).toBe(file.sha256);
    expect(await readFile(join(folder, 'change_control_evidence_2026-Q4.md'), 'utf8')).toContain('**GAP: no digest**');
  });

  it('says GitHub gave no answer when it never answers within GITHUB_TIMEOUT_MS, and stores nothing', async () => {
    const silent = await startFakeGithub({ delayMs: 600_000 });
    const other = await digestBot({ GITHUB_API_URL: silent.url, GITHUB_TIMEOUT_MS: '300', CHANGE_REPOS: 'acme/web' });
    try {
      const from = other.slack.callsOf('response_url').length;
      await other.slash('/change-control', 'run', { user: REVIEWER });
      // Two tries of 300 ms, a second apart.
      const started = Date.now();
      expect(await waitForReply(other, from, /GitHub gave no answer/, 30_000)).toMatch(
        /^GitHub gave no answer while reading the merged pull requests \(.*GitHub did not answer within 300 ms \(GITHUB_TIMEOUT_MS\).*\); no digest was stored or posted\. Try again later\.$/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(silent.requestsTo('/repos/acme/web').filter((r) => r.path === '/repos/acme/web')).toHaveLength(2);
      expect(await other.db.query('select 1 from change_control_digests')).toEqual([]);
    } finally {
      await Promise.all([other.stop(), silent.stop()]);
    }
  }, 45_000);

  it('says what GitHub answered when a repository cannot be read, its words escaped, and stores nothing', async () => {
    // GitHub's error text is foreign: here it tries to ping the channel and forge a link.
    github.repos.refused.set('acme/gone', { status: 404, message: HOSTILE[0]! });
    const other = await digestBot({ GITHUB_API_URL: github.url, CHANGE_REPOS: 'acme/web,acme/gone' });
    try {
      const from = other.slack.callsOf('response_url').length;
      await other.slash('/change-control', 'run', { user: REVIEWER });
      const reply = await waitForReply(other, from, /GitHub answered/);
      expect(reply).toMatch(
        /^GitHub answered 404 while reading the merged pull requests \(.*\); no digest was stored or posted\. Try again later\.$/,
      );
      expect(reply).toContain(
        '&lt;!channel&gt; down? see &lt;https://evil.example/login|the status page&gt; &amp; retry',
      );
      expect(slackProblems({ text: reply })).toEqual([]);
      expect(await other.db.query('select 1 from change_control_digests')).toEqual([]);
      expect(await other.db.query("select outcome from audit_events where action = 'change-control.run'")).toEqual([
        { outcome: 'error' },
      ]);
    } finally {
      await other.stop();
    }
  });
});
