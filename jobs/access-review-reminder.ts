// Hourly: a review still undecided after ACCESS_REVIEW_REMIND_HOURS gets one reminder in its thread.
import { remindUndecidedReviews } from '../src/access/remind.js';
import type { Job } from '../src/deps.js';

export const accessReviewReminderJob: Job = {
  name: 'access-review-reminder',
  defaultSchedule: '17 * * * *',
  async run(deps) {
    const sent = await remindUndecidedReviews(deps);
    if (sent > 0) deps.log.info({ sent }, 'access review reminders sent');
  },
};
