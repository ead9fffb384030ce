// `opsbot audit export`: both bounds inclusive, days or timestamps, JSON lines that re-walk as a chain or a
// formula-safe CSV, stdout or --out; a bad bound or format is exit 2 with what was wrong, and nothing is read.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runCli } from '../../cli/main.js';
import { chainHash, createAudit } from '../../src/store/audit.js';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { seedAudit } from './fixtures.js';

vi.setConfig({ testTimeout: 60_000 });

describeWithPostgres('opsbot audit export', () => {
  let bot: Bot;
  let work: string;
  const cli = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { DATABASE_URL: bot.databaseUrl, LOG_LEVEL: 'warn' };
    const code = await runCli(['audit', 'export', ...args], { env, out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };
  const exports = async () =>
    (await bot.db.query("select params from audit_events where action = 'audit.export'")).length;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'opsbot-audit-export-'));
    bot = await startBot();
    await seedAudit(bot.db);
    await createAudit(bot.db, () => new Date('2026-09-30T23:59:59.500Z')).append({
      action: 'seed.run',
      actor: { user: '=HYPERLINK("https://evil.test")' },
      params: { prefix: '@SUM(A1)' },
      outcome: '+1',
    });
  });
  afterAll(async () => {
    await bot?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('writes JSON lines of the days asked, both inclusive, that re-walk as a hash chain', async () => {
    const result = await cli(['--from', '2026-07-01', '--to', '2026-08-15']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.at)).toEqual([
      '2026-07-02T10:15:30.123000Z',
      '2026-07-20T11:15:30.123000Z',
      '2026-08-15T12:15:30.123000Z',
    ]);
    for (const [i, { prev_hash, hash, ...row }] of lines.entries()) {
      expect(chainHash(prev_hash, row)).toBe(hash);
      if (i > 0) expect(prev_hash).toBe(lines[i - 1].hash);
    }
    expect(result.stderr).toContain('3 audit events from 2026-07-01T00:00:00Z to 2026-08-15T23:59:59.999999Z');
    const last = await cli(['--from', '2026-09-30', '--to', '2026-09-30']);
    expect(last.stdout.split('\n').map((l) => JSON.parse(l).action)).toEqual(['seed.run']);
  });

  it('takes full timestamps as inclusive bounds', async () => {
    const result = await cli(['--from', '2026-07-20T11:15:30.123Z', '--to', '2026-08-15T14:15:30.123+02:00']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').map((l) => JSON.parse(l).at)).toEqual([
      '2026-07-20T11:15:30.123000Z',
      '2026-08-15T12:15:30.123000Z',
    ]);
  });

  it('writes a formula-safe CSV to --out', async () => {
    const file = join(work, 'audit.csv');
    const result = await cli(['--from', '2026-09-01', '--to', '2026-09-30', '--format', 'csv', '--out', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const csv = (await readFile(file, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('seq,at,actor,channel,action,params,outcome,prev_hash,hash');
    expect(csv).toHaveLength(3);
    expect(csv[2]).toContain(`"'=HYPERLINK(""https://evil.test"")",,seed.run,"{""prefix"":""@SUM(A1)""}",'+1,`);
  });

  it('refuses a bad date, reversed bounds, a missing bound and an unknown format with exit 2', async () => {
    const before = await exports();
    for (const [args, said] of [
      [['--from', '2026-02-30', '--to', '2026-03-01'], '`--from 2026-02-30` is not a date or timestamp'],
      [['--from', '2026-07-01T25:00Z', '--to', '2026-08-01'], '`--from 2026-07-01T25:00Z` is not a valid time'],
      [['--from', '2026-08-01', '--to', '2026-07-01'], 'is after `--to 2026-07-01`'],
      [['--from', '2026-07-01'], '`--to` is required'],
      [['--from', '2026-07-01', '--to', '2026-07-02', '--format', 'xml'], '`--format xml` is not a format'],
    ] as const) {
      const result = await cli([...args]);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(said);
      expect(result.stdout).toBe('');
    }
    expect(await exports()).toBe(before);
  });
});
