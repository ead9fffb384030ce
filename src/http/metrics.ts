// Prometheus metrics on /metrics: HTTP requests, command latency, job runs. One registry per bot instance.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'status'>;
  commandSeconds: Histogram<'command'>;
  jobRuns: Counter<'job' | 'status'>;
  skippedFires: Counter<'job' | 'reason'>;
}

export function createMetrics(withDefaults = true): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'opsbot_' });
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
    skippedFires: new Counter({
      name: 'opsbot_scheduler_skipped_fires_total',
      help: 'Scheduled fires that did not run (lock held elsewhere, run coordinator failed), by job and reason',
      labelNames: ['job', 'reason'],
      registers: [registry],
    }),
  };
}
