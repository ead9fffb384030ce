// Acknowledge from the App Home: the alert message's own button on each open alert, through the same handler, audit
// and message update; a second click is told, by DM, that nothing changed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AlertObservation } from '../../src/alerts/observation.js';
import { observeAlert } from '../../src/alerts/observe.js';
import { type Bot, startBot } from '../support/bot.js';
import { textOf } from '../support/slack-fake.js';
import { homeTab } from './helpers.js';

const PERSON = 'U_ONCALL';
const observation: AlertObservation = {
  key: 'smoke:staging',
  failing: true,
  title: '🚨 Smoke staging failed <!channel>',
  lines: ['❌ `/healthz` no response'],
  email: { subject: 'smoke', text: 'failed' },
};

describe('Acknowledge in the App Home', () => {
  let bot: Bot;
  let alertId: string;
  const { homesOf, open } = homeTab(() => bot);
  /** A click in the Home tab as Slack sends it: no channel, no response_url, the view it was in. */
  const clickInHome = (button: any, user = PERSON) =>
    bot.post(
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          api_app_id: 'A_OPSBOT',
          token: 'legacy',
          trigger_id: `trigger-${Date.now()}`,
          team: { id: 'T_TEST', domain: 'test' },
          user: { id: user, username: 'oncall', name: 'oncall', team_id: 'T_TEST' },
          container: { type: 'view', view_id: 'V_HOME' },
          view: { id: 'V_HOME', type: 'home', blocks: [], state: { values: {} } },
          actions: [{ ...button, block_id: 'home.alert', action_ts: `${Date.now() / 1000}` }],
        }),
      }).toString(),
    );

  beforeAll(async () => {
    bot = await startBot();
    for (let i = 0; i < 2; i++) await observeAlert(bot.deps, observation);
    [{ id: alertId }] = (await bot.db.query<{ id: string }>('select id::text as id from alerts')) as [{ id: string }];
  }, 60_000);
  afterAll(() => bot?.stop());

  it('offers Acknowledge on the open alert and acknowledges it through the alert pipeline', async () => {
    await bot.slack.waitFor('chat.postMessage', 1);
    const view = await open(PERSON);
    const buttons = view.blocks.flatMap((b: any) => (b.type === 'actions' ? b.elements : []));
    const ack = buttons.find((e: any) => e.action_id === 'alert.acknowledge');
    expect(ack).toMatchObject({ value: alertId, text: { text: 'Acknowledge smoke:staging' } });

    const updates = bot.slack.callsOf('chat.update').length;
    expect((await clickInHome(ack)).status).toBe(200);
    await vi.waitFor(
      async () =>
        expect(await bot.db.query('select status, acknowledged_by from alerts')).toEqual([
          { status: 'acknowledged', acknowledged_by: PERSON },
        ]),
      { timeout: 10_000 },
    );
    const [update] = (await bot.slack.waitFor('chat.update', updates + 1)).slice(updates);
    expect(textOf(update!.args.blocks)).toContain(`Acknowledged by <@${PERSON}>`);
    expect(await bot.db.query("select actor, outcome from audit_events where action = 'alert.acknowledge'")).toEqual([
      { actor: PERSON, outcome: 'acknowledged' },
    ]);

    // The Home republished after the change offers no Acknowledge any more.
    await vi.waitFor(
      () => {
        const latest = homesOf(PERSON).at(-1)!.args.view;
        expect(JSON.stringify(latest.blocks)).not.toContain('alert.acknowledge');
      },
      { timeout: 10_000 },
    );

    // A second click (a Home not yet refreshed) changes nothing and says so by DM.
    expect((await clickInHome(ack, 'U_LATE')).status).toBe(200);
    const dms = await vi.waitFor(
      () => {
        const found = bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'U_LATE');
        expect(found).toHaveLength(1);
        return found;
      },
      { timeout: 10_000 },
    );
    expect(dms[0]!.args.text).toContain(`Already acknowledged by <@${PERSON}>`);
    expect(await bot.db.query('select acknowledged_by from alerts')).toEqual([{ acknowledged_by: PERSON }]);
  });
});
