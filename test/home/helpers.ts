// The App Home as a test sees it: the views.publish calls for a person, and opening the Home tab as Slack does.
import { expect, vi } from 'vitest';
import type { Bot } from '../support/bot.js';
import type { SlackCall } from '../support/slack-fake.js';

export function homeTab(bot: () => Bot) {
  const homesOf = (user: string): SlackCall[] =>
    bot()
      .slack.callsOf('views.publish')
      .filter((c) => c.args.user_id === user);
  /** Opens user's Home (app_home_opened) and returns the view published for it. */
  const open = async (user: string) => {
    const before = homesOf(user).length;
    expect((await bot().event({ type: 'app_home_opened', user, channel: 'D_HOME', tab: 'home' })).status).toBe(200);
    await vi.waitFor(() => expect(homesOf(user).length).toBeGreaterThan(before), { timeout: 10_000 });
    return homesOf(user).at(-1)!.args.view;
  };
  return { homesOf, open };
}
