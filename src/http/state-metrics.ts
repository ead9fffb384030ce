// Gauges read from the bot's database at scrape time: outbox backlog and its oldest item, open alerts by key prefix,
// the newest backup's age and the last drill's result per environment. Every replica reports the same shared state.
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../store/db.js';

type Read = (db: Db) => Promise<{ labels?: Record<string, string>; value: number }[]>;

const num = (value: unknown) => Number(value ?? 0);

const GAUGES: { name: string; help: string; labels: string[]; read: Read }[] = [
  {
    name: 'opsbot_outbox_pending',
    help: 'Outbox items not yet delivered to Slack or mail',
    labels: [],
    read: async (db) => [{ value: num((await db.query(OUTBOX))[0]?.pending) }],
  },
  {
    name: 'opsbot_outbox_oldest_age_seconds',
    help: 'Age of the oldest undelivered outbox item (0 when none)',
    labels: [],
    read: async (db) => [{ value: num((await db.query(OUTBOX))[0]?.oldest) }],
  },
  {
    name: 'opsbot_alerts_open',
    help: 'Alerts open or acknowledged but not resolved, by the first part of their key (smoke, backup, drill…)',
    labels: ['prefix'],
    read: async (db) =>
      (
        await db.query<{ prefix: string; open: string }>(
          `select split_part(key, ':', 1) as prefix, count(*) as open from alerts
           where status <> 'resolved' group by 1`,
        )
      ).map((row) => ({ labels: { prefix: row.prefix }, value: num(row.open) })),
  },
  {
    name: 'opsbot_backup_newest_age_seconds',
    help: 'Age of the newest complete backup, by environment',
    labels: ['env'],
    read: async (db) =>
      (
        await db.query<{ env: string; age: string }>(
          `select env, extract(epoch from now() - max(created_at)) as age from backups
           where status = 'complete' group by env`,
        )
      ).map((row) => ({ labels: { env: row.env }, value: num(row.age) })),
  },
  {
    name: 'opsbot_drill_last_passed',
    help: 'Whether the last finished restore drill passed (1) or not (0), by environment',
    labels: ['env'],
    read: async (db) =>
      (
        await db.query<{ env: string; status: string }>(
          `select distinct on (env) env, status from runs
           where kind = 'drill' and status <> 'running' and env is not null order by env, finished_at desc nulls last`,
        )
      ).map((row) => ({ labels: { env: row.env }, value: row.status === 'passed' ? 1 : 0 })),
  },
];

const OUTBOX = `select count(*) as pending, coalesce(extract(epoch from now() - min(created_at)), 0) as oldest
  from outbox where delivered_at is null`;

/** Registers the gauges; a scrape that cannot read the database leaves them empty rather than failing /metrics. */
export function registerStateMetrics(registry: Registry, db: Db): void {
  for (const spec of GAUGES) {
    new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labels,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await spec.read(db).catch(() => []);
        for (const row of rows) {
          if (row.labels) this.set(row.labels, row.value);
          else this.set(row.value);
        }
      },
    });
  }
}
