// GET /status: the public status page, off unless STATUS_PAGE=true; with STATUS_PAGE_TOKEN it asks for that token as
// `?token=` or a bearer header (compared in constant time).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../deps.js';
import { statusPage } from '../render/html/status.js';
import { statusReport } from '../uptime/status.js';

function tokenMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function statusPageRoute(deps: Pick<Deps, 'db' | 'config' | 'now' | 'log'>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/status' || !deps.config.statusPage.enabled) return false;
    const token = deps.config.statusPage.token;
    if (token) {
      const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
      if (!tokenMatches(url.searchParams.get('token') ?? bearer, token)) {
        res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end('A valid token is required.');
        return true;
      }
    }
    const names = deps.config.environments.filter((e) => e.baseUrl).map((e) => e.name);
    const report = await statusReport(deps.db, names, deps.now());
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        'cache-control': 'no-store',
      })
      .end(statusPage(report, `${deps.config.alerts.serviceName} status`));
    return true;
  };
}
