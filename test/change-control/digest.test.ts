// The weekly digest in Slack: 300 changes merged over 3 repositories, each listed once in its group, exemptions with
// who labelled them; a second run updates the week's digest; Reviewed / Flag decided once, never by an author.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { csvRows, waitForReply } from '../access/fixtures.js';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeGithub, MEMBER_TOKEN, startFakeGithub } from '../support/fake-github.js';
import { type FakePull, fakePull } from '../support/fake-github-pulls.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';

const REPOS = ['acme/web', 'acme/api', 'acme/infra'];
const USERS = { reviewer: 'U0REVIEW1', author: 'U0DAVE001', other: 'U0REVIEW2', nobody: 'U0NOBODY1' };
// Monday 09:00 UTC: the digest covers 2026-W48, Monday 2026-11-23 to Sunday 2026-11-29.
const NOW = new Date('2026-11-30T09:00:00Z');

/** 100 merged changes per repository in W48: every tenth exempted, every tenth + 1 unlabelled, + 2 self-approved. */
function weekOfPulls(repoIndex: number): FakePull[] {
  const pulls = Array.from({ length: 100 }, (_, i) => {
    const number = i + 1;
    const mergedAt = new Date(Date.UTC(2026, 10, 23) + i * 6_000_000 + repoIndex * 1000).toISOString();
    const kind = i % 10;
    if (kind === 0)
      return fakePull(number, {
        mergedAt,
        title: `Hotfix <!channel> ${number}`,
        body: 'Hotfix, no template',
        labels: ['change-control-exempt'],
        events: [
          { event: 'labeled', actor: 'carol', label: 'change-control-exempt', createdAt: '2026-11-23T08:00:00Z' },
        ],
      });
    if (kind === 1) return fakePull(number, { mergedAt, labels: [] });
    if (kind === 2)
      return fakePull(number, {
        mergedAt,
        reviews: [{ login: 'alice', state: 'APPROVED', submittedAt: '2026-11-23T07:00:00Z' }],
      });
    return fakePull(number, { mergedAt, author: i === 55 && repoIndex === 1 ? 'dave' : 'alice' });
  });
  return [
    ...pulls,
    // Not in the week, not into the default branch, or not merged: none of them is listed.
    fakePull(101, { mergedAt: '2026-11-22T23:59:59Z' }),
    fakePull(102, { mergedAt: '2026-11-30T00:00:00Z' }),
    fakePull(103, { mergedAt: '2026-11-25T12:00:00Z', base: 'release-1' }),
    fakePull(104, { mergedAt: null }),
  ];
}

const digests = (bot: Bot) =>
  bot.db.query<{
    id: string;
    week: string;
    decision: string | null;
    decided_by: string | null;
    note: string | null;
    csv_sha256: string;
    slack_ts: string;
  }>('select id, week, decision, decided_by, note, csv_sha256, slack_ts from change_control_digests');
const audits = (bot: Bot, action: string) =>
  bot.db.query<{ actor: string; outcome: string; params: Record<string, unknown> }>(
    'select actor, outcome, params from audit_events where action = $1 order by seq',
    [action],
  );
const topLevelPosts = (bot: Bot) =>
  bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C_COMPLIANCE' && !c.args.thread_ts);

