// The uptime report and the maintenance list as Slack messages.
import { utcDateTime } from '../../format.js';
import type { MaintenanceWindow } from '../../uptime/maintenance.js';
import type { UptimeReport } from '../../uptime/report.js';
import { burnWarnings, maintenanceLine, outageLines, percent, periodLine, sparkline } from '../text/uptime.js';
import { context, fitMessage, header, type SlackMessage, section, sections } from './kit.js';

export function uptimeMessage(report: UptimeReport): SlackMessage {
  const outages = outageLines(report);
  const warnings = burnWarnings(report);
  const blocks = [
    header(`Uptime ${report.env}: ${percent(report.periods['30d'].availability)} over 30 days`),
    section(
      Object.entries(report.periods)
        .map(([name, p]) => periodLine(name, p))
        .join('\n'),
    ),
    section(`Last 24 h, hour by hour: \`${sparkline(report.hourly)}\``),
    ...(warnings.length ? [section(warnings.join('\n'))] : []),
    ...(outages.length ? sections(['*Outages in 30 days*', ...outages], 10) : [section('No outages in 30 days.')]),
    context(`SLO ${report.slo} % · rounds in maintenance are left out · as of ${utcDateTime(new Date(report.at))}`),
  ];
  return {
    text: `Uptime ${report.env}: ${percent(report.periods['30d'].availability)} over 30 days`,
    blocks: fitMessage(blocks),
  };
}

export function maintenanceListMessage(windows: MaintenanceWindow[]): SlackMessage {
  if (windows.length === 0) return { text: 'No maintenance window is open.' };
  const lines = windows.map((w) => maintenanceLine(w));
  return {
    text: `${windows.length} maintenance window(s) open`,
    blocks: fitMessage(sections(['*Open maintenance windows*', ...lines], 20)),
  };
}
