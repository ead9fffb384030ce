// Nightly at 09:00 UTC: a backup of every environment in BACKUP_ENVIRONMENTS; a failure opens `backup:<env>` at once.
import type { Job } from '../src/deps.js';
import { runForEachEnvironment } from '../src/publish/environment-jobs.js';

export const backupJob: Job = {
  name: 'backup',
  defaultSchedule: '0 9 * * *',
  run: (deps) => runForEachEnvironment(deps, 'backup'),
};
