// A digest is stored before it is posted: where opsbot can't post or upload (a private compliance channel it was not
// invited to), /change-control run says the digest is stored, what could not be posted, and to invite @opsbot.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitForReply } from '../access/fixtures.js';
import { type Bot, startBot } from '../support/bot.js';
import { type FakeGithub, MEMBER_TOKEN, startFakeGithub } from '../support/fake-github.js';
import { fakePull } from '../support/fake-github-pulls.js';
import { describeWithPostgres } from '../support/infra.js';

// Monday 09:00 UTC: the digest covers 2026-W48.
const NOW = new Date('2026-11-30T09:00:00Z');

describeWithPostgres('a change-control digest Slack would not take', () => {
  let github: FakeGithub;
  let bot: Bot;
  beforeAll(async () => {
    github = await startFakeGithub();
    github.repos.add('acme/web', [fakePull(1, { mergedAt: '2026-11-24T10:00:00Z' })]);
    bot = await startBot({
      now: () => NOW,
      env: {
        GITHUB_TOKEN: MEMBER_TOKEN,
        GITHUB_API_URL: github.url,
        CHANGE_REPOS: 'acme/web',
        SLACK_COMPLIANCE_CHANNEL: 'C_PRIVATE',
        OPSBOT_REVIEWERS: 'U_REVIEWER',
      },
    });
    bot.slack.channel('C_PRIVATE', 'private');
  }, 60_000);
  afterAll(() => Promise.all([bot?.stop(), github?.stop()]));

  it('says the digest is stored and to invite @opsbot to the channel, and the run passed', async () => {
    const from = bot.slack.callsOf('response_url').length;
    await bot.slash('/change-control', 'run', { user: 'U_REVIEWER', channel: 'C_OPS' });
    const reply = await waitForReply(bot, from, /digest 2026-W48/, 60_000);
    expect(reply).toMatch(/^Change-control digest 2026-W48 stored — 1 merged/);
    expect(reply).toContain('Invite @opsbot to <#C_PRIVATE>');
    expect(reply).not.toContain('Something went wrong');
    const [digest] = await bot.db.query<{ id: string }>('select id from change_control_digests');
    expect(reply).toContain(digest!.id);
    expect(await bot.db.query("select status from runs where kind = 'change-control'")).toEqual([{ status: 'passed' }]);
    expect(bot.slack.callsOf('conversations.join').map((c) => c.args.channel)).toEqual(['C_PRIVATE']);
    expect(bot.logText()).toContain('invite @opsbot there');
  });
});
