// Uptime in words: the report as text (CLI, Slack fallback), the sparkline, maintenance notices, and the texts of
// the downtime issue. What came from elsewhere (reasons, what users typed) is escaped for Slack mrkdwn.
import { formatDuration, utcDateTime } from '../../format.js';
import type { MaintenanceWindow } from '../../uptime/maintenance.js';
import type { PeriodFigures, UptimeReport } from '../../uptime/report.js';
import type { UptimeSample } from '../../uptime/round.js';

/** Slack mrkdwn control characters, escaped as Slack asks. */
export const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const BARS = '▁▂▃▄▅▆▇█';
/** One character per point: full at 100 %, lowest at or below floor; a dot where nothing was measured. */
export function sparkline(points: (number | undefined)[], floor = 95): string {
  return points
    .map((p) => {
      if (p === undefined) return '·';
      const scaled = Math.max(0, Math.min(1, (p - floor) / (100 - floor)));
      return BARS[Math.round(scaled * (BARS.length - 1))];
    })
    .join('');
}

export const percent = (value: number | undefined) => (value === undefined ? 'no data' : `${value.toFixed(3)} %`);
const ms = (value: number | undefined) => (value === undefined ? '–' : `${value} ms`);

export function periodLine(name: string, p: PeriodFigures): string {
  const budget = p.budgetLeftPct === undefined ? '' : ` · budget left ${p.budgetLeftPct.toFixed(1)} %`;
  const maintenance = p.maintenanceRounds ? ` · ${p.maintenanceRounds} rounds in maintenance` : '';
  return `${name}: ${percent(p.availability)} · p50 ${ms(p.p50Ms)} · p95 ${ms(p.p95Ms)}${budget}${maintenance}`;
}

export function outageLines(report: UptimeReport): string[] {
  return report.periods['30d'].outages.map(
    (o) =>
      `${o.endedAt ? '•' : '🔴'} ${utcDateTime(new Date(o.startedAt))}: ${formatDuration(o.durationMs)}${o.endedAt ? '' : ' (ongoing)'}`,
  );
}

/** The periods whose error budget burns faster than the period allows. */
export function burnWarnings(report: UptimeReport): string[] {
  return Object.entries(report.periods)
    .filter(([, p]) => (p.burnRate ?? 0) > 1)
    .map(
      ([name, p]) =>
        `⚠️ ${name}: the error budget burns ${p.burnRate!.toFixed(1)}× faster than the SLO of ${report.slo} % allows`,
    );
}

export function uptimeText(report: UptimeReport): string {
  const outages = outageLines(report);
  return [
    `Uptime of ${report.env} (SLO ${report.slo} %)`,
    ...Object.entries(report.periods).map(([name, p]) => `  ${periodLine(name, p)}`),
    `  last 24 h: ${sparkline(report.hourly)}`,
    ...burnWarnings(report).map((w) => `  ${w}`),
    outages.length ? '  Outages (30 d):' : '  No outages in 30 days.',
    ...outages.map((line) => `    ${line}`),
  ].join('\n');
}

export function sampleLine(sample: UptimeSample): string {
  const reason = sample.reason ? ` — ${escapeMrkdwn(sample.reason)}` : '';
  return `${sample.ok ? '✅' : '❌'} \`${sample.path}\` ${sample.status ?? 'no response'} · ${sample.latencyMs} ms${reason}`;
}

/** A Slack user id as a mention; anyone else (`cli:deploy`) as escaped text. */
const who = (by: string | undefined) =>
  by && /^[UW][A-Z0-9_]+$/.test(by) ? `<@${by}>` : escapeMrkdwn(by ?? 'someone');

export function maintenanceLine(w: MaintenanceWindow, style: 'mrkdwn' | 'plain' = 'mrkdwn'): string {
  const until = utcDateTime(new Date(w.endsAt));
  if (style === 'plain') return `${w.env} until ${until} — ${w.reason} (by ${w.createdBy})`;
  return `🛠️ *${w.env}* until ${until} — ${escapeMrkdwn(w.reason)} (by ${who(w.createdBy)})`;
}

export function maintenanceStarted(w: MaintenanceWindow): string {
  return `🛠️ Maintenance of *${w.env}* until ${utcDateTime(new Date(w.endsAt))}, started by ${who(w.createdBy)}: ${escapeMrkdwn(w.reason)}. Alerts for ${w.env} are held and its uptime samples are left out of the SLO until then.`;
}

export function maintenanceEnded(w: MaintenanceWindow): string {
  return `✅ Maintenance of *${w.env}* ended by ${who(w.endedBy)}; alerts for ${w.env} are live again.`;
}

export function downtimeIssue(env: string, since: Date, reasons: string[], alertUrl?: string) {
  return {
    title: `Downtime: ${env} since ${utcDateTime(since)}`,
    body: [
      `${env} has been failing its uptime checks since ${utcDateTime(since)}.`,
      '',
      ...reasons.map((r) => `- ${r}`),
      ...(alertUrl ? ['', `Base URL: ${alertUrl}`] : []),
      '',
      'opsbot comments here when the alert is acknowledged, every hour while it lasts, and closes this issue when it ends.',
    ].join('\n'),
  };
}

export const downtimeAcknowledged = (by: string, at: Date) => `Acknowledged in Slack by ${by} at ${utcDateTime(at)}.`;
export const downtimeStill = (since: Date, now: Date, reasons: string[]) =>
  [`Still down after ${formatDuration(now.getTime() - since.getTime())}.`, ...reasons.map((r) => `- ${r}`)].join('\n');
export const downtimeEnded = (since: Date, end: Date) =>
  `Back up at ${utcDateTime(end)}: down for ${formatDuration(end.getTime() - since.getTime())}.`;
