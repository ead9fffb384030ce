// Sundays 02:00 UTC (the runbook's Weekly Access Snapshot): a review posted for the reviewers in SLACK_REVIEW_CHANNEL.

import type { Job } from '../src/deps.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { reviewOperation } from '../src/publish/access-thread.js';

export const accessReviewJob: Job = {
  name: 'access-review',
  defaultSchedule: '0 2 * * 0',
  async run(deps) {
    const result = await operate(deps, reviewOperation(deps, 'cron', undefined));
    if (result.outcome === 'busy')
      deps.log.warn({ holder: result.holder }, 'scheduled access review skipped: another review is being taken');
    else if (result.outcome !== 'done') rethrow(result);
  },
};
