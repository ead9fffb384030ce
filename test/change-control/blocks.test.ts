// The digest message stays a valid Slack message whatever GitHub holds: any number of changes, long hostile titles.
import { expect, it } from 'vitest';
import type { DigestEntry } from '../../src/change-control/digest.js';
import type { ChangeDigest } from '../../src/change-control/store.js';
import { digestMessage } from '../../src/render/blocks/change-control.js';
import { blockProblem, textOf } from '../support/slack-fake.js';

function digestOf(count: number): ChangeDigest {
  const entries: DigestEntry[] = Array.from({ length: count }, (_, i) => ({
    repo: 'acme/web',
    number: i + 1,
    title: `<!here> ${'x'.repeat(300)} <https://evil.example|click>`,
    url: `https://github.test/acme/web/pull/${i + 1}`,
    author: 'alice',
    mergedAt: '2026-11-24T10:00:00Z',
    group: i % 2 ? 'exempted' : 'non-compliant',
    failing: [{ rule: 'ticket', ok: false, detail: 'no "Issue URL:" section in the description' }],
    ...(i % 2 ? { exemptedBy: 'carol', exemptedAt: '2026-11-24T09:00:00Z' } : {}),
  }));
  const exempted = entries.filter((e) => e.group === 'exempted').length;
  return {
    id: 'cc_test',
    week: '2026-W48',
    runId: null,
    trigger: 'cron',
    requestedBy: null,
    report: {
      week: '2026-W48',
      weekStart: '2026-11-23T00:00:00.000Z',
      weekEnd: '2026-11-30T00:00:00.000Z',
      repos: [{ repo: 'acme/web', defaultBranch: 'main', merged: count }],
      entries,
      counts: { total: count, compliant: 0, exempted, nonCompliant: count - exempted },
      generatedAt: '2026-11-30T09:00:00.000Z',
    },
    csvSha256: 'a'.repeat(64),
    authors: ['alice'],
    createdAt: '2026-11-30T09:00:00.000Z',
    updatedAt: '2026-11-30T09:00:00.000Z',
    decision: null,
    decidedBy: null,
    decidedAt: null,
    note: null,
    slackChannel: null,
    slackTs: null,
  };
}

it('fits 5 000 changes with 300-character hostile titles into one valid message, buttons kept', () => {
  const message = digestMessage(digestOf(5000));
  expect(blockProblem(message.blocks, 50)).toBeUndefined();
  const text = textOf(message.blocks);
  expect(text).toContain('…and');
  expect(text).not.toContain('<!here>');
  expect(text).not.toContain('<https://evil.example|click>');
  expect(JSON.stringify(message.blocks?.at(-1))).toContain('change-control.reviewed');
});
