// `opsbot change-control check --pr N`: one verdict line per rule of the PR gate, and the exit code CI acts on,
// with nothing but a GitHub token (no Slack, database or org).
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { type FakeGithub, MEMBER_TOKEN, startFakeGithub } from '../support/fake-github.js';
import { fakePull } from '../support/fake-github-pulls.js';

const template = (sections: Record<string, string>) =>
  Object.entries(sections)
    .map(([name, text]) => (name === 'Issue URL' ? `Issue URL: ${text}` : `## ${name}\n${text}`))
    .join('\n\n');
const filled = {
  'Issue URL': 'https://tickets.example.com/browse/OPS-7',
  'Risk/Impact': 'Low.',
  'Rollback Plan': 'Revert.',
  'Tests/Evidence': 'CI.',
};

let github: FakeGithub;
beforeAll(async () => {
  github = await startFakeGithub();
  github.repos.add('acme/web', [
    fakePull(1, { body: template(filled) }),
    fakePull(2, {
      body: `See https://tickets.example.com/browse/OPS-2 for context.\n\n${template({ ...filled, 'Issue URL': '' })}`,
    }),
    fakePull(3, {
      body: `## Issue URL\n<!-- link the ticket -->\nhttps://tickets.example.com/browse/OPS-3\n\n${template({ ...filled, 'Issue URL': undefined as never }).replace(/^Issue URL: undefined\n\n/, '')}`,
    }),
    fakePull(4, { body: template({ ...filled, 'Issue URL': 'https://evil.example.net/OPS-4' }) }),
    fakePull(5, { body: template(filled), labels: ['bug'] }),
    fakePull(6, { body: template({ ...filled, 'Rollback Plan': 'TBD' }) }),
    fakePull(7, { body: template({ ...filled, 'Risk/Impact': '<!-- What could break? Who is affected? -->' }) }),
    fakePull(8, {
      body: template({ 'Issue URL': filled['Issue URL'], 'Risk/Impact': 'Low.', 'Rollback Plan': 'Revert.' }),
    }),
    fakePull(9, {
      body: template(filled),
      reviews: [{ login: 'alice', state: 'APPROVED', submittedAt: '2026-11-25T09:00:00Z' }],
    }),
    fakePull(10, {
      body: template(filled),
      reviews: [
        { login: 'bob', state: 'APPROVED', submittedAt: '2026-11-25T08:00:00Z' },
        { login: 'bob', state: 'CHANGES_REQUESTED', submittedAt: '2026-11-25T09:00:00Z' },
      ],
    }),
    fakePull(11, {
      body: template(filled),
      reviews: [
        { login: 'bob', state: 'APPROVED', submittedAt: '2026-11-25T08:00:00Z' },
        { login: 'bob', state: 'COMMENTED', submittedAt: '2026-11-25T09:00:00Z' },
      ],
    }),
    fakePull(12, { body: template(filled), checkRuns: [{ name: 'unit tests', conclusion: 'failure' }] }),
    fakePull(13, { body: template(filled), statuses: [{ context: 'ci/jenkins', state: 'error' }] }),
    fakePull(14, { body: 'Hotfix, no template.', labels: ['change-control-exempt'], reviews: [] }),
  ]);
});
afterAll(() => github?.stop());

