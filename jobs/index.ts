// Every scheduled job; the scheduler applies SCHEDULE_<NAME> to each.

import type { Job } from '../src/deps.js';
import { accessReviewJob } from './access-review.js';
import { accessReviewReminderJob } from './access-review-reminder.js';
import { approvalsExpiryJob } from './approvals-expiry.js';
import { auditAnchorJob } from './audit-anchor.js';
import { backupJob } from './backup.js';
import { changeControlJob } from './change-control.js';
import { drillJob } from './drill.js';
import { janitorJob } from './janitor.js';
import { postureJob } from './posture.js';
import { retentionJob } from './retention.js';
import { smokeJob } from './smoke.js';
import { uptimeJob } from './uptime.js';

export const jobs: Job[] = [
  janitorJob,
  smokeJob,
  accessReviewJob,
  accessReviewReminderJob,
  postureJob,
  backupJob,
  drillJob,
  retentionJob,
  changeControlJob,
  uptimeJob,
  approvalsExpiryJob,
  auditAnchorJob,
];
