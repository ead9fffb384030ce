// An uptime round as an alert observation (`uptime:<env>`): each path's sample, what to check, and the email.
import type { AlertObservation } from '../../alerts/observation.js';
import type { UptimeRound } from '../../uptime/round.js';
import { sampleLine } from '../text/uptime.js';

export function uptimeObservation(
  round: UptimeRound,
  baseUrl: string,
  serviceName: string,
  failureThreshold?: number,
): AlertObservation {
  const { env } = round;
  const plain = round.samples.map(
    (s) =>
      `${s.ok ? 'ok' : 'FAIL'} ${s.path} ${s.status ?? 'no response'} ${s.latencyMs} ms${s.reason ? ` ${s.reason}` : ''}`,
  );
  return {
    key: `uptime:${env}`,
    failing: !round.up,
    failureThreshold,
    title: `🔴 ${serviceName} ${env} is down`,
    lines: round.samples.map((s) => sampleLine(s)),
    url: baseUrl,
    tips: [
      "Check the service's logs around the time of the first failure",
      `Run \`/smoke ${env}\` for the full health report; \`/uptime ${env}\` for the history`,
      `Planned work? \`/maintenance ${env} 30m <reason>\` holds the alerts`,
    ],
    email: {
      subject: `🔴 ${serviceName} ${env}: Down`,
      text: [`${serviceName} ${env} is failing its uptime checks.`, '', `URL: ${baseUrl}`, ...plain].join('\n'),
    },
  };
}
