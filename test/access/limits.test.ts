// A review of 10 000 members never breaks Slack's limits: the first anomalies in the message, all of them in the CSV.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessReview } from '../../src/access/store.js';
import { reviewMessage } from '../../src/render/blocks/access.js';
import { approveModal } from '../../src/render/blocks/access-modals.js';
import { generateMembers } from '../support/fake-github.js';
import { describeWithPostgres } from '../support/infra.js';
import { blockProblem, textOf } from '../support/slack-fake.js';
import { csvRows, fileNamed, REVIEWERS, type ReviewSetup, startReviewSetup, waitForReview } from './fixtures.js';

function bigReview(size: number): AccessReview {
  const section = { status: 'ok' as const, total: size };
  return {
    id: 'ar_big',
    runId: 'r_big',
    takenAt: '2026-07-05T02:00:00.000Z',
    trigger: 'cron',
    requestedBy: null,
    counts: {
      app_user: { ...section, admins: 3 },
      tenant_setting: { ...section, autopostOn: size, belowThreshold: 0 },
      github_member: {
        ...section,
        org: 'acme',
        admins: 10,
        members: size,
        outsideCollaborators: 0,
        twoFactorDisabled: size,
        twoFactorRequired: true,
      },
    },
    diff: {
      previousAt: '2026-06-28T02:00:00.000Z',
      notCompared: [],
      changes: Array.from({ length: size }, (_, i) => ({
        section: 'github_member' as const,
        kind: 'added' as const,
        key: `u${i}`,
        detail: `➕ GitHub \`user-${i}-${'x'.repeat(60)}\` added (member, 2FA disabled)`,
      })),
    },
    anomalies: Array.from({ length: size }, (_, i) => ({
      code: 'github_2fa_disabled' as const,
      section: 'github_member' as const,
      key: `u${i}`,
      message: `GitHub org member \`user-${i}\` has 2FA disabled`,
    })),
    csvSha256: 'f'.repeat(64),
    decision: null,
    decidedBy: null,
    decidedAt: null,
    note: 'n'.repeat(2000),
    slackChannel: 'C',
    slackTs: '1.1',
    issueNumber: 7,
    issueUrl: 'https://github.test/acme/compliance/issues/7',
    remindedAt: null,
  };
}

describe('the review message builder', () => {
  it('fits 10 000 changes and 10 000 anomalies in one valid message, pointing to the CSV for the rest', () => {
    const message = reviewMessage(bigReview(10_000));
    expect(blockProblem(message.blocks, 50)).toBeUndefined();
    const text = textOf(message.blocks);
    expect(text).toContain('⚠️ GitHub org member `user-9` has 2FA disabled');
    expect(text).not.toContain('`user-10` has 2FA disabled');
    expect(text).toContain('…and 9,990 more: every anomaly is in the CSV in this thread');
    expect(text).toMatch(/…and [\d,]+ more/);
    expect(JSON.stringify(message.blocks)).toContain('access-review.approve');
  });

  it('keeps the approval modal within its limits', () => {
    const modal = approveModal(bigReview(10_000), '{}');
    expect(blockProblem(modal.blocks, 100)).toBeUndefined();
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
  });
});

describeWithPostgres('a review of a 10 000-member org', () => {
  let setup: ReviewSetup;
  beforeAll(async () => {
    setup = await startReviewSetup({
      clean: true,
      github: { members: generateMembers(10_000, { withoutTwoFactor: 3_000 }) },
    });
  });
  afterAll(() => setup?.stop());

  it('posts within Slack limits with every anomaly in the CSV', async () => {
    const { bot } = setup;
    await bot.slash('/access-review', 'run', { user: REVIEWERS.reviewer });
    const { post, files } = await waitForReview(bot, 1);
    expect(blockProblem(post.args.blocks, 50)).toBeUndefined();
    expect(textOf(post.args.blocks)).toContain('*Anomalies* (3000)');
    expect(textOf(post.args.blocks)).toContain(
      '10,001 in `acme`: 10,000 members (1,000 admins), 1 outside collaborators; 3,000 without 2FA',
    );
    const rows = csvRows(fileNamed(files, /\.csv$/)!.content);
    expect(rows.filter((r) => r.section === 'github_member' && /has 2FA disabled/.test(r.anomaly ?? ''))).toHaveLength(
      3_000,
    );
  });

  it('posts a diff of 20 000 changes within Slack limits', async () => {
    const { bot, github } = setup;
    github.members = generateMembers(10_000).map((m) => ({ ...m, login: `next-${m.login}` }));
    await bot.slash('/access-review', 'run', { user: REVIEWERS.reviewer });
    const { post } = await waitForReview(bot, 2);
    expect(blockProblem(post.args.blocks, 50)).toBeUndefined();
    expect(textOf(post.args.blocks)).toContain('(20000)');
    expect(textOf(post.args.blocks)).toMatch(/…and [\d,]+ more/);
    const [issue] = github.issuesOf('acme/compliance').slice(-1);
    expect(issue?.body.length).toBeLessThanOrEqual(65_536);
    expect(issue?.body).toContain('more changes: all of them are in');
  });
});
