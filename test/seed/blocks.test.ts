// The seed's Slack messages stay inside Slack's limits whatever the run's size, and say what happened.
import { describe, expect, it } from 'vitest';
import { seedConfirmModal, seedProgressMessage, seedResultMessage } from '../../src/render/blocks/seed.js';
import { tenantIds } from '../../src/seed/data.js';
import { SEED_STEP_TITLES, type SeedReport } from '../../src/seed/report.js';
import { blockProblem, textOf } from '../support/slack-fake.js';

function report(count: number, overrides: Partial<SeedReport> = {}): SeedReport {
  return {
    verdict: 'passed',
    env: 'staging',
    target: 'postgres://app:****@db.internal:5432/staging',
    prefix: 'pilot',
    count,
    tenants: tenantIds('pilot', count),
    steps: SEED_STEP_TITLES.map((title, i) => ({
      number: i + 1,
      title,
      status: 'done',
      detail: 'x'.repeat(400),
      durationMs: 5,
    })),
    written: {},
    migrationsApplied: [],
    summary: [{ table: 'tenants', rows: count }],
    schemaVersion: '002_analytics_daily',
    shadowReports: [],
    log: [],
    startedAt: '2026-01-05T10:00:00.000Z',
    finishedAt: '2026-01-05T10:00:01.000Z',
    ...overrides,
  };
}

describe('seed messages', () => {
  it('fit Slack limits with 10,000 tenants and say how many were left out', () => {
    const message = seedResultMessage(report(10_000), 'r_1', 'U_OP');
    expect(blockProblem(message.blocks, 50)).toBeUndefined();
    expect(textOf(message.blocks)).toContain('`pilot-firm-030` and 9970 more (all in seed_log.txt)');
    expect(message.text).toBe('✅ Seeded 10000 pilot tenants into staging');
  });

  it('name the failed step, its reason, and that nothing was written', () => {
    const failed = report(3, {
      verdict: 'failed',
      failure: { step: 2, title: 'Tenants and demo data', reason: 'duplicate key value' },
      steps: SEED_STEP_TITLES.map((title, i) => ({
        number: i + 1,
        title,
        status: i === 0 ? 'done' : i === 1 ? 'failed' : 'pending',
      })),
    });
    const text = textOf(seedResultMessage(failed, 'r_2', 'U_OP').blocks);
    expect(text).toContain('Step 2 (Tenants and demo data) failed:* duplicate key value');
    expect(text).toContain('Nothing was written');
    expect(text).toContain('⏸️ 3. Notifications — not run');
    expect(text).not.toContain('pilot-smb-001');
  });

  it('show progress for each step as it runs', () => {
    const steps = SEED_STEP_TITLES.map(
      (title, i) => ({ number: i + 1, title, status: i === 0 ? 'done' : i === 1 ? 'running' : 'pending' }) as const,
    );
    const message = seedProgressMessage({
      env: 'staging',
      target: 't',
      prefix: 'pilot',
      count: 3,
      user: 'U_OP',
      steps: [...steps],
    });
    expect(textOf(message.blocks)).toContain('🔄 2. Tenants and demo data — running…');
    expect(blockProblem(message.blocks, 50)).toBeUndefined();
  });

  it('keep a modal with many environments and long refusals inside the modal limits', () => {
    const destinations = Array.from({ length: 40 }, (_, i) => ({ env: `env-${i}`, refusal: 'r'.repeat(300) }));
    const modal = seedConfirmModal({
      destinations,
      prefix: 'pilot',
      count: '3',
      maxTenants: 50,
      metadata: { channel: 'C', user: 'U' },
    });
    expect(blockProblem(modal.blocks, 100)).toBeUndefined();
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
  });
});
