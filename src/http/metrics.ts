// Prometheus metrics on /metrics: HTTP requests, command latency, job runs, durations and last successes. One registry
// per bot instance. Labels are bounded: routes and commands opsbot knows, anything else is `other`.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../store/db.js';
import { registerStateMetrics } from './state-metrics.js';

/** The routes opsbot serves; a scanner's `/wp-admin` is counted as `other`, not as a new series. */
export const KNOWN_ROUTES = ['/slack/events', '/healthz', '/readyz', '/metrics'];
export const routeLabel = (path: string) => (KNOWN_ROUTES.includes(path) ? path : 'other');

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'status'>;
  commandSeconds: Histogram<'command'>;
  jobRuns: Counter<'job' | 'status'>;
  jobSeconds: Histogram<'job'>;
  jobLastSuccess: Gauge<'job'>;
  skippedFires: Counter<'job' | 'reason'>;
}

/** db: the bot's database, read at scrape time for the state gauges (state-metrics.ts). */
export function createMetrics(db?: Db, withDefaults = true): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'opsbot_' });
  if (db) registerStateMetrics(registry, db);
  return {
    registry,
    httpRequests: new Counter({
      name: 'opsbot_http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    commandSeconds: new Histogram({
      name: 'opsbot_command_duration_seconds',
      help: 'Slash command handling time, by command',
      labelNames: ['command'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'opsbot_job_runs_total',
      help: 'Scheduled job runs, by job and status',
      labelNames: ['job', 'status'],
      registers: [registry],
    }),
    jobSeconds: new Histogram({
      name: 'opsbot_job_duration_seconds',
      help: 'Scheduled job run time, by job',
      labelNames: ['job'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers: [registry],
    }),
    jobLastSuccess: new Gauge({
      name: 'opsbot_job_last_success_timestamp_seconds',
      help: 'When each job last finished without error (Unix time)',
      labelNames: ['job'],
      registers: [registry],
    }),
    skippedFires: new Counter({
      name: 'opsbot_scheduler_skipped_fires_total',
      help: 'Scheduled fires that did not run (lock held elsewhere, run coordinator failed), by job and reason',
      labelNames: ['job', 'reason'],
      registers: [registry],
    }),
  };
}
