// The quarter's evidence over a quarter of weekly reviews: every week listed, gaps marked, snapshots with sha256.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { accessReviewJob } from '../../jobs/access-review.js';
import type { Bot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { csvRows, REVIEWERS, type ReviewSetup, startReviewSetup, waitForReply } from './fixtures.js';

const DAY = 86_400_000;
// The Sundays of 2026-Q3 are 2026-07-05 … 2026-09-27; W30 (Jul 26) and W35 (Aug 30) have no review.
const SUNDAYS = Array.from({ length: 13 }, (_, i) => new Date(Date.parse('2026-07-05T02:00:00Z') + i * 7 * DAY));
const MISSED = ['2026-07-26', '2026-08-30'];

describeWithPostgres('quarterly access review evidence', () => {
  let setup: ReviewSetup;
  let bot: Bot;
  let clock = SUNDAYS[0]!;

  beforeAll(async () => {
    // GitHub is left out (no token) so that thirteen weeks of reviews take seconds, not minutes of throttled writes.
    setup = await startReviewSetup({ clean: true, env: { GITHUB_TOKEN: undefined }, bot: { now: () => clock } });
    bot = setup.bot;
    for (const sunday of SUNDAYS) {
      if (MISSED.includes(sunday.toISOString().slice(0, 10))) continue;
      clock = sunday;
      await accessReviewJob.run(bot.deps);
    }
    // The first three are approved on Monday morning by a reviewer.
    const rows = await bot.db.query<{ id: string; slack_ts: string }>(
      'select id, slack_ts from access_reviews order by taken_at limit 3',
    );
    for (const [i, row] of rows.entries()) {
      clock = new Date(SUNDAYS[i]!.getTime() + 31 * 3_600_000);
      await bot.action({
        actionId: 'access-review.approve',
        value: row.id,
        user: REVIEWERS.reviewer,
        channel: 'C_REVIEW',
        messageTs: row.slack_ts,
      });
      await bot.slack.waitFor('chat.update', i + 1, 15_000);
    }
    clock = new Date('2026-10-02T09:00:00Z');
  });
  afterAll(() => setup?.stop());

  it('lists every week of 2026-Q3 with its review, and marks the two weeks without one as gaps', async () => {
    await bot.slash('/access-review', 'evidence 2026-Q3', { user: REVIEWERS.reviewer });
    await waitForReply(
      bot,
      0,
      /^Evidence 2026-Q3: 11 reviews, 2 gap weeks — <https:\/\/slack\.test\/archives\/C_REVIEW\//,
    );
    const post = bot.slack.callsOf('chat.postMessage').find((c) => /evidence 2026-Q3/.test(c.args.text));
    const text = textOf(post?.args.blocks);
    expect(text).toContain('13 weeks: 11 reviewed, 2 gaps; 11 reviews, 8 undecided');
    expect(text).toContain('❌ 2026-W30 (2026-07-20 – 2026-07-26): *GAP* — no review');
    expect(text).toContain('❌ 2026-W35 (2026-08-24 – 2026-08-30): *GAP* — no review');
    expect(text).toContain(`✅ 2026-W27 (2026-06-29 – 2026-07-05): 2026-07-05 approved by <@${REVIEWERS.reviewer}>`);

    const index = bot.slack.files.find((f) => f.filename === 'access_evidence_2026-Q3.csv');
    const files = bot.slack.files.filter((f) => f.threadTs === index?.threadTs);
    const rows = csvRows(index!.content);
    expect(rows.map((r) => r.week)).toEqual(Array.from({ length: 13 }, (_, i) => `2026-W${27 + i}`));
    expect(rows.filter((r) => r.status === 'GAP').map((r) => r.week)).toEqual(['2026-W30', '2026-W35']);
    expect(rows[0]).toMatchObject({
      decision: 'approved',
      reviewer: REVIEWERS.reviewer,
      decided_at: '2026-07-06T09:00:00.000Z',
    });
    expect(rows[4]).toMatchObject({ week: '2026-W31', status: 'reviewed', decision: 'undecided', reviewer: '' });
    const snapshots = files.filter((f) => f.filename.startsWith('access_snapshot_'));
    expect(snapshots).toHaveLength(11);
    for (const row of rows.filter((r) => r.status === 'reviewed')) {
      const snapshot = snapshots.find((f) => f.filename === row.snapshot_file);
      expect(createHash('sha256').update(snapshot!.content).digest('hex')).toBe(row.snapshot_sha256);
    }
    const markdown = files.find((f) => f.filename === 'access_evidence_2026-Q3.md')?.content;
    expect(markdown).toContain('| 2026-W30 (2026-07-20 – 2026-07-26) | **GAP: no review** |');
    expect(
      (await bot.db.query("select outcome from audit_events where action = 'access-review.evidence'")).length,
    ).toBe(1);
  });

  it('writes the same package to --out from the command line, exiting 1 for the gaps', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsbot-evidence-'));
    const out: string[] = [];
    const code = await runCli(['access-review', 'evidence', '2026-Q3', '--out', dir], {
      env: { DATABASE_URL: bot.databaseUrl, LOG_LEVEL: 'warn' },
      out: (t) => out.push(t),
      err: (t) => out.push(t),
    });
    expect(code).toBe(1);
    const folder = join(dir, 'access_evidence_2026-Q3');
    const names = await readdir(folder);
    expect(names.filter((n) => n.startsWith('access_snapshot_'))).toHaveLength(11);
    expect(names).toEqual(
      expect.arrayContaining(['access_evidence_2026-Q3.md', 'access_evidence_2026-Q3.csv', 'index.json']),
    );
    const index = JSON.parse(await readFile(join(folder, 'index.json'), 'utf8'));
    expect(index).toMatchObject({ quarter: '2026-Q3', reviews: 11, reviewedWeeks: 11, gapWeeks: 2, pendingWeeks: 0 });
    expect(out.join('\n')).toContain('11 weeks reviewed, 2 gaps, 0 not due yet.');
  });

  it('marks a week still under way as not due yet, not as a gap', async () => {
    // Tuesday of W35: its Sunday review has not happened yet.
    clock = new Date('2026-08-25T10:00:00Z');
    const posts = bot.slack.callsOf('chat.postMessage').length;
    await bot.slash('/access-review', 'evidence 2026-Q3', { user: REVIEWERS.reviewer });
    const post = (await bot.slack.waitFor('chat.postMessage', posts + 1, 15_000))[posts];
    const text = textOf(post?.args.blocks);
    expect(text).toContain('❌ 2026-W30 (2026-07-20 – 2026-07-26): *GAP* — no review');
    expect(text).toContain('⏳ 2026-W35 (2026-08-24 – 2026-08-30): not due yet');
    expect(text).toContain('1 gaps, 1 not due yet');
  });

  it('refuses evidence to someone without the reviewer role', async () => {
    const before = bot.slack.callsOf('response_url').length;
    await bot.slash('/access-review', 'evidence 2026-Q3', { user: REVIEWERS.nobody });
    expect(await waitForReply(bot, before, /role/)).toContain('`/access-review evidence` needs a reviewer role');
  });
});
