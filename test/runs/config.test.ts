// The report pages' variables: all three or none, each bad value named with an example, the secret never shown.
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config.js';
import { uselessnessWarnings } from '../../src/config-warnings.js';
import { CLIENT_ID, CLIENT_SECRET, signInEnv } from './helpers.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123', ENVIRONMENTS: 'staging' };
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('report page settings', () => {
  it('are off when none of the three is set, and on (the base URL without its trailing slash) when all are', () => {
    expect(loadConfig(base).signIn).toBeUndefined();
    const config = loadConfig({ ...base, ...signInEnv, OPSBOT_PUBLIC_URL: 'https://opsbot.test/' });
    expect(config.signIn).toEqual({
      publicUrl: 'https://opsbot.test',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
  });

  it('names each variable that is missing when only some are set', () => {
    const problems = problemsOf({ OPSBOT_PUBLIC_URL: 'https://opsbot.test' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^SLACK_CLIENT_ID: is not set but OPSBOT_PUBLIC_URL is; report pages need all three/);
    expect(problems[1]).toMatch(/^SLACK_CLIENT_SECRET: is not set/);
  });

  it('reports every bad value at once, each with an example, and never shows the secret', () => {
    const problems = problemsOf({
      OPSBOT_PUBLIC_URL: 'ftp://opsbot.test',
      SLACK_CLIENT_ID: 'my-app',
      SLACK_CLIENT_SECRET: 'short-secret',
    });
    expect(problems).toEqual([
      'OPSBOT_PUBLIC_URL: `ftp://opsbot.test` is not an http(s) URL. Example: OPSBOT_PUBLIC_URL=https://opsbot.example.com',
      'SLACK_CLIENT_ID: `my-app` is not a Slack client id (digits, a dot, digits). Example: SLACK_CLIENT_ID=1234567890.0987654321',
      'SLACK_CLIENT_SECRET: `****` is too short. Example: SLACK_CLIENT_SECRET=8f3c2b1e…',
    ]);
    expect(problems.join('\n')).not.toContain('short-secret');
  });

  it('masks the client secret in config check, and warns when the public URL is plain http', () => {
    const config = loadConfig({ ...base, ...signInEnv, OPSBOT_PUBLIC_URL: 'http://opsbot.example.com' });
    const shown = JSON.stringify(describeConfig(config));
    expect(shown).not.toContain(CLIENT_SECRET);
    expect(shown).toContain(CLIENT_ID);
    expect(uselessnessWarnings(config).join('\n')).toMatch(/OPSBOT_PUBLIC_URL is http:\/\//);
    expect(uselessnessWarnings(loadConfig({ ...base, ...signInEnv })).join('\n')).not.toMatch(/OPSBOT_PUBLIC_URL/);
  });
});
