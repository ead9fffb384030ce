// Monthly on the 1st at 09:30 UTC: a restore drill of every environment in BACKUP_ENVIRONMENTS, each through the alert
// lifecycle (`drill:<env>`: opened by the first failure, resolved by the next pass).
import type { Job } from '../src/deps.js';
import { runForEachEnvironment } from '../src/publish/environment-jobs.js';

export const drillJob: Job = {
  name: 'drill',
  defaultSchedule: '30 9 1 * *',
  run: (deps) => runForEachEnvironment(deps, 'drill'),
};
