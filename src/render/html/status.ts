// The status page as one HTML document: no script, inline CSS; every text from elsewhere HTML-escaped.
import { utcDateTime } from '../../format.js';
import type { EnvStatus, StatusReport } from '../../uptime/status.js';

export const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const LABEL = { up: 'Up', down: 'Down', maintenance: 'Maintenance', unknown: 'No data yet' } as const;

function bar(env: EnvStatus): string {
  return env.days
    .map((d) => {
      const level =
        d.availability === undefined ? 'none' : d.availability >= 99.9 ? 'good' : d.availability >= 99 ? 'fair' : 'bad';
      const title = `${d.day}: ${d.availability === undefined ? 'no data' : `${d.availability.toFixed(2)} %`}`;
      return `<span class="day ${level}" title="${escapeHtml(title)}"></span>`;
    })
    .join('');
}

function environment(env: EnvStatus): string {
  const windows = env.windows
    .map((w) => `<li>Until ${escapeHtml(utcDateTime(new Date(w.endsAt)))}: ${escapeHtml(w.reason)}</li>`)
    .join('');
  return `<section class="env" data-env="${escapeHtml(env.env)}" data-state="${env.state}">
  <h2>${escapeHtml(env.env)} <span class="state ${env.state}">${LABEL[env.state]}</span></h2>
  <div class="bar" aria-label="90 days of daily availability">${bar(env)}</div>
  ${windows ? `<ul class="windows">${windows}</ul>` : ''}
</section>`;
}

export function statusPage(report: StatusReport, title = 'Status'): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#1d3557}
.env{border:1px solid #ddd;border-radius:8px;padding:0.5rem 1rem;margin:1rem 0}
.state{font-size:0.8em;padding:0.1em 0.6em;border-radius:1em;color:#fff}
.state.up{background:#2a9d8f}.state.down{background:#e63946}.state.maintenance{background:#457b9d}.state.unknown{background:#999}
.bar{display:flex;gap:1px;height:28px}.day{flex:1;border-radius:2px;background:#ddd}
.day.good{background:#2a9d8f}.day.fair{background:#e9c46a}.day.bad{background:#e63946}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${report.environments.map(environment).join('\n')}
<p><small>As of ${escapeHtml(utcDateTime(new Date(report.at)))}; bars show the last 90 days, maintenance excluded.</small></p>
</body></html>`;
}
