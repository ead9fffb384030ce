// The ways a request ends without approval: Reject with a reason (from its modal), expiry, and a failing check that
// keeps Approve shut unless the request carries an exemption.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';
import {
  API_TOKEN,
  audits,
  clickApprove,
  PEOPLE,
  postedRequest,
  replyAfter,
  requestArgs,
  runRemote,
  SHA,
  startApprovalsBot,
} from './helpers.js';

describeWithPostgres('a deploy that is not approved', () => {
  let bot: Bot;
  let posted = 0;
  const nextRequest = () => postedRequest(bot, ++posted);
  const open = (body: Record<string, unknown>) =>
    fetch(`${bot.url}/api/approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        env: 'production',
        ref: 'v2.0.0',
        sha: SHA,
        title: 'Release 2.0.0',
        requestedBy: 'octocat',
        timeoutSeconds: 3600,
        ...body,
      }),
    });

  beforeAll(async () => {
    bot = await startApprovalsBot();
  });
  afterAll(() => bot?.stop());

  it('asks for a reason in a modal, ends the request on Reject, and the waiting CLI exits 1', async () => {
    const cli = runRemote(bot, requestArgs(['--wait']));
    const id = await nextRequest();
    await bot.action({ actionId: 'approvals.reject', value: id, user: PEOPLE.bob, channel: 'C_DEPLOY' });
    const [opened] = await bot.slack.waitFor('views.open', 1);
    const metadata = String(opened!.args.view.private_metadata);
    const tooShort = await bot.submitView({
      callbackId: 'approvals.reject-modal',
      values: { reason: 'no' },
      user: PEOPLE.bob,
      privateMetadata: metadata,
    });
    expect(tooShort.body).toMatchObject({
      response_action: 'errors',
      errors: { reason: expect.stringContaining('Say why') },
    });
    await bot.submitView({
      callbackId: 'approvals.reject-modal',
      values: { reason: 'Migration 0042 is not tested on a copy of production' },
      user: PEOPLE.bob,
      privateMetadata: metadata,
    });
    expect(await cli.exited).toBe(1);
    expect(cli.stdout()).toContain(`Rejected: production v1.2.0 (a1b2c3d) by ${PEOPLE.bob}`);
    expect(cli.stdout()).toContain('Migration 0042 is not tested');
    const update = bot.slack.callsOf('chat.update').at(-1)!;
    expect(textOf(update.args.blocks)).toContain(`*Rejected* by <@${PEOPLE.bob}>`);
    expect((await audits(bot, 'approval.reject')).map((a) => a.outcome)).toEqual(['rejected']);
  });

  it('expires a request nobody decided, updates its message, and the waiting CLI exits 1', async () => {
    const cli = runRemote(bot, requestArgs(['--wait', '--timeout', '2s']));
    const id = await nextRequest();
    expect(await cli.exited).toBe(1);
    expect(cli.stdout()).toContain('Expired: production v1.2.0 (a1b2c3d)');
    const updates = await bot.slack.waitFor('chat.update', bot.slack.callsOf('chat.update').length);
    expect(textOf(updates.at(-1)!.args.blocks)).toContain('*Expired*');
    const [row] = await bot.db.query('select status from approval_requests where id = $1', [id]);
    expect(row).toEqual({ status: 'expired' });
    const replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, PEOPLE.ann, id);
    expect(await replyAfter(bot, replies)).toContain('already expired');
  });

  it('keeps Approve shut while a check fails, and opens it when the request carries an exemption', async () => {
    expect((await open({ checklist: [{ name: 'migrations', state: 'failed' }] })).status).toBe(201);
    const blocked = await nextRequest();
    let replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, PEOPLE.ann, blocked);
    expect(await replyAfter(bot, replies)).toContain('has failing checks (`migrations`) and no exemption');

    const exempted = await open({
      checklist: [{ name: 'migrations', state: 'failed' }],
      exemption: 'Hotfix: the migration is a no-op on production',
    });
    expect(exempted.status).toBe(201);
    const id = await nextRequest();
    const post = bot.slack
      .callsOf('chat.postMessage')
      .filter((c) => c.args.channel === 'C_DEPLOY')
      .at(-1)!;
    expect(textOf(post.args.blocks)).toContain('*Exemption:* Hotfix: the migration is a no-op on production');
    replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, PEOPLE.ann, id);
    expect(await replyAfter(bot, replies)).toBe('Approval recorded: 1 of 2.');
  });

  it('refuses a request for an environment nobody may approve, and one with a short sha, saying why', async () => {
    const staging = await open({ env: 'staging' });
    expect(staging.status).toBe(422);
    expect(((await staging.json()) as { error: string }).error).toContain('set STAGING_APPROVERS');
    const short = await open({ sha: 'a1b2c3d' });
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: string }).error).toContain('40 hex characters');
  });
});
