// The App Home: published for whoever opens it, republished when something it shows changes (src/publish/home.ts);
// its buttons open the same modals as the slash commands.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Deps } from '../src/deps.js';
import { type NextRuns, publishHome } from '../src/publish/home.js';
import { homeIds } from '../src/render/blocks/home.js';
import { DEFAULT_COUNT, DEFAULT_PREFIX } from '../src/seed/form.js';
import { requireRole } from '../src/slack/authorize.js';
import { openSeedModal } from './seed.js';

export function registerHome(app: App, deps: Deps, nextRuns: NextRuns): void {
  app.event('app_home_opened', async ({ event }) => {
    // The Messages tab opens the same event; only the Home tab has a view to publish.
    if (event.tab !== 'home') return;
    await publishHome(deps, event.user, nextRuns, true);
  });

  app.action<BlockAction<ButtonAction>>(homeIds.seed, async ({ ack, body, client }) => {
    await ack();
    // The Home has no channel: the seed's progress and result go to the person's messages with opsbot.
    const actor = { user: body.user.id, channel: body.user.id };
    const reply = (text: string) => deps.chat.ephemeral(actor.channel, actor.user, { text }).catch(() => {});
    if (!(await requireRole(deps, actor, 'operator', '/seed pilots', reply))) return;
    await openSeedModal(
      deps,
      client,
      body.trigger_id,
      actor,
      { prefix: DEFAULT_PREFIX, count: String(DEFAULT_COUNT) },
      reply,
    );
  });
}
