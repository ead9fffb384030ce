// GitHub's custom deployment protection rule: a signed delivery opens a request in Slack, two approvals send GitHub
// exactly one `approved`, a bad signature is refused, and a redelivered delivery changes nothing.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../support/bot.js';
import { startBot } from '../support/bot.js';
import { type FakeGithub, startFakeGithub } from '../support/fake-github.js';
import { describeWithPostgres } from '../support/infra.js';
import { approvalsEnv, audits, clickApprove, PEOPLE, postedRequest, replyAfter, SHA } from './helpers.js';

const SECRET = 'webhook-secret-0123456789';
const payload = JSON.stringify({
  action: 'requested',
  environment: 'production',
  event: 'deployment',
  deployment_callback_url: 'https://api.github.com/repos/acme/app/actions/runs/4242/deployment_protection_rule',
  deployment: { id: 7, ref: 'main', sha: SHA, description: 'Deploy main <b>now</b>', creator: { login: 'octocat' } },
  repository: { name: 'app', full_name: 'acme/app', owner: { login: 'acme' } },
  installation: { id: 99 },
});
const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describeWithPostgres('the GitHub deployment protection rule', () => {
  let bot: Bot;
  let github: FakeGithub;
  const deliver = (body: string, signature: string, delivery = 'delivery-1') =>
    fetch(`${bot.url}/github/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'deployment_protection_rule',
        'x-github-delivery': delivery,
        'x-hub-signature-256': signature,
      },
      body,
    });

  beforeAll(async () => {
    github = await startFakeGithub();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    bot = await startBot({
      env: approvalsEnv({
        GITHUB_APP_ID: '12345',
        GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        GITHUB_WEBHOOK_SECRET: SECRET,
        GITHUB_API_URL: github.url,
      }),
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await github?.stop();
  });

  it('refuses a delivery with a bad signature with 401, audits it, and opens nothing', async () => {
    const answer = await deliver(payload, sign(payload, 'not-the-secret'));
    expect(answer.status).toBe(401);
    expect((await audits(bot, 'github.deny')).map((a) => a.outcome)).toEqual(['denied']);
    expect(await bot.db.query('select id from approval_requests')).toEqual([]);
  });

  it('opens a request in Slack for a signed delivery, with the deployment creator as requester', async () => {
    const answer = await deliver(payload, sign(payload));
    expect(answer.status).toBe(200);
    const id = await postedRequest(bot);
    const [row] = await bot.db.query(
      'select requested_by, requester_slack, source from approval_requests where id = $1',
      [id],
    );
    expect(row).toEqual({ requested_by: 'octocat', requester_slack: PEOPLE.requester, source: 'github' });
  });

  it('changes nothing when GitHub redelivers the same delivery', async () => {
    const again = await deliver(payload, sign(payload));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    const [count] = await bot.db.query<{ n: number }>('select count(*)::int as n from approval_requests');
    expect(count).toEqual({ n: 1 });
  });

  it('sends GitHub exactly one `approved`, naming both approvers, after two approvals', async () => {
    const id = await postedRequest(bot);
    let replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, PEOPLE.requester, id);
    expect(await replyAfter(bot, replies)).toContain('You asked for the deploy');
    // Ann's vote is counted (her reply came) before Bob clicks: a click is acknowledged before it is counted.
    replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, PEOPLE.ann, id);
    await replyAfter(bot, replies);
    replies = bot.slack.callsOf('response_url').length;
    await Promise.all([clickApprove(bot, PEOPLE.bob, id), clickApprove(bot, PEOPLE.bob, id)]);
    await replyAfter(bot, replies + 1);
    await expect.poll(() => github.deploymentReviews.length, { timeout: 10_000 }).toBe(1);
    expect(github.deploymentReviews[0]).toMatchObject({
      repo: 'acme/app',
      runId: 4242,
      environment: 'production',
      state: 'approved',
    });
    expect(github.deploymentReviews[0]!.comment).toContain(`${PEOPLE.ann} and ${PEOPLE.bob}`);
    // A later click cannot make a second answer.
    await clickApprove(bot, PEOPLE.requester, id);
    await replyAfter(bot, replies + 2);
    expect(github.deploymentReviews).toHaveLength(1);
    expect(github.requestsTo('/app/installations/99/access_tokens', 'POST').length).toBeGreaterThan(0);
  });
});
