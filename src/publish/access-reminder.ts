// One reminder in the thread of a review still undecided after ACCESS_REVIEW_REMIND_HOURS, naming the reviewers.

import { claimReviewsToRemind, releaseReminder } from '../access/store.js';
import type { Deps } from '../deps.js';
import { reminderText } from '../render/blocks/access.js';

export async function remindUndecidedReviews(
  deps: Pick<Deps, 'config' | 'chat' | 'db' | 'log' | 'now'>,
): Promise<number> {
  const hours = deps.config.access.remindHours;
  const now = deps.now();
  const due = await claimReviewsToRemind(deps.db, new Date(now.getTime() - hours * 3_600_000), now);
  if (due.length === 0) return 0;
  const reviewers = await Promise.all(deps.config.roles.reviewers.map((entry) => reviewerMention(deps, entry)));
  let sent = 0;
  for (const review of due) {
    try {
      await deps.chat.post(review.slackChannel!, { text: reminderText(review, hours, reviewers) }, review.slackTs!);
      sent += 1;
    } catch (error) {
      // Claimed but not delivered: released, so the next pass tries again.
      deps.log.warn({ err: error, reviewId: review.id }, 'access review reminder not delivered');
      await releaseReminder(deps.db, review.id);
    }
  }
  return sent;
}

/** A handle (`ops`, `@ops`) becomes its group id, so the reminder's `<!subteam^…>` notifies the group. */
async function reviewerMention(deps: Pick<Deps, 'chat' | 'log'>, entry: string): Promise<string> {
  if (/^[UW][A-Z0-9_]+$/.test(entry)) return entry;
  try {
    return (await deps.chat.groupId(entry)) ?? entry;
  } catch (error) {
    // usergroups:read missing or Slack down: the reminder still goes out, naming the handle.
    deps.log.warn({ err: error, group: entry }, 'could not look up a reviewer user group');
    return entry;
  }
}
