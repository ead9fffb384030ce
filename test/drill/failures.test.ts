// The failures people meet, through the real command line: each a clear message and exit code, nothing left behind,
// no secret shown.
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/infra.js';
import { runOpsbot, runOpsbotProcess } from '../support/process.js';
import {
  backupDir,
  createSource,
  databasesLike,
  databasesOwnedBy,
  onServer,
  PASSWORD,
  type Source,
} from './helpers.js';

// Each drill restores a real database: generous on a loaded 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

describeWithPostgres('backup and drill failures', () => {
  let source: Source;
  let state: TestDatabase;
  let backups: Awaited<ReturnType<typeof backupDir>>;
  let bins: Awaited<ReturnType<typeof backupDir>>;
  let serverMajor: number;
  const role = `opsbot_drill_role_${Math.random().toString(36).slice(2, 8)}`;
  const env = (extra: Record<string, string | undefined> = {}) => ({
    ENVIRONMENTS: 'staging',
    STAGING_DATABASE_URL: source.urlWithPassword,
    DATABASE_URL: state.url,
    BACKUP_DIR: backups.dir,
    ...extra,
  });
  const roleUrl = (database: string) => {
    const url = new URL(source.url);
    url.username = role;
    url.password = PASSWORD;
    url.pathname = `/${database}`;
    return url.toString();
  };
  /** A folder with a pg_dump that reports version and, when asked to dump, writes part of a file, then fails. */
  async function fakePgDump(version: string, stderr: string): Promise<string> {
    const dir = join(bins.dir, Math.random().toString(36).slice(2, 8));
    await mkdir(dir, { recursive: true });
    const script = `#!/bin/sh
if [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) ${version}"; exit 0; fi
for arg in "$@"; do case "$arg" in --file=*) mkdir -p "\${arg#--file=}"; echo partial > "\${arg#--file=}/toc.dat";; esac; done
echo '${stderr}' >&2
exit 1
`;
    await writeFile(join(dir, 'pg_dump'), script);
    await chmod(join(dir, 'pg_dump'), 0o755);
    return dir;
  }
  const stagingEntries = () => readdir(join(backups.dir, 'staging')).catch(() => [] as string[]);
  const failedBackups = () =>
    state.query<{ status: string; error: string }>('select status, error from backups order by created_at');

  beforeAll(async () => {
    [source, state, backups, bins] = await Promise.all([
      createSource('src', { pilots: 1, extraRows: 100 }),
      createTestDatabase('state'),
      backupDir(),
      backupDir(),
    ]);
    await source.query('create extension dblink');
    const [row] = await source.query<{ n: string }>("select current_setting('server_version_num') as n");
    serverMajor = Math.floor(Number(row!.n) / 10_000);
    await onServer(`create role ${role} login createdb password '${PASSWORD}'`);
  });
  afterAll(async () => {
    await Promise.all([source?.drop(), state?.drop(), backups?.remove()]);
    await bins?.remove();
    // Only what this role owns (nothing, when the tests pass), so the role can go; other suites' databases stay.
    for (const db of await databasesOwnedBy(role)) await onServer(`drop database if exists ${db} with (force)`);
    await onServer(`drop role if exists ${role}`);
  });

  it('says the source cannot be reached, exits 1 and writes no backup', async () => {
    const result = await runOpsbot(
      ['backup', 'staging'],
      env({ STAGING_DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:1/app` }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'FAIL backup of staging: Cannot connect to the source of staging postgres://app:****@127.0.0.1:1/app: connection refused',
    );
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(await stagingEntries()).toEqual([]);
    expect((await failedBackups()).at(-1)).toMatchObject({ status: 'failed' });
  });

  it('names the package to install when pg_dump is not on PATH', async () => {
    const result = await runOpsbotProcess(['backup', 'staging'], env({ PATH: '/nonexistent-opsbot-path' }));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `pg_dump was not found on PATH: install the PostgreSQL client tools (Debian/Ubuntu: \`apt-get install postgresql-client-${serverMajor}\``,
    );
    expect(await stagingEntries()).toEqual([]);
  });

  it('says an older pg_dump cannot dump the server and which client to install', async () => {
    const bin = await fakePgDump(`${serverMajor - 1}.9`, 'never reached');
    const result = await runOpsbot(['backup', 'staging'], env({ PG_BIN_DIR: bin }));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `pg_dump ${serverMajor - 1} cannot dump a PostgreSQL ${serverMajor} server: install postgresql-client-${serverMajor}`,
    );
  });

  it('says the disk is full when pg_dump cannot write, and removes the partial backup', async () => {
    const bin = await fakePgDump(
      `${serverMajor}.1`,
      'pg_dump: error: could not write to file "dump/3456.dat.gz": No space left on device',
    );
    const result = await runOpsbot(['backup', 'staging'], env({ PG_BIN_DIR: bin }));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'The disk holding BACKUP_DIR is full: pg_dump stopped with "pg_dump: error: could not write to file',
    );
    expect(result.stdout).toContain('the partial backup was removed');
    expect(await stagingEntries()).toEqual([]);
  });

  it('says when the drill server role may not create databases, and leaves nothing', async () => {
    await onServer(`alter role ${role} nocreatedb`);
    const result = await runOpsbot(['drill', 'restore', 'staging'], env({ DRILL_DATABASE_URL: roleUrl(source.name) }));
    await onServer(`alter role ${role} createdb`);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^RESULT: FAIL/);
    expect(result.stdout).toContain(`The role in DRILL_DATABASE_URL (postgres://${role}:****@`);
    expect(result.stdout).toContain('may not create databases: give it CREATEDB');
    expect(result.stdout).toContain('(not created)');
    expect(result.stdout).not.toContain('Could not drop');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    const [run] = await state.query<{ id: string }>(
      "select id from runs where kind = 'drill' order by started_at desc limit 1",
    );
    expect(await databasesLike(`opsbot_drill_${run!.id}`)).toEqual([]);
  });

  it("fails with pg_restore's own message when the restore errors, secrets masked, and drops the drill database", async () => {
    const result = await runOpsbot(
      ['drill', 'restore', 'staging', '--json'],
      env({ DRILL_DATABASE_URL: roleUrl(source.name) }),
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.verdict).toBe('FAIL');
    expect(report.reasons[0]).toContain('pg_restore failed (exit 1), so the backup does not restore as it is');
    expect(report.reasons[0]).toContain('permission denied to create extension "dblink"');
    expect(report.phases.find((p: { name: string }) => p.name === 'restore').status).toBe('failed');
    expect(report.databaseDropped).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(await databasesLike(report.drillDatabase)).toEqual([]);
  });

  it('names the package to install when pg_restore is not on PATH, before creating anything', async () => {
    const result = await runOpsbotProcess(['drill', 'restore', 'staging'], env({ PATH: '/nonexistent-opsbot-path' }));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('pg_restore was not found on PATH: install the PostgreSQL client tools');
    const [run] = await state.query<{ id: string }>(
      "select id from runs where kind = 'drill' order by started_at desc limit 1",
    );
    expect(await state.query('select name from drill_databases where run_id = $1', [run!.id])).toEqual([]);
  });

  it("refuses the bot's own state when it is a throwaway in-memory database: nothing to back up (exit 2)", async () => {
    const result = await runOpsbot(['drill', 'restore', 'opsbot'], { ENVIRONMENTS: 'staging', DATA_DIR: 'memory://' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "The bot's own state is a throwaway in-memory database (DATA_DIR=memory://): there is nothing to back up.",
    );
  });

  it('answers an unknown environment with the configured ones (exit 2)', async () => {
    const result = await runOpsbot(['backup', 'prod'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('`prod` is not a configured environment. Configured: staging, opsbot.');
  });
});
