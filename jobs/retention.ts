// Monthly on the 1st at 03:00 UTC (the runbook's Data Retention Report): a dry run posted to the compliance channel.
import type { Job } from '../src/deps.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { retentionReportOperation } from '../src/operate/retention.js';
import { publishRetentionReport } from '../src/publish/retention.js';

export const retentionJob: Job = {
  name: 'retention',
  defaultSchedule: '0 3 1 * *',
  async run(deps) {
    const outcome = await operate(deps, retentionReportOperation(deps, 'cron'));
    if (outcome.outcome === 'busy') return void deps.log.warn('retention report skipped: another is being taken');
    if (outcome.outcome !== 'done') rethrow(outcome);
    await publishRetentionReport(deps, outcome.report, outcome.runId);
  },
};
