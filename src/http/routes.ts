// The bot's own endpoints: /healthz (the process is up), /readyz (it can do work), /metrics (Prometheus).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Coord } from '../coord/coord.js';
import type { Db } from '../store/db.js';
import { pendingMigrations } from '../store/migrate.js';
import type { Metrics } from './metrics.js';

export interface Readiness {
  ready: boolean;
  checks: { database: string; redis: string; migrations: string };
}

export async function checkReadiness(db: Db, coord: Coord): Promise<Readiness> {
  const database = await db.query('select 1').then(
    () => 'ok',
    () => 'error',
  );
  const redis = await coord.health();
  const pending = database === 'ok' ? await pendingMigrations(db).catch(() => ['?']) : ['?'];
  const migrations = pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
  return {
    ready: database === 'ok' && redis !== 'error' && migrations === 'ok',
    checks: { database, redis, migrations },
  };
}

export function healthRoutes(deps: {
  db: Db;
  coord: Coord;
  metrics: Metrics;
  startedAt: number;
  isStopping: () => boolean;
}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET') return false;
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    if (path === '/healthz') {
      json(200, { status: 'ok', uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000) });
      return true;
    }
    if (path === '/readyz') {
      const readiness = await checkReadiness(deps.db, deps.coord);
      const ready = readiness.ready && !deps.isStopping();
      json(ready ? 200 : 503, {
        status: ready ? 'ready' : 'not_ready',
        checks: readiness.checks,
        ...(deps.isStopping() ? { reason: 'shutting down' } : {}),
      });
      return true;
    }
    if (path === '/metrics') {
      res
        .writeHead(200, { 'content-type': deps.metrics.registry.contentType })
        .end(await deps.metrics.registry.metrics());
      return true;
    }
    return false;
  };
}
