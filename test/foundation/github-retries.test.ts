// How often a failed GitHub request is tried again: a server error three more times (1, 4 and 9 s apart), a request
// GitHub never answered within GITHUB_TIMEOUT_MS once, since each try waits the whole timeout.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { createGithubClient } from '../../src/github/client.js';
import { GithubTimeoutError } from '../../src/github/timed-fetch.js';
import { FakeGithub, generateMembers, OWNER_TOKEN } from '../support/fake-github.js';

const silent = pino({ level: 'silent' });

describe('GitHub retries', () => {
  let github: FakeGithub | undefined;
  afterEach(async () => {
    await github?.stop();
  });

  const client = (timeoutMs: number, options: { retries?: number } = {}) => {
    const octokit = createGithubClient(
      { token: OWNER_TOKEN, apiUrl: github!.url, timeoutMs } as Config['github'],
      silent,
      options,
    );
    if (!octokit) throw new Error('no client');
    return octokit;
  };

  it('tries a request that got a server error again, and answers once GitHub is back', async () => {
    github = await new FakeGithub({ members: generateMembers(2) }).start();
    github.failNext(2, 502);
    const { data } = await client(30_000).request('GET /orgs/{org}/members', { org: 'acme' });
    expect(data).toHaveLength(2);
    expect(github.requestsTo('/orgs/acme/members')).toHaveLength(3);
  }, 20_000);

  it('tries a request that timed out once more, then fails with the timeout', async () => {
    github = await new FakeGithub({ members: generateMembers(2), delayMs: 600_000 }).start();
    const started = Date.now();
    const error = await client(200)
      .request('GET /orgs/{org}/members', { org: 'acme' })
      .catch((e: unknown) => e);
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(GithubTimeoutError);
    expect(github.requestsTo('/orgs/acme/members')).toHaveLength(2);
    // Two tries of 200 ms, a second apart: not four, which would add 4 and 9 s.
    expect(Date.now() - started).toBeLessThan(4_000);
  }, 20_000);

  it('tries nothing again for a client made to try nothing again, a timeout included', async () => {
    github = await new FakeGithub({ members: generateMembers(2), delayMs: 600_000 }).start();
    const error = await client(200, { retries: 0 })
      .request('GET /orgs/{org}/members', { org: 'acme' })
      .catch((e: unknown) => e);
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(GithubTimeoutError);
    expect(github.requestsTo('/orgs/acme/members')).toHaveLength(1);
  });
});
