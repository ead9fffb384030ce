// Two distinct approvers from a waiting pipeline's point of view: the CLI exits 0 right after the second approval,
// and the requester's own click, a non-approver's click and a repeated click do not count.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import type { OpsbotProcess } from '../support/process.js';
import { textOf } from '../support/slack-fake.js';
import {
  audits,
  clickApprove,
  PEOPLE,
  postedRequest,
  replyAfter,
  requestArgs,
  spawnRemote,
  startApprovalsBot,
  whenPrinted,
} from './helpers.js';

describeWithPostgres('two distinct approvers gate a production deploy', () => {
  let bot: Bot;
  let cli: OpsbotProcess;
  let id: string;

  beforeAll(async () => {
    bot = await startApprovalsBot({ APPROVALS_NOTIFY_DM: 'true' });
    cli = spawnRemote(bot, requestArgs(['--wait', '--timeout', '30m']));
    // A real process: its start (tsx) takes tens of seconds on a loaded machine.
    id = await postedRequest(bot, 1, 80_000);
  }, 90_000);
  afterAll(async () => {
    await cli?.stop();
    await bot?.stop();
  });

  it('posts the request with its env, ref, short sha, escaped title, checklist, link and "0 of 2 approvals"', async () => {
    const post = bot.slack.callsOf('chat.postMessage').find((c) => c.args.channel === 'C_DEPLOY')!;
    const text = textOf(post.args.blocks);
    expect(text).toContain('Deploy production: v1.2.0 (a1b2c3d)');
    expect(text).toContain('Release 1.2.0 &lt;@channel&gt;');
    expect(text).toContain('requested by <@U0REQ>');
    expect(text).toContain('✅ tests: passed');
    expect(text).toContain('|Changes>');
    expect(text).toContain('0 of 2 approvals');
    // textOf reads <!date^…> as its UTC fallback; the message itself carries the reader's-zone form.
    expect(text).toMatch(/expires \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(JSON.stringify(post!.args.blocks)).toMatch(/expires <!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
  });

  it('sends a DM to each approver except the requester', async () => {
    const posts = await bot.slack.waitFor('chat.postMessage', 3);
    const dms = posts.filter((c) => String(c.args.channel).startsWith('U0'));
    expect(dms.map((c) => c.args.channel).sort()).toEqual([PEOPLE.ann, PEOPLE.bob]);
  });

  it("does not count the requester's own click, and says why", async () => {
    const replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, PEOPLE.requester, id);
    expect(await replyAfter(bot, replies)).toContain('You asked for the deploy of');
  });

  it("refuses a non-approver's click, audits it, and counts nothing", async () => {
    const replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, PEOPLE.eve, id);
    expect(await replyAfter(bot, replies)).toContain('You are not one of the approvers of production');
    const refused = (await audits(bot, 'approval.approve')).filter((a) => a.actor === PEOPLE.eve);
    expect(refused.map((a) => a.outcome)).toEqual(['refused: not-eligible']);
  });

  it('counts a first approval once, however often it is clicked', async () => {
    let replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, PEOPLE.ann, id);
    expect(await replyAfter(bot, replies)).toBe('Approval recorded: 1 of 2.');
    replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, PEOPLE.ann, id);
    expect(await replyAfter(bot, replies)).toContain('You already approved');
    const votes = await bot.db.query('select approver from approval_votes where request_id = $1', [id]);
    expect(votes).toEqual([{ approver: PEOPLE.ann }]);
    const update = bot.slack.callsOf('chat.update').at(-1)!;
    expect(textOf(update.args.blocks)).toContain('1 of 2 approvals');
    expect(cli.child.exitCode).toBeNull();
  });

  it('lets the waiting CLI exit 0 within 1 s of the second approval, with both approvers shown and audited', async () => {
    const printed = whenPrinted(cli, /Approved/);
    const clicked = performance.now();
    await clickApprove(bot, PEOPLE.bob, id);
    const [at, code] = await Promise.all([printed, cli.exited]);
    expect(at - clicked).toBeLessThan(1000);
    expect(code).toBe(0);
    expect(cli.stdout()).toContain(`by ${PEOPLE.ann}, ${PEOPLE.bob}`);
    const update = bot.slack.callsOf('chat.update').at(-1)!;
    const text = textOf(update.args.blocks);
    expect(text).toContain('*Approved*');
    expect(text).toContain(`<@${PEOPLE.ann}>`);
    expect(text).toContain(`<@${PEOPLE.bob}>`);
    expect(text).not.toContain('Reject');
    const counted = (await audits(bot, 'approval.approve')).filter((a) => !a.outcome.startsWith('refused'));
    expect(counted.map((a) => [a.actor, a.outcome])).toEqual([
      [PEOPLE.ann, 'vote'],
      [PEOPLE.bob, 'approved'],
    ]);
  });

  it('changes nothing when someone approves after the decision', async () => {
    const replies = bot.slack.callsOf('response_url').length;
    await clickApprove(bot, PEOPLE.requester, id);
    expect(await replyAfter(bot, replies)).toContain('is already approved');
    const [row] = await bot.db.query('select status from approval_requests where id = $1', [id]);
    expect(row).toEqual({ status: 'approved' });
  });
});
