// The /runs/<id> report page and its refusals, as HTML documents: no script, inline CSS; every text from elsewhere
// (report fields, errors, table rows) HTML-escaped, and links only to http(s) URLs.
import type { RunReportPage } from '../../home/run-report.js';
import { escapeHtml } from './status.js';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1d3557}
table{border-collapse:collapse;margin:0.5rem 0}td,th{border:1px solid #ddd;padding:0.2rem 0.5rem;text-align:left;vertical-align:top}
dl.value{margin:0}dl.value dt{font-weight:600}dl.value dd{margin:0 0 0.3rem 1rem}code{font-size:0.9em}`;
const MAX_DEPTH = 6;
// To the second: a run's start and end are often within the same minute.
const utc = (date: Date) =>
  date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
const MAX_ITEMS = 500;

function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>
${body}
</body></html>`;
}

/** Any stored JSON, readably: objects as definition lists, arrays as lists, long data cut with a note. */
export function valueHtml(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return '<em>—</em>';
  if (typeof value !== 'object') return escapeHtml(String(value));
  if (value instanceof Date) return escapeHtml(utc(value));
  if (depth >= MAX_DEPTH) return `<code>${escapeHtml(JSON.stringify(value).slice(0, 500))}</code>`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '<em>none</em>';
    const items = value.slice(0, MAX_ITEMS).map((item) => `<li>${valueHtml(item, depth + 1)}</li>`);
    const more = value.length > MAX_ITEMS ? `<li>…and ${value.length - MAX_ITEMS} more</li>` : '';
    return `<ol>${items.join('')}${more}</ol>`;
  }
  const entries = Object.entries(value).slice(0, MAX_ITEMS);
  if (entries.length === 0) return '<em>empty</em>';
  return `<dl class="value">${entries
    .map(([key, item]) => `<dt>${escapeHtml(key)}</dt><dd>${valueHtml(item, depth + 1)}</dd>`)
    .join('')}</dl>`;
}

const safeHref = (url: string | undefined) => (url && /^https?:\/\/[^\s"'<>]+$/.test(url) ? url : undefined);

/** threadUrl: the permalink of the run's Slack message, when known. */
export function runPageHtml(page: RunReportPage, threadUrl: string | undefined): string {
  const { run } = page;
  const row = (label: string, value: string) => `<tr><th>${label}</th><td>${value}</td></tr>`;
  const when = (date: Date | null) => (date ? escapeHtml(utc(date)) : '<em>not finished</em>');
  const href = safeHref(threadUrl);
  const facts = [
    row('Run', `<code>${escapeHtml(run.id)}</code>`),
    row('Kind', escapeHtml(run.kind)),
    row('Environment', run.env ? escapeHtml(run.env) : '<em>—</em>'),
    row('Status', `<strong data-status="${escapeHtml(run.status)}">${escapeHtml(run.status)}</strong>`),
    row('Started by', run.actor ? escapeHtml(run.actor) : `the ${escapeHtml(run.trigger)}`),
    row('Trigger', escapeHtml(run.trigger)),
    row('Started', when(run.startedAt)),
    row('Finished', when(run.finishedAt)),
    ...(run.error ? [row('Error', escapeHtml(run.error))] : []),
    row(
      'Slack thread',
      href ? `<a href="${escapeHtml(href)}">the report's message and its thread</a>` : '<em>none</em>',
    ),
  ];
  const related = page.related
    .map((r) => `<section><h3>${escapeHtml(r.title)}</h3>${valueHtml(r.fields)}</section>`)
    .join('\n');
  const audit = page.audit.length
    ? `<table><thead><tr><th>seq</th><th>at (UTC)</th><th>actor</th><th>action</th><th>outcome</th><th>hash</th></tr></thead><tbody>${page.audit
        .map(
          (e) =>
            `<tr><td>${e.seq}</td><td>${escapeHtml(utc(e.at))}</td><td>${escapeHtml(e.actor ?? '—')}</td><td>${escapeHtml(e.action)}</td><td>${escapeHtml(e.outcome)}</td><td><code>${escapeHtml(e.hash.slice(0, 12))}…</code></td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p><em>No audit events name this run.</em></p>';
  return document(
    `Run ${run.id}`,
    `<h1>Run <code>${escapeHtml(run.id)}</code></h1>
<table>${facts.join('')}</table>
<h2>Report</h2>
${valueHtml(run.report)}
${related ? `<h2>Records of this run</h2>\n${related}` : ''}
<h2>Audit events</h2>
${audit}
<p><small>Times are UTC. The audit chain is checked with <code>opsbot audit verify</code>.</small></p>`,
  );
}

/** A refusal (403, 404) or a failed sign-in, in words for the person at the browser. */
export function refusalPageHtml(title: string, message: string): string {
  return document(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