describeWithPostgres('the weekly change-control digest', () => {
  let github: FakeGithub;
  let bot: Bot;
  const click = (what: 'reviewed' | 'flag', user: string, id: string) =>
    bot.action({ actionId: `change-control.${what}`, value: id, user, channel: 'C_COMPLIANCE' });
  const replies = () => bot.slack.callsOf('response_url').length;

  beforeAll(async () => {
    github = await startFakeGithub();
    for (const [i, repo] of REPOS.entries()) github.repos.add(repo, weekOfPulls(i));
    bot = await startBot({
      now: () => NOW,
      env: {
        GITHUB_TOKEN: MEMBER_TOKEN,
        GITHUB_API_URL: github.url,
        CHANGE_REPOS: REPOS.join(','),
        SLACK_COMPLIANCE_CHANNEL: 'C_COMPLIANCE',
        OPSBOT_REVIEWERS: `${USERS.reviewer},${USERS.author},${USERS.other}`,
        GITHUB_USER_MAP: `dave=${USERS.author},bob=${USERS.other}`,
      },
    });
  }, 60_000);
  afterAll(() => Promise.all([bot?.stop(), github?.stop()]));

  it('lists each of 300 merged changes once, in its group, exempted ones with who labelled them, rate limits waited out', async () => {
    github.rateLimitNext(2, 1, 429);
    const from = replies();
    await bot.slash('/change-control', 'run', { user: USERS.reviewer });
    expect(await waitForReply(bot, from, /digest 2026-W48/, 60_000)).toMatch(
      /^Change-control digest 2026-W48 posted.* — 300 merged, 30 exempted, 60 non-compliant\.$/,
    );
    const [post] = topLevelPosts(bot);
    const text = textOf(post?.args.blocks);
    expect(text).toContain('Change control 2026-W48 (2026-11-23 – 2026-11-29)');
    expect(text).toContain('*300* merged into default branches: *210* compliant, *30* exempted, *60* non-compliant');
    expect(text).toContain('exempted by *carol* at 2026-11-23 08:00 UTC');
    expect(text).toContain('Hotfix &lt;!channel&gt; 1 — alice; exempted by *carol*');
    expect(text).not.toContain('<!channel>');
    const [file] = bot.slack.files.filter(
      (f) => f.threadTs === post?.args.ts || f.filename === 'change_control_2026-W48.csv',
    );
    expect(file?.filename).toBe('change_control_2026-W48.csv');
    const rows = csvRows(file!.content);
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((r) => `${r.repo}#${r.number}`)).size).toBe(300);
    for (const repo of REPOS) expect(rows.filter((r) => r.repo === repo)).toHaveLength(100);
    const group = (n: number) =>
      n % 10 === 1 ? 'exempted' : n % 10 === 2 || n % 10 === 3 ? 'non-compliant' : 'compliant';
    for (const row of rows) expect(row.group, `${row.repo}#${row.number}`).toBe(group(Number(row.number)));
    const exempted = rows.filter((r) => r.group === 'exempted');
    expect(exempted.every((r) => r.exempted_by === 'carol' && r.exempted_at === '2026-11-23T08:00:00Z')).toBe(true);
    expect(rows.find((r) => r.repo === 'acme/web' && r.number === '2')?.failing_rules).toBe(
      'label: none of the labels has-ticket, change-control-exempt',
    );
    expect(rows.find((r) => r.repo === 'acme/web' && r.number === '3')?.failing_rules).toBe(
      'approval: approved only by its author',
    );
    // The first request was answered 429 twice, then asked a third time once retry-after had passed.
    expect(github.requests.filter((r) => r.path === '/repos/acme/web')).toHaveLength(3);
    expect(await digests(bot)).toHaveLength(1);
    expect((await audits(bot, 'change-control.run')).map((a) => a.outcome)).toEqual(['posted']);
  }, 90_000);

  it('updates the same message and row when the week is run again', async () => {
    const [before] = await digests(bot);
    const from = replies();
    await bot.slash('/change-control', 'run', { user: USERS.other });
    expect(await waitForReply(bot, from, /digest 2026-W48/, 60_000)).toContain(
      'Change-control digest 2026-W48 updated',
    );
    expect(topLevelPosts(bot)).toHaveLength(1);
    const updates = bot.slack.callsOf('chat.update');
    expect(updates.at(-1)?.args.ts).toBe(before?.slack_ts);
    const after = await digests(bot);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before?.id, csv_sha256: before?.csv_sha256 });
    expect((await audits(bot, 'change-control.run')).map((a) => a.outcome)).toEqual(['posted', 'updated']);
  }, 90_000);

  it('refuses Reviewed from a reviewer who authored a listed change, audits it, and changes nothing', async () => {
    const [digest] = await digests(bot);
    const from = replies();
    await click('reviewed', USERS.author, digest!.id);
    expect(await waitForReply(bot, from, /authored/)).toBe(
      'You authored changes in this digest (`dave`), so another reviewer must decide it; nothing changed.',
    );
    expect(await audits(bot, 'change-control.review')).toEqual([
      {
        actor: USERS.author,
        outcome: 'refused: authored a listed change',
        params: { digestId: digest!.id, authored: ['dave'], runId: expect.any(String) },
      },
    ]);
    expect(bot.slack.callsOf('views.open')).toHaveLength(0);
    expect((await digests(bot))[0]?.decision).toBeNull();
  });

  it('refuses a click from someone without the reviewer role', async () => {
    const [digest] = await digests(bot);
    const from = replies();
    await click('flag', USERS.nobody, digest!.id);
    expect(await waitForReply(bot, from, /role/)).toBe(
      '`Flag` needs a reviewer role; ask an admin to add you to OPSBOT_REVIEWERS.',
    );
    expect((await audits(bot, 'auth.deny')).map((a) => a.actor)).toEqual([USERS.nobody]);
  });

  it('asks why the exemptions are accepted, refuses an empty reason, then records the decision once', async () => {
    const [digest] = await digests(bot);
    await click('reviewed', USERS.reviewer, digest!.id);
    const [open] = await bot.slack.waitFor('views.open', 1, 15_000);
    expect(open?.args.view.callback_id).toBe('change-control.reviewed-modal');
    expect(textOf(open?.args.view.blocks)).toContain('has 30 exempted changes');
    const metadata = String(open?.args.view.private_metadata);
    const empty = await bot.submitView({
      callbackId: 'change-control.reviewed-modal',
      values: { reason: ' ' },
      user: USERS.reviewer,
      privateMetadata: metadata,
    });
    expect(empty.body).toEqual({
      response_action: 'errors',
      errors: { reason: expect.stringContaining('Say why these exemptions are accepted') },
    });
    expect((await digests(bot))[0]?.decision).toBeNull();
    const reason = 'Hotfixes for INC-2211; tickets filed afterwards';
    const updates = bot.slack.callsOf('chat.update').length;
    await bot.submitView({
      callbackId: 'change-control.reviewed-modal',
      values: { reason },
      user: USERS.reviewer,
      privateMetadata: metadata,
    });
    const update = (await bot.slack.waitFor('chat.update', updates + 1, 15_000)).at(-1);
    expect(textOf(update?.args.blocks)).toContain(`✅ *Reviewed* by <@${USERS.reviewer}>`);
    expect(textOf(update?.args.blocks)).not.toContain('Flag');
    expect((await digests(bot))[0]).toMatchObject({ decision: 'reviewed', decided_by: USERS.reviewer, note: reason });
    expect((await audits(bot, 'change-control.review')).at(-1)).toMatchObject({
      actor: USERS.reviewer,
      outcome: 'reviewed',
    });

    const from = replies();
    await click('flag', USERS.other, digest!.id);
    expect(await waitForReply(bot, from, /already/)).toContain(
      `This digest was already reviewed by <@${USERS.reviewer}>`,
    );
    expect((await digests(bot))[0]?.decision).toBe('reviewed');
  });

  it("hands out the quarter's evidence: the digest with its decision, exemptions with reasons, other weeks as gaps", async () => {
    const from = replies();
    await bot.slash('/change-control', 'evidence 2026-Q4', { user: USERS.other, channel: 'C_OPS' });
    expect(await waitForReply(bot, from, /evidence 2026-Q4/, 30_000)).toMatch(
      /^Change-control evidence 2026-Q4: 1 digest, 8 gap weeks, 30 exemptions/,
    );
    const json = bot.slack.files.find((f) => f.filename === 'change_control_evidence_2026-Q4.json');
    const index = JSON.parse(json!.content);
    const [digest] = await digests(bot);
    const week = index.weeks.find((w: { week: string }) => w.week === '2026-W48');
    expect(week).toMatchObject({
      status: 'digest',
      digest: { decision: 'reviewed', reviewer: USERS.reviewer, sha256: digest!.csv_sha256 },
    });
    expect(
      index.weeks.filter((w: { status: string }) => w.status === 'gap').map((w: { week: string }) => w.week),
    ).toContain('2026-W47');
    expect(
      index.weeks.filter((w: { status: string }) => w.status === 'pending').map((w: { week: string }) => w.week),
    ).toContain('2026-W49');
    expect(index.exemptions).toHaveLength(30);
    expect(index.exemptions[0]).toMatchObject({ labelledBy: 'carol', reason: digest!.note, reviewer: USERS.reviewer });
    const listed = Object.fromEntries(
      index.files.map((f: { filename: string; sha256: string }) => [f.filename, f.sha256]),
    );
    expect(listed['change_control_2026-W48.csv']).toBe(digest!.csv_sha256);
    const markdown = bot.slack.files.find((f) => f.filename === 'change_control_evidence_2026-Q4.md');
    expect(markdown?.content).toContain('**GAP: no digest**');
    expect(markdown?.content).toContain('Hotfixes for INC-2211; tickets filed afterwards');
  });
});
