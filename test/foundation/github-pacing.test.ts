// GitHub paces each account on each host: writes from every client of one token to one host queue a second apart,
// and a client of another host (or token) does not wait behind that queue.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { createGithubClient } from '../../src/github/client.js';
import { FakeGithub, OWNER_TOKEN } from '../support/fake-github.js';

const silent = pino({ level: 'silent' });

describe('GitHub write pacing', () => {
  let first: FakeGithub;
  let second: FakeGithub;
  beforeAll(async () => {
    [first, second] = await Promise.all([new FakeGithub().start(), new FakeGithub().start()]);
    for (const github of [first, second]) {
      github.issues.set('acme/web', [
        {
          number: 1,
          title: 'downtime',
          body: '',
          state: 'open',
          state_reason: null,
          labels: [],
          comments: [],
          html_url: 'https://github.test/acme/web/issues/1',
        },
      ]);
    }
  });
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  const client = (github: FakeGithub) => {
    const octokit = createGithubClient(
      { token: OWNER_TOKEN, apiUrl: github.url, timeoutMs: 30_000 } as Config['github'],
      silent,
    );
    if (!octokit) throw new Error('no client');
    return octokit;
  };

  it('spaces writes of one account to one host across clients, and lets another host go first', async () => {
    const [a, alsoA, b] = [client(first), client(first), client(second)];
    const started = Date.now();
    // An edit is a write that notifies nobody: GitHub's pacing for it is a second.
    const write = (octokit: typeof a, body: string) =>
      octokit.rest.issues
        .update({ owner: 'acme', repo: 'web', issue_number: 1, body })
        .then(() => Date.now() - started);
    const firstHost = [write(a, 'a1'), write(a, 'a2'), write(alsoA, 'a3')];
    const secondHost = await write(b, 'b1');
    const times = (await Promise.all(firstHost)).sort((x, y) => x - y);

    // Three writes a second apart, whichever client sent them: the last ends about two seconds after the first (one
    // second if the clients had queues of their own). Answers take their own time, hence the margin.
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(1500);
    // The other host's write did not queue behind them.
    expect(secondHost).toBeLessThan(times[1]!);
    expect(second.issuesOf('acme/web')[0]?.body).toBe('b1');
  });
});
