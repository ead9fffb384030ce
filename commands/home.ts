// The App Home: published for whoever opens it, republished when something it shows changes (src/publish/home.ts);
// its buttons open the same modals as the slash commands.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { Deps } from '../src/deps.js';
import { authorize } from '../src/operate/operate.js';
import { type NextRuns, publishHome } from '../src/publish/home.js';
import { homeIds } from '../src/render/blocks/home.js';
import { seedConfirmModal } from '../src/render/blocks/seed.js';
import { DEFAULT_COUNT, DEFAULT_PREFIX } from '../src/seed/form.js';
import { seedDestinations } from '../src/seed/guards.js';
import { openModalFirst } from '../src/slack/modal-first.js';
import type { Surfaces } from '../src/slack/router.js';

export function registerHome(app: Surfaces, deps: Deps, nextRuns: NextRuns): void {
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
    const first = { client, log: deps.log, triggerId: body.trigger_id, title: 'Seed pilots', tell: reply };
    // The role check may wait on the user-group directory: past the budget a loading modal holds the trigger_id.
    await openModalFirst(first, async (tell) => {
      const refused = await authorize(deps, { role: 'operator', actor, what: '/seed pilots', kind: 'seed.pilots' });
      if (refused) return void (await tell(refused.reason));
      const destinations = seedDestinations(deps.config);
      if (destinations.length === 0)
        return void (await tell(
          'No environment may be seeded: set SEED_ENVIRONMENTS, e.g. SEED_ENVIRONMENTS=staging.',
        ));
      const prefill = { prefix: DEFAULT_PREFIX, count: String(DEFAULT_COUNT) };
      return seedConfirmModal({ destinations, ...prefill, maxTenants: deps.config.seed.maxTenants, metadata: actor });
    });
  });
}
