// Sundays 02:00 UTC (the runbook's Weekly Access Snapshot): a review posted for the reviewers in SLACK_REVIEW_CHANNEL.

import type { Job } from '../src/deps.js';
import { runAndPublishReview } from '../src/publish/access-thread.js';

export const accessReviewJob: Job = {
  name: 'access-review',
  defaultSchedule: '0 2 * * 0',
  async run(deps) {
    const result = await runAndPublishReview(deps, 'cron');
    if (!result.ok)
      deps.log.warn({ holder: result.holder }, 'scheduled access review skipped: another review is being taken');
  },
};
