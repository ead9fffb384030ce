// The wording of the alert raised when a job's scheduled fires keep not running.
import type { AlertObservation } from '../../alerts/observation.js';

export function skippedFiresObservation(job: string, skipped: number, reason: string): AlertObservation {
  const title = `⏱️ Scheduled job ${job} is not running`;
  const line = `${skipped} fire${skipped === 1 ? '' : 's'} in a row did not run: ${reason}`;
  return {
    key: `scheduler:${job}`,
    failing: true,
    title,
    lines: [line],
    tips: ['`/readyz` shows whether the database and Redis answer; the log says why each fire was skipped.'],
    email: { subject: title, text: `${line}.` },
  };
}
