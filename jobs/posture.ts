// Mondays 08:00 UTC (the runbook's Compliance Posture Check): GitHub org 2FA, through the alert lifecycle.
import { observeAlert } from '../src/alerts/observe.js';
import type { Job } from '../src/deps.js';
import { checkGithubPosture } from '../src/posture/check.js';
import { reportScopeProblemOnce } from '../src/publish/posture-scope-note.js';
import { postureAlert } from '../src/render/blocks/posture.js';

export const POSTURE_ALERT_KEY = 'posture:github';

export const postureJob: Job = {
  name: 'posture',
  defaultSchedule: '0 8 * * 1',
  async run(deps) {
    const { runId, report } = await deps.runs.track({ kind: 'posture', env: 'github', trigger: 'cron' }, () =>
      checkGithubPosture(deps),
    );
    if (report.verdict === 'skipped') {
      deps.log.info({ runId }, 'posture check SKIPPED: no credentials (GITHUB_TOKEN and GITHUB_ORG)');
      return;
    }
    if (report.verdict === 'unknown') {
      // Neither failing nor passing: the open alert, if any, stays as it is until the token can see again.
      await reportScopeProblemOnce(deps, report, runId);
      return;
    }
    // A weekly check that waited for a second failure would leave 2FA unenforced for a fortnight.
    const outcome = await observeAlert(deps, {
      key: POSTURE_ALERT_KEY,
      failing: report.verdict === 'failed',
      failureThreshold: 1,
      ...postureAlert(report, runId),
    });
    deps.log.info(
      { runId, verdict: report.verdict, withoutTwoFactor: report.withoutTwoFactor.length, alert: outcome },
      'posture finished',
    );
  },
};
