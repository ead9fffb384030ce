// What a new user meets first, through the real CLI: an unedited .env.example refused, the warnings that say why a
// valid configuration would do nothing, settings of one command not blocking another, validator wording in words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApp, startFakeApp } from '../support/fake-app.js';
import { runOpsbot } from '../support/process.js';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'a-signing-secret-1234' };
const example = Object.fromEntries(
  readFileSync(join(import.meta.dirname, '../../.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

describe('first run', { timeout: 60_000 }, () => {
  let app: FakeApp;
  beforeAll(async () => {
    app = await startFakeApp();
  });
  afterAll(() => app?.stop());

  it('refuses an unedited .env.example, naming each placeholder still in it', async () => {
    const { code, stderr } = await runOpsbot(['config', 'check'], example);
    expect(code).not.toBe(0);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_ALERT_CHANNEL', 'OPSBOT_ADMINS'])
      expect(stderr).toContain(`${name}: is still the placeholder from .env.example`);
    expect(stderr).not.toContain(example.SLACK_SIGNING_SECRET!.replace('your-', 'x'));
  });

  it('warns once for each thing that leaves a valid bot useless or its audit log forgeable: no base URL, no admin, no alert channel, no AUDIT_KEY', async () => {
    const { code, stderr } = await runOpsbot(['config', 'check'], SLACK);
    expect(code).toBe(0);
    expect(stderr.match(/^Warning: /gm)).toHaveLength(4);
    expect(stderr).toContain('AUDIT_KEY=$(openssl rand -hex 32)');
    expect(stderr).toContain('STAGING_BASE_URL=https://staging.example.com');
    expect(stderr).toContain('OPSBOT_ADMINS=');
    expect(stderr).toContain('SLACK_ALERT_CHANNEL=');
  });

  it('says nothing more once the useful minimum is set', async () => {
    const env = {
      ...SLACK,
      STAGING_BASE_URL: app.url,
      OPSBOT_ADMINS: 'U1',
      SLACK_ALERT_CHANNEL: 'C1',
      AUDIT_KEY: 'ab'.repeat(32),
    };
    const { code, stderr } = await runOpsbot(['config', 'check'], env);
    expect(code).toBe(0);
    expect(stderr).not.toContain('Warning');
  });

  it('smokes qa when only qa is configured, untroubled by the seed default of staging', async () => {
    const { code, stdout, stderr } = await runOpsbot(['smoke', 'qa'], { ENVIRONMENTS: 'qa', QA_BASE_URL: app.url });
    expect(stderr).not.toContain('SEED_ENVIRONMENTS');
    expect(stdout).toContain('✅ qa passed');
    expect(code).toBe(0);
  });

  it('never suggests an invalid environment name as the example for another setting', async () => {
    const { code, stderr } = await runOpsbot(['config', 'check'], { ...SLACK, ENVIRONMENTS: 'bad name' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('`bad name` is not a valid name');
    expect(stderr).not.toContain('=bad name');
  });

  it('says which log levels exist, in words, for a wrong LOG_LEVEL', async () => {
    const { code, stderr } = await runOpsbot(['config', 'check'], { ...SLACK, LOG_LEVEL: 'loud' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('LOG_LEVEL: `loud` is not a log level (fatal, error, warn, info, debug, trace, silent)');
    expect(stderr).not.toContain('Invalid option');
  });
});
