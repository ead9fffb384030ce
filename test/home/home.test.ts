// The App Home: each person sees what their roles let them see and act on; a change republishes the Homes once each.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { insertReview, type NewReview } from '../../src/access/store.js';
import type { AlertObservation } from '../../src/alerts/observation.js';
import { observeAlert } from '../../src/alerts/observe.js';
import { startWindow } from '../../src/uptime/maintenance.js';
import { type Bot, startBot } from '../support/bot.js';
import { textOf } from '../support/slack-fake.js';
import { homeTab } from './helpers.js';

const PEOPLE = { admin: 'U_ADMIN', operator: 'U_OPER', reviewer: 'U_REV', nobody: 'U_NOBODY' } as const;
const observation = (key: string, failing: boolean): AlertObservation => ({
  key,
  failing,
  title: `🚨 Smoke ${key} failed <!channel> *loud*`,
  lines: ['❌ `/healthz` no response'],
  email: { subject: key, text: 'failed' },
});

describe('App Home', () => {
  let bot: Bot;
  let alertId: string;
  const { homesOf, open } = homeTab(() => bot);
  const buttons = (view: any): string[] =>
    view.blocks.flatMap((b: any) => (b.type === 'actions' ? b.elements.map((e: any) => e.action_id) : []));

  beforeAll(async () => {
    bot = await startBot({
      env: {
        OPSBOT_ADMINS: PEOPLE.admin,
        OPSBOT_OPERATORS: PEOPLE.operator,
        OPSBOT_REVIEWERS: PEOPLE.reviewer,
        SEED_ENVIRONMENTS: 'staging',
      },
    });
    for (const failing of [true, true]) await observeAlert(bot.deps, observation('smoke:staging', failing));
    [{ id: alertId }] = (await bot.db.query<{ id: string }>('select id::text as id from alerts')) as [{ id: string }];
    await startWindow(bot.db, {
      env: 'qa',
      ms: 3_600_000,
      reason: 'db <upgrade> & reindex',
      by: PEOPLE.operator,
      now: new Date(),
    });
    await insertReview(bot.db, {
      id: 'ar_home1',
      runId: null,
      takenAt: new Date().toISOString(),
      trigger: 'cron',
      requestedBy: null,
      snapshot: {},
      counts: {},
      diff: {},
      anomalies: [],
      csv: '',
      csvSha256: 'none',
    } as unknown as NewReview);
  }, 60_000);
  afterAll(() => bot?.stop());

  it('shows everyone the open alert, its state and the maintenance window, with foreign text escaped', async () => {
    for (const user of Object.values(PEOPLE)) {
      const view = await open(user);
      expect(view.type).toBe('home');
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      const text = textOf(view.blocks);
      expect(text).toContain('Open alerts (1)');
      expect(text).toContain('&lt;!channel&gt;');
      expect(text).not.toContain('<!channel>');
      expect(text).toMatch(/\*open\* · since/);
      // The alert links to its message, where its report and thread are.
      expect(text).toMatch(/• <https:\/\/slack\.test\/archives\/C_ALERTS\/p\d+\|🚨 Smoke/);
      expect(text).toContain('`qa` until');
      expect(text).toContain('db &lt;upgrade&gt; &amp; reindex');
    }
  });

  it("offers the seed modal's button only to operators and admins, and it opens the /seed modal", async () => {
    expect(buttons(await open(PEOPLE.admin))).toContain('home.seed');
    expect(buttons(await open(PEOPLE.operator))).toContain('home.seed');
    expect(buttons(await open(PEOPLE.reviewer))).not.toContain('home.seed');
    expect(buttons(await open(PEOPLE.nobody))).not.toContain('home.seed');
    await bot.action({ actionId: 'home.seed', user: PEOPLE.operator, channel: PEOPLE.operator });
    const [modal] = await bot.slack.waitFor('views.open', 1, 10_000);
    expect(modal!.args.view.callback_id).toBe('seed.confirm');
  });

  it('refuses the seed button to someone without the operator role, opening nothing', async () => {
    const opened = bot.slack.callsOf('views.open').length;
    await bot.action({ actionId: 'home.seed', user: PEOPLE.nobody, channel: PEOPLE.nobody });
    await vi.waitFor(
      () =>
        expect(bot.slack.callsOf('chat.postEphemeral').some((c) => /needs an operator role/.test(c.args.text))).toBe(
          true,
        ),
      { timeout: 10_000 },
    );
    expect(bot.slack.callsOf('views.open')).toHaveLength(opened);
  });

  it('lists the commands each person may run, and asks only reviewers for the access decision', async () => {
    const admin = textOf((await open(PEOPLE.admin)).blocks);
    const operator = textOf((await open(PEOPLE.operator)).blocks);
    const reviewer = textOf((await open(PEOPLE.reviewer)).blocks);
    const nobody = textOf((await open(PEOPLE.nobody)).blocks);
    expect(admin).toContain('/seed pilots');
    expect(admin).toContain('/access-review [run]');
    expect(operator).toContain('/seed pilots');
    expect(operator).not.toContain('/access-review [run]');
    expect(reviewer).toContain('/access-review [run]');
    expect(reviewer).not.toContain('/seed pilots');
    expect(nobody).not.toContain('/seed pilots');
    expect(nobody).not.toContain('/access-review [run]');
    expect(nobody).toContain('/smoke [env]');
    expect(nobody).toContain('You hold no opsbot role');
    expect(reviewer).toContain('waiting for your decision');
    expect(admin).toContain('waiting for your decision');
    expect(operator).not.toContain('waiting for your decision');
    expect(nobody).not.toContain('waiting for your decision');
  });

  it('republishes each opened Home once, after an Acknowledge click changes the alert', async () => {
    const before = Object.fromEntries(Object.values(PEOPLE).map((u) => [u, homesOf(u).length]));
    const [{ slack_ts } = { slack_ts: '' }] = await bot.db.query<{ slack_ts: string }>('select slack_ts from alerts');
    await bot.action({
      actionId: 'alert.acknowledge',
      value: alertId,
      user: PEOPLE.nobody,
      channel: 'C_ALERTS',
      messageTs: slack_ts,
    });
    for (const user of Object.values(PEOPLE)) {
      await vi.waitFor(() => expect(homesOf(user).length).toBe(before[user]! + 1), { timeout: 10_000 });
      expect(textOf(homesOf(user).at(-1)!.args.view.blocks)).toContain(`acknowledged by <@${PEOPLE.nobody}>`);
    }
    // Debounced and compared: nothing else changed, so no second publish follows.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    for (const user of Object.values(PEOPLE)) expect(homesOf(user)).toHaveLength(before[user]! + 1);
  });

  it('ignores the Messages tab: only the Home tab has a view', async () => {
    const before = homesOf(PEOPLE.admin).length;
    await bot.event({ type: 'app_home_opened', user: PEOPLE.admin, channel: 'D_HOME', tab: 'messages' });
    await open(PEOPLE.operator);
    expect(homesOf(PEOPLE.admin)).toHaveLength(before);
  });
});
