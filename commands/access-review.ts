// /access-review [run|latest|evidence <YYYY-Qn>|help]; the review message's buttons are in access-decisions.ts.
import { parseQuarter } from '../src/access/evidence.js';
import { latestReview } from '../src/access/store.js';
import type { Deps } from '../src/deps.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { evidenceOperation } from '../src/publish/access-evidence.js';
import { reviewOperation } from '../src/publish/access-thread.js';
import { latestReviewText } from '../src/render/blocks/access.js';
import { usageText } from '../src/render/blocks/help.js';
import { utcTime } from '../src/render/blocks/kit.js';
import type { Surfaces } from '../src/slack/router.js';
import { registerAccessDecisions } from './access-decisions.js';

type Parsed = { usage: true; problem?: string } | { sub: 'run' | 'latest' } | { sub: 'evidence'; quarter: string };

/** Pure: the subcommand, or the usage with what was wrong. It runs before ack. */
export function parseAccessText(text: string): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const usage = (problem?: string): Parsed => ({ usage: true, ...(problem ? { problem } : {}) });
  const [sub = 'run', ...rest] = words.map((w, i) => (i === 0 ? w.toLowerCase() : w));
  if (sub === 'help') return usage();
  if ((sub === 'run' || sub === 'latest') && rest.length === 0) return { sub };
  if (sub === 'run' || sub === 'latest')
    return usage(`\`/access-review ${sub}\` takes nothing after it; \`${rest.join(' ')}\` is extra.`);
  if (sub !== 'evidence') return usage(`\`${sub}\` is not something \`/access-review\` does.`);
  if (rest.length !== 1)
    return usage('`/access-review evidence` needs one quarter, e.g. `/access-review evidence 2026-Q3`.');
  const quarter = parseQuarter(rest[0]!);
  return quarter.ok ? { sub: 'evidence', quarter: quarter.quarter } : usage(quarter.reason);
}

export function registerAccessReview(app: Surfaces, deps: Deps): void {
  app.command('/access-review', async ({ command, ack, respond }) => {
    const parsed = parseAccessText(command.text);
    if ('usage' in parsed) {
      // Help lists only what the caller may run; roles are configured ids, and group members are cached.
      const roles = deps.roles.rolesKnownNow(command.user_id);
      return ack({ response_type: 'ephemeral', text: usageText('/access-review', roles, parsed.problem) });
    }
    await ack();
    const actor = { user: command.user_id, channel: command.channel_id };
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (parsed.sub === 'latest') {
      const review = await latestReview(deps.db);
      const link =
        review?.slackChannel && review.slackTs
          ? await deps.chat.permalink({ channel: review.slackChannel, ts: review.slackTs })
          : undefined;
      return void (await reply(latestReviewText(review, link)));
    }
    if (parsed.sub === 'evidence') {
      const outcome = await operate(deps, evidenceOperation(deps, parsed.quarter, actor));
      if (outcome.outcome === 'refused') return void (await reply(outcome.reason));
      if (outcome.outcome !== 'done') rethrow(outcome);
      const { pkg, ref } = outcome.report;
      if ('reason' in pkg) return void (await reply(pkg.reason));
      const link = ref ? await deps.chat.permalink(ref) : undefined;
      return void (await reply(
        `Evidence ${parsed.quarter}: ${pkg.index.reviews} reviews, ${pkg.index.gapWeeks} gap weeks${link ? ` — <${link}|package>` : ''}.`,
      ));
    }
    await reply('Taking an access snapshot…');
    const result = await operate(deps, reviewOperation(deps, 'slash', actor, { fallbackChannel: actor.channel }));
    if (result.outcome === 'refused') return void (await reply(result.reason));
    if (result.outcome === 'busy') {
      const since = result.holder ? ` (started ${utcTime(new Date(result.holder.acquiredAt))})` : '';
      return void (await reply(
        `An access review is already being taken${since}; it will be posted in the review channel. Nothing new was started.`,
      ));
    }
    if (result.outcome !== 'done') rethrow(result);
    const { review, ref, undelivered } = result.report.published!;
    const link = ref ? await deps.chat.permalink(ref) : undefined;
    await reply(
      `Access review \`${review.id}\` ${undelivered ? 'stored' : 'posted'}${link ? `: <${link}|open the thread>` : ''} — ${review.anomalies.length} anomalies, ${review.diff.changes.length} changes.${undelivered ? `\n${undelivered}` : ''}`,
    );
  });
  registerAccessDecisions(app, deps);
}
