// Publishes App Homes: for the person who opened theirs, and again for everyone who has, when an operation finishes
// (debounced, one views.publish per person per change at most, none when their Home would look the same).
import { createHash } from 'node:crypto';
import type { Deps } from '../deps.js';
import { type HomeSummary, homeSummary, type NextRun } from '../home/summary.js';
import { type HomeLinks, homeLinkKey, homeMessages, homeView } from '../render/blocks/home.js';
import { permalinkOf, runPageUrl } from './run-links.js';

export type HomeDeps = Pick<Deps, 'db' | 'roles' | 'config' | 'now' | 'chat' | 'log' | 'operations'>;
export type NextRuns = () => NextRun[];

/** Permalinks of the messages the summary links to (alerts, drill reports); one that Slack won't give stays unlinked. */
export async function homeLinks(deps: Pick<HomeDeps, 'chat' | 'config'>, summary: HomeSummary): Promise<HomeLinks> {
  const links: HomeLinks = {};
  for (const { drill } of summary.environments) {
    const page = drill && runPageUrl(deps.config, drill.runId);
    if (page) links[`run:${drill?.runId}`] = page;
  }
  for (const message of homeMessages(summary)) {
    const url = await permalinkOf(deps, message);
    if (url) links[homeLinkKey(message)] = url;
  }
  return links;
}

/** The view, less its "Updated …" line, hashed: a republish that would change nothing else is skipped. */
function viewHash(view: ReturnType<typeof homeView>): string {
  return createHash('sha256')
    .update(JSON.stringify(view.blocks.slice(2)))
    .digest('hex');
}

/** Publishes user's Home; force: whether to publish when it looks as it did (the person just opened it). */
export async function publishHome(deps: HomeDeps, user: string, nextRuns: NextRuns, force: boolean): Promise<boolean> {
  const summary = await homeSummary(deps, user, nextRuns());
  const view = homeView(summary, await homeLinks(deps, summary));
  const hash = viewHash(view);
  const [previous] = await deps.db.query<{ view_hash: string | null }>(
    'select view_hash from home_viewers where user_id = $1',
    [user],
  );
  if (!force && previous?.view_hash === hash) return false;
  await deps.chat.client.views.publish({ user_id: user, view });
  await deps.db.query(
    `insert into home_viewers (user_id, opened_at, view_hash) values ($1, $2, $3)
     on conflict (user_id) do update set view_hash = excluded.view_hash,
       opened_at = case when $4 then excluded.opened_at else home_viewers.opened_at end`,
    [user, deps.now(), hash, force],
  );
  return true;
}

// Long enough to fold a burst (an acknowledgement and its message update, a job's several environments) into one.
export const HOME_REFRESH_DEBOUNCE_MS = 2_000;

/**
 * Republishes every opened Home after operations finish: one pass per quiet interval, each person at most once per
 * pass. Returns the function that stops it (pending refreshes are dropped).
 */
export function refreshHomesOnChange(
  deps: HomeDeps,
  nextRuns: NextRuns,
  debounceMs = HOME_REFRESH_DEBOUNCE_MS,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const pass = async () => {
    const viewers = await deps.db.query<{ user_id: string }>('select user_id from home_viewers order by user_id');
    for (const { user_id } of viewers) {
      await publishHome(deps, user_id, nextRuns, false).catch((error) =>
        deps.log.warn({ err: error, user: user_id }, 'home refresh failed'),
      );
    }
  };
  const run = () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .catch((error) => deps.log.warn({ err: error }, 'home refresh failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          schedule();
        }
      });
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
    timer.unref();
  };
  const off = deps.operations?.on(() => schedule());
  return () => {
    off?.();
    if (timer) clearTimeout(timer);
  };
}
