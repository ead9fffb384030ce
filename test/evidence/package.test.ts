// The quarter's evidence package as an auditor gets it: every control with its requirement and exactly its gaps,
// `sha256sum -c` and `opsbot evidence verify` passing with no configuration, and failing, naming the file (and the
// audit line), once one byte is changed or an audit line removed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runCli } from '../../cli/main.js';
import { type Bot, startBot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { runOpsbot } from '../support/process.js';
import { QUARTER, seedDrills, seedQuarter } from './fixtures.js';

vi.setConfig({ testTimeout: 120_000 });
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { env, out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

describeWithPostgres('the quarterly evidence package', () => {
  let bot: Bot;
  let work: string;
  let pkg: string;
  let built: Awaited<ReturnType<typeof cli>>;
  const env = () => ({ DATABASE_URL: bot.databaseUrl, BACKUP_DIR: join(work, 'backups'), LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'opsbot-evidence-'));
    bot = await startBot({ env: { BACKUP_DIR: join(work, 'backups') } });
    await seedQuarter(bot.db);
    const [head] = await bot.db.query<{ seq: number; hash: string }>(
      "select seq, hash from audit_events where at < '2026-08-01' order by seq desc limit 1",
    );
    await mkdir(join(work, 'backups'), { recursive: true });
    await writeFile(
      join(work, 'backups', 'audit-anchors.jsonl'),
      `${JSON.stringify({ seq: Number(head!.seq), hash: head!.hash, at: '2026-08-01T00:00:00.000Z' })}\nnot json\n`,
    );
    pkg = join(work, 'pkg');
    built = await cli(['evidence', QUARTER, '--out', pkg], env());
  });
  afterAll(async () => {
    await bot?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('lists every control with its requirement and marks exactly the missing review and the emergency deploy', async () => {
    expect(built.stderr).not.toContain('"level":"error"');
    expect(built.code).toBe(1);
    expect(built.stdout).toContain('Access reviews: 1 gap');
    const index = JSON.parse(await readFile(join(pkg, 'index.json'), 'utf8'));
    const byId = Object.fromEntries(index.controls.map((c: { id: string }) => [c.id, c]));
    expect(byId['access-reviews'].gaps).toEqual(['2026-W32 (2026-08-03 – 2026-08-09): no access review.']);
    expect(byId['deploy-approvals'].gaps).toEqual([
      'Emergency deploy apr_emergency_missing of production (v1.21) on 2026-09-12: no retrospective approval.',
    ]);
    for (const id of ['restore-drills', 'uptime', 'data-retention', 'audit-log'])
      expect({ id, inUse: byId[id].inUse, gaps: byId[id].gaps }).toEqual({ id, inUse: true, gaps: [] });
    for (const id of ['github-posture', 'change-control']) expect(byId[id]).toMatchObject({ inUse: false, gaps: [] });
    expect(index.gaps).toBe(2);
    expect(byId['restore-drills'].requirement).toContain('every month');
    expect(byId['access-reviews'].requirement).toContain('every week');
    expect(byId['restore-drills'].happened[0]).toContain('3 drills: 3 PASS');
    expect(byId.uptime.happened).toHaveLength(3);

    const markdown = await readFile(join(pkg, 'INDEX.md'), 'utf8');
    expect(markdown).toContain('## Access reviews: **1 gap**');
    expect(markdown).toContain('- **GAP** 2026-W32 (2026-08-03 – 2026-08-09): no access review.');
    expect(markdown).toContain('## Restore drills: no gap');
    expect(markdown).toContain('## Change control: not in use');
    expect(markdown.match(/\*\*GAP\*\*/g)).toHaveLength(2);

    const files: string[] = index.files;
    expect(files.filter((f) => /^restore-drills\/backup_restore_.*\.txt$/.test(f))).toHaveLength(3);
    expect(files.filter((f) => /^access-reviews\/access_snapshot_\d+\.csv$/.test(f))).toHaveLength(12);
    expect(files).toEqual(
      expect.arrayContaining([
        'deploy-approvals/approvals_2026-Q3.csv',
        'uptime/uptime_staging_2026-08.txt',
        'data-retention/data_retention_20260901.txt',
        'audit/audit-events.jsonl',
        'audit/anchors.jsonl',
      ]),
    );
    expect(await readFile(join(pkg, 'uptime', 'uptime_staging_2026-08.txt'), 'utf8')).toContain('measured: 100.000 %');
  });

  it("carries the quarter's audit lines linked to June's last event, the chain head and the anchors", async () => {
    const lines = (await readFile(join(pkg, 'audit', 'audit-events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.at)).toEqual([
      '2026-07-02T10:15:30.123000Z',
      '2026-07-20T11:15:30.123000Z',
      '2026-08-15T12:15:30.123000Z',
      '2026-09-29T13:15:30.123000Z',
    ]);
    expect(Object.keys(lines[0])).toEqual([
      'seq',
      'at',
      'actor',
      'channel',
      'action',
      'params',
      'outcome',
      'prev_hash',
      'hash',
    ]);
    const [june] = await bot.db.query<{ hash: string }>("select hash from audit_events where at < '2026-07-01'");
    expect(lines[0].prev_hash).toBe(june!.hash);
    const index = JSON.parse(await readFile(join(pkg, 'index.json'), 'utf8'));
    const [head] = await bot.db.query<{ seq: number; hash: string }>(
      "select seq, hash from audit_events where action <> 'evidence.export' order by seq desc limit 1",
    );
    expect(index.audit).toMatchObject({
      events: 4,
      previousHash: june!.hash,
      last: { seq: lines[3].seq, hash: lines[3].hash },
      head: { seq: Number(head!.seq), hash: head!.hash },
      anchors: 1,
    });
    expect((await readFile(join(pkg, 'audit', 'anchors.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
    const [event] = await bot.db.query<{ actor: string; outcome: string }>(
      "select actor, outcome from audit_events where action = 'evidence.export'",
    );
    expect(event).toMatchObject({ actor: expect.stringMatching(/^cli:/), outcome: 'exported' });
  });

  it('passes sha256sum -c, and opsbot evidence verify with no configuration at all', async () => {
    const checked = await run('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: pkg });
    expect(checked.stdout).toContain('audit/audit-events.jsonl: OK');
    const manifest = await readFile(join(pkg, 'MANIFEST.sha256'), 'utf8');
    expect(manifest).not.toContain('MANIFEST.sha256');
    const verified = await runOpsbot(['evidence', 'verify', pkg], {});
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^OK: \d+ files match MANIFEST\.sha256; 4 audit events chain/);
  });

  it('fails naming the file when one byte of any file is changed', async () => {
    const copy = join(work, 'tampered');
    const manifest = await readFile(join(pkg, 'MANIFEST.sha256'), 'utf8');
    const paths = manifest
      .trim()
      .split('\n')
      .map((l) => l.slice(66));
    expect(paths.length).toBeGreaterThan(25);
    for (const path of paths) {
      await rm(copy, { recursive: true, force: true });
      await cp(pkg, copy, { recursive: true });
      const bytes = await readFile(join(copy, path));
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      await writeFile(join(copy, path), bytes);
      const result = await cli(['evidence', 'verify', copy], {});
      expect({ path, code: result.code }).toEqual({ path, code: 1 });
      expect(result.stdout).toContain(`FAIL ${path}: does not match its sha256 in the manifest`);
    }
  });

  it('fails naming the audit file and the sequence number when an audit line is removed, even with the manifest fixed', async () => {
    for (const which of ['middle', 'last'] as const) {
      const copy = join(work, `cut-${which}`);
      await cp(pkg, copy, { recursive: true });
      const file = join(copy, 'audit', 'audit-events.jsonl');
      const lines = (await readFile(file, 'utf8')).trim().split('\n');
      const removed = which === 'middle' ? 1 : lines.length - 1;
      const kept = lines.filter((_, i) => i !== removed);
      await writeFile(file, `${kept.join('\n')}\n`);
      const manifestPath = join(copy, 'MANIFEST.sha256');
      const manifest = (await readFile(manifestPath, 'utf8')).replace(
        /^[0-9a-f]{64}( {2}audit\/audit-events\.jsonl)$/m,
        `${sha256(await readFile(file))}$1`,
      );
      await writeFile(manifestPath, manifest);
      await run('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: copy });
      const result = await cli(['evidence', 'verify', copy], {});
      expect(result.code).toBe(1);
      const next = JSON.parse(lines[removed + 1] ?? lines[removed - 1]!).seq;
      expect(result.stdout).toContain(`FAIL audit/audit-events.jsonl seq ${next}:`);
    }
  });

  it('fails on a changed manifest, and on an anchor that does not match its audit line', async () => {
    const copy = join(work, 'manifest-edit');
    await cp(pkg, copy, { recursive: true });
    const manifestPath = join(copy, 'MANIFEST.sha256');
    const manifest = await readFile(manifestPath, 'utf8');
    await writeFile(
      manifestPath,
      manifest.replace(/^([0-9a-f])/, (c) => (c === '0' ? '1' : '0')),
    );
    const edited = await cli(['evidence', 'verify', copy], {});
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/^FAIL \S+: does not match its sha256 in the manifest/);

    const anchored = join(work, 'anchor-edit');
    await cp(pkg, anchored, { recursive: true });
    const line = JSON.parse((await readFile(join(anchored, 'audit', 'audit-events.jsonl'), 'utf8')).split('\n')[1]!);
    const anchors = join(anchored, 'audit', 'anchors.jsonl');
    await writeFile(anchors, `${JSON.stringify({ seq: line.seq, hash: 'f'.repeat(64), at: line.at })}\n`);
    await writeFile(
      join(anchored, 'MANIFEST.sha256'),
      manifest.replace(/^[0-9a-f]{64}( {2}audit\/anchors\.jsonl)$/m, `${sha256(await readFile(anchors))}$1`),
    );
    const result = await cli(['evidence', 'verify', anchored], {});
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `FAIL audit/anchors.jsonl seq ${line.seq}: the anchor does not match the audit line`,
    );
  });

  it('marks a month without a drill and the months without a retention report in a quarter of their own', async () => {
    await seedDrills(bot.db, ['2026-04-01', '2026-06-01']);
    const dir = join(work, 'q2');
    const result = await cli(['evidence', '2026-Q2', '--out', dir], env());
    expect(result.code).toBe(1);
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
    const gaps = Object.fromEntries(index.controls.map((c: { id: string; gaps: string[] }) => [c.id, c.gaps]));
    expect(gaps['restore-drills']).toEqual(['2026-05: no drill.']);
    expect(gaps['data-retention']).toEqual([
      '2026-04: no retention report.',
      '2026-05: no retention report.',
      '2026-06: no retention report.',
    ]);
    expect(gaps['access-reviews']).toEqual([]);
    expect(index.audit.previousHash).toBe('0'.repeat(64));
    expect((await cli(['evidence', 'verify', dir], {})).code).toBe(0);
  });

  it('refuses a bad quarter and a folder that is not empty with exit 2, writing nothing', async () => {
    const bad = await cli(['evidence', '2026-Q5', '--out', join(work, 'q5')], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('2026-Q5 is not a quarter. Use YYYY-Qn');
    const full = await cli(['evidence', QUARTER, '--out', pkg], env());
    expect(full.code).toBe(2);
    expect(full.stderr).toContain('is not empty');
    const none = await cli(['evidence', 'verify', join(work, 'nowhere')], {});
    expect(none.code).toBe(2);
  });
});
