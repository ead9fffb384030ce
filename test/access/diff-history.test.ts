// The diff compares each section with the newest earlier snapshot that read it: a week in which a source failed does
// not hide what changed across it, and the message says which older snapshot a section was compared with.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import { REVIEWERS, type ReviewSetup, startReviewSetup, waitForReview } from './fixtures.js';

describeWithPostgres('comparing with the last snapshot that read each section', () => {
  let setup: ReviewSetup;
  let clock = new Date('2026-07-05T02:00:00Z');
  beforeAll(async () => {
    setup = await startReviewSetup({ clean: true, bot: { now: () => clock } });
  });
  afterAll(() => setup?.stop());

  it('shows a GitHub admin added during a week whose GitHub section failed', async () => {
    const { bot, github } = setup;
    await bot.slash('/access-review', 'run', { user: REVIEWERS.reviewer });
    await waitForReview(bot, 1);

    clock = new Date('2026-07-12T02:00:00Z');
    const tokens = github.tokens;
    github.tokens = {};
    await bot.slash('/access-review', 'run', { user: REVIEWERS.reviewer });
    const failed = textOf((await waitForReview(bot, 2)).post.args.blocks);
    expect(failed).toContain('FAILED: GitHub answered 401: Bad credentials');
    expect(failed).toMatch(/Not compared.*github_member/);

    clock = new Date('2026-07-19T02:00:00Z');
    github.tokens = tokens;
    github.members.push({ login: 'new-admin', role: 'admin', twoFactor: true });
    await bot.slash('/access-review', 'run', { user: REVIEWERS.reviewer });
    const text = textOf((await waitForReview(bot, 3)).post.args.blocks);
    expect(text).toContain('*Changes since 2026-07-12 02:00 UTC* (1)');
    expect(text).toContain('➕ GitHub `new-admin` added (admin, 2FA enabled)');
    expect(text).toContain('GitHub org admins changed: 1 → 2');
    expect(text).toContain(
      '`github_member` was not read on 2026-07-12 02:00 UTC; compared with the snapshot of 2026-07-05 02:00 UTC',
    );
    expect(text).not.toContain('Not compared');
    const [latest] = await bot.db.query<{ diff: { comparedAt: Record<string, string> } }>(
      'select diff from access_reviews order by taken_at desc limit 1',
    );
    expect(latest?.diff.comparedAt).toEqual({
      app_user: '2026-07-12T02:00:00.000Z',
      tenant_setting: '2026-07-12T02:00:00.000Z',
      github_member: '2026-07-05T02:00:00.000Z',
    });
  });

  it('says a section that was never read before is not compared', async () => {
    const { bot } = setup;
    clock = new Date('2026-07-26T02:00:00Z');
    await bot.db.query(
      `update access_reviews set snapshot = jsonb_set(snapshot, '{github_member,status}', '"skipped"')`,
    );
    await bot.slash('/access-review', 'run', { user: REVIEWERS.reviewer });
    const text = textOf((await waitForReview(bot, 4)).post.args.blocks);
    expect(text).toMatch(/Not compared.*github_member/);
    expect(text).not.toContain('new-admin');
  });
});