async function check(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['change-control', 'check', ...args], {
    env: { GITHUB_TOKEN: MEMBER_TOKEN, GITHUB_API_URL: github.url, GITHUB_REPO: 'acme/web', ...env },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('each rule of the PR gate', () => {
  it.each([
    [1, 0, 'PASS  Ticket URL: ticket https://tickets.example.com/browse/OPS-7'],
    [2, 1, 'FAIL  Ticket URL: the "Issue URL:" section has no URL'],
    [3, 0, 'PASS  Ticket URL: ticket https://tickets.example.com/browse/OPS-3'],
    [5, 1, 'FAIL  Label: none of the labels has-ticket, change-control-exempt'],
    [6, 1, "FAIL  Template sections: left as the template's placeholder: Rollback Plan"],
    [7, 1, "FAIL  Template sections: left as the template's placeholder: Risk/Impact"],
    [8, 1, 'FAIL  Template sections: missing Tests/Evidence'],
    [9, 1, 'FAIL  Approval: approved only by its author'],
    [10, 1, 'FAIL  Approval: no approving review by someone other than the author'],
    [11, 0, 'PASS  Approval: approved by bob'],
    [12, 1, 'FAIL  Checks: failing on the head commit: unit tests (failure)'],
    [13, 1, 'FAIL  Checks: failing on the head commit: ci/jenkins (error)'],
  ])('judges pull request #%i with exit %i and the line %j', async (pr, exit, line) => {
    const result = await check(['--pr', String(pr)]);
    expect(result.out).toContain(line);
    expect(result.out.split('\n').filter((l) => /^(PASS|FAIL|EXEMPT) {2}/.test(l))).toHaveLength(5);
    expect(result.out.split('\n').at(-1)).toMatch(
      exit === 0 ? /^PASS: every rule met$/ : /^FAIL: \d of 5 rules not met$/,
    );
    expect(result.code).toBe(exit);
  });

  it('fails a ticket URL that does not match CHANGE_TICKET_PATTERN', async () => {
    const env = { CHANGE_TICKET_PATTERN: '^https://tickets\\.example\\.com/browse/[A-Z]+-\\d+$' };
    expect((await check(['--pr', '1'], env)).code).toBe(0);
    const result = await check(['--pr', '4'], env);
    expect(result.out).toContain('FAIL  Ticket URL: no URL in the "Issue URL:" section matches CHANGE_TICKET_PATTERN');
    expect(result.code).toBe(1);
  });

  it('passes an exempt pull request and says it is exempt, listing what the exemption covers', async () => {
    const result = await check(['--pr', '14']);
    expect(result.out).toContain('EXEMPT  Ticket URL: no "Issue URL:" section in the description');
    expect(result.out).toContain('PASS  Label: label change-control-exempt');
    expect(result.out).toMatch(
      /PASS: exempt \(it carries the exempt label\); 3 rules not met, covered by the exemption$/,
    );
    expect(result.code).toBe(0);
  });

  it('prints the verdict as JSON with --json', async () => {
    const result = await check(['--pr', '9', '--json', '--repo', 'acme/web']);
    expect(JSON.parse(result.out)).toMatchObject({
      repo: 'acme/web',
      number: 9,
      author: 'alice',
      exempt: false,
      passed: false,
      rules: expect.arrayContaining([{ rule: 'approval', ok: false, detail: 'approved only by its author' }]),
    });
    expect(result.code).toBe(1);
  });
});

describe('exit 2', () => {
  it.each([
    [['--pr', 'abc'], '--pr needs a pull request number, e.g. --pr 42; abc is not one.'],
    [[], '--pr needs a pull request number, e.g. --pr 42.'],
    [['--pr', '1', '--repo', 'web'], '--repo web is not owner/name, e.g. --repo acme/web.'],
    [['--pr', '1', 'extra'], 'check takes no arguments; extra is extra.'],
  ])('refuses %j with what was wrong', async (args, message) => {
    const result = await check(args);
    expect(result.err).toContain(message);
    expect(result.err).toContain('Usage: opsbot change-control check --pr N');
    expect(result.code).toBe(2);
  });

  it('says a pull request does not exist', async () => {
    const result = await check(['--pr', '999']);
    expect(result.err).toBe('acme/web#999 does not exist, or the token cannot see it.');
    expect(result.code).toBe(2);
  });

  it('asks for GITHUB_TOKEN, and for a repository', async () => {
    const noToken = await check(['--pr', '1'], { GITHUB_TOKEN: undefined });
    expect(noToken.err).toContain('GITHUB_TOKEN: is not set.');
    expect(noToken.code).toBe(2);
    const noRepo = await check(['--pr', '1'], { GITHUB_REPO: undefined });
    expect(noRepo.err).toContain('Say which repository: --repo owner/name, or set GITHUB_REPO.');
    expect(noRepo.code).toBe(2);
  });

  it('says GitHub could not be reached, without the token', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const result = await check(['--pr', '1'], { GITHUB_API_URL: `http://127.0.0.1:${port}` });
    expect(result.err).toContain('GitHub could not be reached');
    expect(`${result.out}${result.err}`).not.toContain(MEMBER_TOKEN);
    expect(result.code).toBe(2);
  });

  it('refuses a bad token with 401', async () => {
    const result = await check(['--pr', '1'], { GITHUB_TOKEN: 'ghp_notAKnownToken000000000000' });
    expect(result.err).toBe('GitHub refused GITHUB_TOKEN (401 Bad credentials).');
    expect(result.code).toBe(2);
  });
});

it.each([403, 429] as const)(
  'waits out a secondary rate limit (%i with retry-after) and still answers',
  async (status) => {
    const before = github.requests.length;
    github.rateLimitNext(2, 1, status);
    const result = await check(['--pr', '1']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('PASS: every rule met');
    // The two limited answers, then every request of the check (pull, reviews, check runs, status) answered.
    expect(github.requests.length - before).toBeGreaterThanOrEqual(6);
  },
);
