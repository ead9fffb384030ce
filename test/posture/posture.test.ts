// The Monday GitHub posture check: 2FA not enforced opens one alert naming the members at fault, fixing it resolves
// the alert, and a token that cannot see 2FA settings is reported once as such, never as an outage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postureJob } from '../../jobs/posture.js';
import { type Bot, startBot } from '../support/bot.js';
import {
  type FakeGithub,
  generateMembers,
  MEMBER_TOKEN,
  OWNER_TOKEN,
  startFakeGithub,
} from '../support/fake-github.js';
import { describeWithPostgres } from '../support/infra.js';
import { textOf } from '../support/slack-fake.js';

const alertPosts = (bot: Bot) =>
  bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C_ALERTS' && !c.args.thread_ts);
const alertRows = (bot: Bot) =>
  bot.db.query<{ key: string; status: string; occurrences: number }>(
    'select key, status, occurrences from alerts order by id',
  );

describeWithPostgres('GitHub posture', () => {
  describe('with an org owner token', () => {
    let github: FakeGithub;
    let bot: Bot;
    beforeAll(async () => {
      github = await startFakeGithub({
        members: generateMembers(40, { withoutTwoFactor: 30 }),
        twoFactorRequired: false,
        outsideCollaborators: [{ login: 'contractor', twoFactor: false }],
      });
      bot = await startBot({ env: { GITHUB_TOKEN: OWNER_TOKEN, GITHUB_ORG: 'acme', GITHUB_API_URL: github.url } });
    });
    afterAll(() => Promise.all([bot?.stop(), github?.stop()]));

    it('opens one alert when the org does not require 2FA, naming the members without it', async () => {
      await postureJob.run(bot.deps);
      const [post] = await bot.slack.waitFor('chat.postMessage', 1, 15_000);
      expect(post?.args.channel).toBe('C_ALERTS');
      const text = textOf(post?.args.blocks);
      expect(text).toContain('GitHub posture of acme failed: 2FA not enforced');
      expect(text).toContain('GitHub org `acme` does not require two-factor authentication');
      expect(text).toContain('31 with 2FA disabled');
      expect(text).toContain('• `user-00001` (member)');
      expect(text).toContain('…and 6 more');
      expect(JSON.stringify(post?.args.blocks)).toContain('alert.acknowledge');
      expect(await alertRows(bot)).toEqual([{ key: 'posture:github', status: 'open', occurrences: 1 }]);
    });

    it('keeps one alert while the next check still fails', async () => {
      await postureJob.run(bot.deps);
      expect(await alertRows(bot)).toEqual([{ key: 'posture:github', status: 'open', occurrences: 2 }]);
      expect(alertPosts(bot)).toHaveLength(1);
    });

    it('resolves the alert once 2FA is required and every member has it', async () => {
      github.twoFactorRequired = true;
      for (const member of github.members) member.twoFactor = true;
      for (const collaborator of github.outsideCollaborators) collaborator.twoFactor = true;
      const updates = bot.slack.callsOf('chat.update').length;
      await postureJob.run(bot.deps);
      expect(await alertRows(bot)).toEqual([{ key: 'posture:github', status: 'resolved', occurrences: 2 }]);
      const update = (await bot.slack.waitFor('chat.update', updates + 1, 15_000)).at(-1);
      expect(textOf(update?.args.blocks)).toContain('Resolved: GitHub posture of acme');
      expect(alertPosts(bot)).toHaveLength(1);
      const runs = await bot.db.query<{ status: string }>(
        "select status from runs where kind = 'posture' order by started_at",
      );
      expect(runs.map((r) => r.status)).toEqual(['failed', 'failed', 'passed']);
    });
  });

  describe('with a token that is not an org owner', () => {
    let github: FakeGithub;
    let bot: Bot;
    beforeAll(async () => {
      github = await startFakeGithub({ members: generateMembers(5), twoFactorRequired: false });
      bot = await startBot({ env: { GITHUB_TOKEN: MEMBER_TOKEN, GITHUB_ORG: 'acme', GITHUB_API_URL: github.url } });
    });
    afterAll(() => Promise.all([bot?.stop(), github?.stop()]));

    it('says once that the token needs admin:org, and opens no alert', async () => {
      await postureJob.run(bot.deps);
      const [note] = await bot.slack.waitFor('chat.postMessage', 1, 15_000);
      expect(note?.args.channel).toBe('C_ALERTS');
      expect(note?.args.text).toContain('403: ensure the token has admin:org scope (it has: read:org, repo)');
      expect(JSON.stringify(note?.args.blocks)).not.toContain('alert.acknowledge');
      await postureJob.run(bot.deps);
      await postureJob.run(bot.deps);
      expect(alertPosts(bot)).toHaveLength(1);
      expect(await alertRows(bot)).toEqual([]);
    });
  });

  it('skips quietly without GitHub credentials', async () => {
    const bot = await startBot();
    try {
      await postureJob.run(bot.deps);
      expect(bot.slack.callsOf('chat.postMessage')).toEqual([]);
      expect(bot.logText()).toContain('posture check SKIPPED: no credentials');
    } finally {
      await bot.stop();
    }
  });
});
