// Hourly: a review still undecided after ACCESS_REVIEW_REMIND_HOURS gets one reminder in its thread.

import type { Job } from '../src/deps.js';
import { remindUndecidedReviews } from '../src/publish/access-reminder.js';

export const accessReviewReminderJob: Job = {
  name: 'access-review-reminder',
  defaultSchedule: '17 * * * *',
  async run(deps) {
    const sent = await remindUndecidedReviews(deps);
    if (sent > 0) deps.log.info({ sent }, 'access review reminders sent');
  },
};
