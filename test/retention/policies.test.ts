// RETENTION_POLICIES: every problem of a policy file at once, the audit chain out of reach, and file policies that
// count and delete only what is past retention and matches the glob.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { countFiles } from '../../src/retention/count.js';
import { deletePolicy } from '../../src/retention/delete.js';
import type { FilePolicy } from '../../src/retention/policy.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function folder() {
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-retention-'));
  dirs.push(dir);
  return dir;
}
const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123', ENVIRONMENTS: 'staging' };

describe('retention policies', () => {
  it('reports every problem of a policy file at once, naming the policy', async () => {
    const dir = await folder();
    const path = join(dir, 'policies.yaml');
    await writeFile(
      path,
      [
        'policies:',
        '  - { name: receipts, kind: table, env: prod, table: receipts, column: received_on, days: 365 }',
        '  - { name: Bad Name, kind: table, env: staging, table: "x; drop", column: at, days: 0 }',
        '  - { name: chain, kind: table, env: opsbot, table: audit_events, column: at, days: 30 }',
        '  - { name: logs, kind: disk, days: 3 }',
      ].join('\n'),
    );
    const error = (() => {
      try {
        loadConfig({ ...base, RETENTION_POLICIES: path });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.problems.join('\n');
    expect(text).toContain('policy 1 (receipts): env `prod` is not in ENVIRONMENTS (staging)');
    expect(text).toContain('policy 2 (Bad Name): name must be 1-40 lowercase letters');
    expect(text).toContain('table must be a plain lowercase SQL name');
    expect(text).toContain('days must be at least 1');
    expect(text).toContain("policy 3 (chain): `audit_events` is opsbot's audit chain");
    expect(text).toContain('policy 4 (logs): kind must be table or files');
  });

  it('says a missing file is missing, and takes the runbook defaults without one', () => {
    expect(() => loadConfig({ ...base, RETENTION_POLICIES: '/nonexistent/p.json' })).toThrow(
      'RETENTION_POLICIES: cannot read `/nonexistent/p.json`: no such file',
    );
    const config = loadConfig(base);
    expect(config.retention.policies.map((p) => [p.name, p.days])).toEqual([
      ['staging-receipts', 365],
      ['staging-analytics', 365],
      ['staging-app-logs', 30],
      ['opsbot-outbox', 30],
    ]);
  });

  it('counts and deletes only files past retention that match the glob, one by one', async () => {
    const dir = await folder();
    await mkdir(join(dir, 'app'), { recursive: true });
    const old = new Date(Date.now() - 40 * 86_400_000);
    for (const [name, when] of [
      ['app/old.log', old],
      ['app/new.log', new Date()],
      ['app/old.txt', old],
      ['old-top.log', old],
    ] as const) {
      await writeFile(join(dir, name), 'x'.repeat(100));
      await utimes(join(dir, name), when, when);
    }
    const policy: FilePolicy = {
      name: 'logs',
      kind: 'files',
      folder: dir,
      glob: '**/*.log',
      days: 30,
      deleteAllowed: true,
    };
    const counted = await countFiles(policy, new Date());
    expect(counted.lines[0]).toMatchObject({ rows: 2, bytes: 200 });
    expect(counted.files!.sort()).toEqual(['app/old.log', 'old-top.log']);
    const progress: number[] = [];
    const deleted = await deletePolicy(policy, counted, { log: { info: () => {} } } as never, {
      shouldStop: async () => false,
      progress: (p) => progress.push(p.deleted),
    });
    expect(deleted).toMatchObject({
      before: 2,
      after: 0,
      files: expect.arrayContaining(['app/old.log', 'old-top.log']),
    });
    expect(progress).toEqual([1, 2]);
    expect((await countFiles(policy, new Date())).lines[0]!.rows).toBe(0);
    expect((await countFiles({ ...policy, glob: '**/*' }, new Date())).lines[0]!.rows).toBe(1);
  });
});
