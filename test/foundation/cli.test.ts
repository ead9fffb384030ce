// The command line answers honestly: --help everywhere without side effects, exit 2 for every usage or configuration
// error, words written for people (no zod or parseArgs text), "did you mean" for a slip, and stdout kept for answers.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { stopEmbeddedServer } from '../../src/store/embedded-server.js';
import { runOpsbotProcess } from '../support/process.js';

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { env, out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the opsbot command line', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'opsbot-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers --help on every subcommand with exit 0, starting, migrating and creating nothing', async () => {
    const env = { DATA_DIR: dataDir, SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'a-signing-secret' };
    for (const args of [
      ['serve'],
      ['migrate'],
      ['config'],
      ['config', 'check'],
      ['audit'],
      ['audit', 'verify'],
      ['audit', 'export'],
      ['evidence'],
      ['evidence', 'verify'],
      ['smoke'],
      ['seed'],
      ['backup'],
      ['drill', 'restore'],
      ['access-review'],
    ]) {
      const help = await cli([...args, '--help'], env);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.out, args.join(' ')).toContain(`opsbot ${args[0]}`);
      expect(help.err, args.join(' ')).toBe('');
    }
    // No database was created or migrated, no server started.
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('suggests the command or option meant by a near miss, with exit 2', async () => {
    const command = await cli(['smok']);
    expect(command.code).toBe(2);
    expect(command.err).toContain('Unknown command `smok`. Did you mean `smoke`?');
    const option = await cli(['smoke', '--jsn']);
    expect(option.code).toBe(2);
    expect(option.err).toContain('Unknown option `--jsn`. Did you mean `--json`?');
    expect(option.err).not.toContain('positional argument');
    const missing = await cli(['seed', 'pilots', '--count']);
    expect(missing).toMatchObject({ code: 2, err: expect.stringContaining('`--count` needs a value') });
    expect((await cli(['frobnicate'])).err).not.toContain('Did you mean');
  });

  it('exits 2 on a configuration error from config check and serve, in plain words', async () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'a-signing-secret', LOG_LEVEL: 'loud' };
    for (const args of [['config', 'check'], ['serve']]) {
      const result = await cli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toContain(
        'LOG_LEVEL: `loud` is not a log level (fatal, error, warn, info, debug, trace, silent). Example: LOG_LEVEL=info',
      );
      expect(result.err).not.toMatch(/Invalid (option|input)|expected one of/);
    }
    expect((await cli(['config', 'verify'])).code).toBe(2);
    expect((await cli(['audit', 'check'])).code).toBe(2);
  });

  it('prints only its answer on stdout, logs on stderr (migrate and audit verify as a process)', async () => {
    const state = mkdtempSync(join(tmpdir(), 'opsbot-cli-state-'));
    const env = { DATA_DIR: state, SLACK_BOT_TOKEN: 'xoxb-1-2-3' };
    try {
      const migrated = await runOpsbotProcess(['migrate'], env);
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(migrated.stdout).toMatch(/^Applied 001_core\.sql(, [\w.]+)*\.\n$/);
      const verified = await runOpsbotProcess(['audit', 'verify'], env);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/^Rows walked: 0\nHead hash: 0{64}\nAudit chain OK\.\n$/);
      // The in-process coordination warning is a log line: on stderr.
      expect(verified.stderr).toContain('REDIS_URL is not set');
      expect(existsSync(join(state, 'postgres', 'PG_VERSION'))).toBe(true);
    } finally {
      await stopEmbeddedServer(state);
      rmSync(state, { recursive: true, force: true });
    }
  }, 120_000);
});
