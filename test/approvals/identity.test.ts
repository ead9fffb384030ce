// The requester's own click never counts, even when GITHUB_USER_MAP does not name them: an email given as the
// requester, or a GitHub login's public email, is matched to a Slack user (users.lookupByEmail); when Slack could not
// answer at request time, the clicker's users.info email is compared at the click.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../support/bot.js';
import { startBot } from '../support/bot.js';
import { type FakeGithub, MEMBER_TOKEN, startFakeGithub } from '../support/fake-github.js';
import { describeWithPostgres } from '../support/infra.js';
import { API_TOKEN, approvalsEnv, audits, clickApprove, PEOPLE, replyAfter, SHA } from './helpers.js';

describeWithPostgres('who the requester is, by email', () => {
  let bot: Bot;
  let github: FakeGithub;
  let refs = 0;
  const open = async (requestedBy: string) => {
    const res = await fetch(`${bot.url}/api/approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        env: 'production',
        ref: `v4.${++refs}.0`,
        sha: SHA,
        title: 'Release',
        requestedBy,
        timeoutSeconds: 3600,
      }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { request: { id: string } }).request.id;
  };
  const requester = async (id: string) =>
    (
      await bot.db.query<{ r: string | null }>('select requester_slack as r from approval_requests where id = $1', [id])
    )[0]!.r;
  const click = async (user: string, id: string) => {
    const replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, user, id);
    return replyAfter(bot, replies);
  };

  beforeAll(async () => {
    github = await startFakeGithub();
    github.userEmails.hubot = 'Ann@Acme.test';
    bot = await startBot({
      env: approvalsEnv({ GITHUB_TOKEN: MEMBER_TOKEN, GITHUB_ORG: 'acme', GITHUB_API_URL: github.url }),
    });
    bot.slack.emails = { [PEOPLE.ann]: 'ann@acme.test', [PEOPLE.bob]: 'bob@acme.test' };
  });
  afterAll(async () => {
    await bot?.stop();
    await github?.stop();
  });

  it('matches an email given as the requester to its Slack user, whose click then does not count', async () => {
    const id = await open('bob@acme.test');
    expect(await requester(id)).toBe(PEOPLE.bob);
    expect(await click(PEOPLE.bob, id)).toContain('You asked for the deploy of');
    expect(await click(PEOPLE.ann, id)).toBe('Approval recorded: 1 of 2.');
  });

  it("matches a GitHub login outside GITHUB_USER_MAP through the login's public email", async () => {
    const id = await open('hubot');
    expect(await requester(id)).toBe(PEOPLE.ann);
    expect(github.requests.some((r) => r.path === '/users/hubot')).toBe(true);
    expect(await click(PEOPLE.ann, id)).toContain('You asked for the deploy of');
  });

  it('leaves the requester unknown when no email matches, and counts every approver', async () => {
    const id = await open('nobody-known');
    expect(await requester(id)).toBeNull();
    expect(await click(PEOPLE.ann, id)).toBe('Approval recorded: 1 of 2.');
  });

  it("recognises the requester at the click by users.info's email when Slack could not answer at request time", async () => {
    bot.slack.outage('users.lookupByEmail', { mode: '500' });
    const id = await open('bob@acme.test');
    expect(await requester(id)).toBeNull();
    expect(bot.logText()).toContain('could not look the requester up by email');
    bot.slack.outage('users.lookupByEmail', { mode: '500' });
    expect(await click(PEOPLE.bob, id)).toContain('You asked for the deploy of');
    bot.slack.outage('users.lookupByEmail', undefined);
    expect(await requester(id)).toBe(PEOPLE.bob);
    const learnt = await audits(bot, 'approval.requester');
    expect(learnt.at(-1)).toMatchObject({ actor: PEOPLE.bob, params: { requestId: id, requestedBy: 'bob@acme.test' } });
    const votes = await bot.db.query('select approver from approval_votes where request_id = $1', [id]);
    expect(votes).toEqual([]);
  });
});
