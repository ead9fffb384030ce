// Drill messages stay inside Slack's limits whatever the report holds, and say what an operator needs first.
import { describe, expect, it } from 'vitest';
import type { DrillRun } from '../../src/drill/history.js';
import { type DrillReport, initialPhases } from '../../src/drill/report.js';
import { drillHistoryText, drillProgressMessage, drillResultMessage } from '../../src/render/blocks/drill.js';
import { drillReportText } from '../../src/render/text/drill.js';
import { blockProblem, textOf } from '../support/slack-fake.js';

function report(tables: number, failing: number): DrillReport {
  return {
    kind: 'drill',
    verdict: failing ? 'FAIL' : 'PASS',
    runId: 'r_abcdef1234',
    env: 'staging',
    reasons: Array.from(
      { length: failing },
      (_, i) => `Table public.table_${i}: checksum ${'a'.repeat(16)} in the backup, ${'b'.repeat(16)} restored.`,
    ),
    source: 'postgres://app:****@db:5432/app',
    drillServer: 'postgres://app:****@db:5432/app',
    drillDatabase: 'opsbot_drill_r_abcdef1234',
    backup: {
      id: 'b_1',
      path: 'staging/20260101T090000Z',
      storage: 'local /backups',
      takenAt: '2026-01-01T09:00:00.000Z',
      ageSeconds: 5400,
      sizeBytes: 1_234_567,
      sha256: 'f'.repeat(64),
      sha256Verified: true,
      takenForThisDrill: false,
    },
    versions: {
      server: '15.4',
      pgDump: 'pg_dump (PostgreSQL) 15.4',
      pgRestore: 'pg_restore (PostgreSQL) 15.4',
      drillServer: '15.4',
    },
    tables: Array.from({ length: tables }, (_, i) => ({
      schema: 'public',
      name: `table_with_a_rather_long_name_${i}`,
      hasPrimaryKey: i % 3 !== 0,
      sourceRows: i * 1000,
      sourceChecksum: '0123456789abcdef',
      restoredRows: i * 1000,
      restoredChecksum: i < failing ? 'fedcba9876543210' : '0123456789abcdef',
      ok: i >= failing,
      ...(i < failing ? { problem: 'checksum differs' } : {}),
    })),
    phases: initialPhases().map((p) => ({ ...p, status: 'done' as const, ms: 1200, detail: 'x'.repeat(400) })),
    timings: {
      backupAgeSeconds: 5400,
      integrityMs: 40,
      restoreMs: 61_000,
      verifyMs: 2500,
      recoveryMs: 63_500,
      totalMs: 64_000,
    },
    databaseCreated: true,
    databaseDropped: true,
    startedAt: '2026-01-01T10:30:00.000Z',
    finishedAt: '2026-01-01T10:31:04.000Z',
  };
}

describe('drill messages', () => {
  it('fits a report of 400 tables and 60 failing ones into one valid message, reasons first', () => {
    const message = drillResultMessage(report(400, 60));
    expect(blockProblem(message.blocks, 50)).toBeUndefined();
    const text = textOf(message.blocks);
    expect(text.indexOf('Table public.table_0')).toBeLessThan(text.indexOf('Recovery time'));
    expect(text).toContain('…and 310 more tables, all equal (every table is in the report)');
    expect(message.text).toContain('🚨 Restore drill of staging: FAIL: Table public.table_0');
  });

  it('shows the recovery time and the dropped database on a PASS', () => {
    const text = textOf(drillResultMessage(report(12, 0)).blocks);
    expect(text).toContain('✅ Restore drill of staging: PASS');
    expect(text).toContain('Recovery time (restore + verify): *63.5 s*');
    expect(text).toContain('`opsbot_drill_r_abcdef1234` dropped');
  });

  it('keeps the progress message valid with long phase details', () => {
    expect(blockProblem(drillProgressMessage(report(10, 0)).blocks, 50)).toBeUndefined();
  });

  it('writes the evidence text with every table and its mismatch marked', () => {
    const text = drillReportText(report(5, 1));
    expect(text).toMatch(/^RESULT: FAIL\n/);
    expect(text).toContain('MISMATCH: checksum differs');
    expect(text.match(/table_with_a_rather_long_name_\d/g)).toHaveLength(5);
    expect(text).toContain('server 15.4 · pg_dump 15.4 · pg_restore 15.4 · drill server 15.4');
  });

  it('lists interrupted drills in the history with what happened', () => {
    const runs: DrillRun[] = [
      {
        runId: 'r_x1',
        env: 'staging',
        status: 'interrupted',
        trigger: 'slash',
        actor: 'U1',
        startedAt: new Date('2026-01-01T10:00:00Z'),
        finishedAt: null,
        error: 'interrupted: opsbot was stopped',
        outcome: 'INTERRUPTED',
      },
    ];
    expect(drillHistoryText(runs)).toContain(
      '🚨 <!date^1767261600^{date_short_pretty} at {time}|2026-01-01 10:00 UTC> · *staging* INTERRUPTED · <@U1> · `r_x1` — interrupted: opsbot was stopped',
    );
  });
});
