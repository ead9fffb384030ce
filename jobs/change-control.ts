// Mondays 09:00 (SCHEDULE_CHANGE_CONTROL): the week that ended at midnight, every merged change checked against the
// PR gate, posted to SLACK_COMPLIANCE_CHANNEL for a reviewer.
import type { Job } from '../src/deps.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { digestConfigProblem, digestOperation } from '../src/publish/change-digest.js';

export const changeControlJob: Job = {
  name: 'change-control',
  defaultSchedule: '0 9 * * 1',
  async run(deps) {
    const problem = digestConfigProblem(deps.config);
    // Not configured is not a failure of the schedule: change control is optional, like the access review's GitHub part.
    if (problem) return void deps.log.info({ problem }, 'change-control digest skipped: not configured');
    const result = await operate(deps, digestOperation(deps, 'cron', undefined));
    if (result.outcome === 'busy')
      deps.log.warn({ holder: result.holder }, 'scheduled change-control digest skipped: another one is being taken');
    else if (result.outcome !== 'done') rethrow(result);
  },
};
