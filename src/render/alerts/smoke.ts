// A smoke report as an alert observation: the smoke-specific content (check lines, the runbook's quick tips, the
// email) that the generic lifecycle in src/alerts wraps with links, Acknowledge and failing-since.
import type { AlertObservation } from '../../alerts/observation.js';
import type { SmokeReport } from '../../smoke/check.js';
import { checkLine } from '../text/smoke.js';

export function smokeObservation(report: SmokeReport, runId: string, serviceName: string): AlertObservation {
  const { env } = report;
  return {
    key: `smoke:${env}`,
    failing: report.verdict === 'failed',
    title: `🚨 ${serviceName} ${env} smoke test failed`,
    lines: report.checks.map((check) => checkLine(check)),
    url: report.baseUrl,
    runId,
    tips: [
      "Check the service's logs around the time of the first failure",
      'Check the worker: is it running and taking jobs?',
      'Check the database: is it up, and does it accept connections?',
      `A fresh deploy may be a cold start: wait 60 s, then run \`/smoke ${env}\` again`,
    ],
    email: {
      subject: `🚨 ${serviceName} ${env}: Smoke Test Failed`,
      text: [
        `The ${env} smoke test of ${serviceName} failed.`,
        '',
        `URL: ${report.baseUrl}`,
        ...report.checks.map((check) => checkLine(check, 'plain')),
        '',
        `Checked at ${report.finishedAt} (run ${runId}).`,
      ].join('\n'),
    },
  };
}
