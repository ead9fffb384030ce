// One line per check, shared by the Slack result, the alert and the CLI: mark, path, HTTP code, latency, reason.
import type { CheckResult } from '../../smoke/check.js';
import { mrkdwnCode, mrkdwnInline, plain } from '../escape.js';

export function formatLatency(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/**
 * `✅ /healthz 200 · 41 ms`, or `❌ /readyz 503 · 12 ms — HTTP 503`; mrkdwn puts the path in code font. The reason
 * quotes what the service answered, so it is escaped for the style it lands in.
 */
export function checkLine(check: CheckResult, style: 'mrkdwn' | 'plain' = 'mrkdwn'): string {
  const text = style === 'mrkdwn' ? mrkdwnInline : plain;
  const path = style === 'mrkdwn' ? mrkdwnCode(check.path) : plain(check.path);
  const retried = check.attempts > 1 ? ` (${check.attempts} attempts)` : '';
  const reason = check.reason ? ` — ${text(check.reason)}` : '';
  return `${check.ok ? '✅' : '❌'} ${path} ${check.status ?? 'no response'} · ${formatLatency(check.latencyMs)}${retried}${reason}`;
}

/** The notes worth a second line: migration info and header findings. */
export function noteLine(check: Pick<CheckResult, 'notes'>, style: 'mrkdwn' | 'plain' = 'mrkdwn'): string | undefined {
  if (check.notes.length === 0) return undefined;
  const text = check.notes.join(' · ');
  return style === 'mrkdwn' ? `      _${mrkdwnInline(text).replace(/_/g, ' ')}_` : `      ${plain(text)}`;
}

/** Every check's line and body notes, then the header findings once: they are the same for every path. */
export function checkLines(checks: CheckResult[], style: 'mrkdwn' | 'plain' = 'mrkdwn'): string[] {
  const headerNotes = [...new Set(checks.flatMap((check) => check.headerNotes ?? []))];
  const headers = headerNotes.length ? noteLine({ notes: headerNotes }, style) : undefined;
  return [
    ...checks.flatMap((check) => [checkLine(check, style), noteLine(check, style)]),
    headers?.replace(/^( *_?)/, '$1headers: '),
  ].filter((l): l is string => Boolean(l));
}
