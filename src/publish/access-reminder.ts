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
  let sent = 0;
  for (const review of due) {
    try {
      await deps.chat.post(
        review.slackChannel!,
        { text: reminderText(review, hours, deps.config.roles.reviewers) },
        review.slackTs!,
      );
      sent += 1;
    } catch (error) {
      // Claimed but not delivered: released, so the next pass tries again.
      deps.log.warn({ err: error, reviewId: review.id }, 'access review reminder not delivered');
      await releaseReminder(deps.db, review.id);
    }
  }
  return sent;
}
