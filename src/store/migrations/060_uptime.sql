-- Uptime: one round per environment per check (claimed by the replica that inserts it), one sample per path in it,
-- hourly and daily figures rolled up from the rounds (kept after the raw rows expire: a year of days is kilobytes),
-- outages with their GitHub issue, and maintenance windows.
create table uptime_rounds (
  env text not null,
  at timestamptz not null,
  up boolean not null,
  -- The slowest path of the round: the round lasts as long as that.
  latency_ms integer not null,
  in_maintenance boolean not null,
  primary key (env, at)
);
-- /uptime reads 30 days of one environment's rounds from this index alone.
create index uptime_rounds_figures on uptime_rounds (env, at) include (up, latency_ms, in_maintenance);
create table uptime_samples (
  env text not null,
  at timestamptz not null,
  path text not null,
  ok boolean not null,
  status smallint,
  latency_ms integer not null,
  reason text,
  in_maintenance boolean not null,
  primary key (env, at, path)
);
-- Figures per hour and per day: rounds counted outside maintenance, of them those up; latency percentiles.
create table uptime_hourly (
  env text not null,
  hour timestamptz not null,
  rounds integer not null,
  up_rounds integer not null,
  maintenance_rounds integer not null,
  p50_ms integer,
  p95_ms integer,
  primary key (env, hour)
);
create table uptime_daily (
  env text not null,
  day date not null,
  rounds integer not null,
  up_rounds integer not null,
  maintenance_rounds integer not null,
  p50_ms integer,
  p95_ms integer,
  primary key (env, day)
);
create table uptime_outages (
  id bigserial primary key,
  env text not null,
  started_at timestamptz not null,
  ended_at timestamptz,
  alert_id bigint,
  issue_number integer,
  issue_url text,
  -- Who is opening the issue (a replica's owner id, with when): the compare-and-set that keeps it to one issue.
  issue_claim text,
  issue_claimed_at timestamptz,
  acknowledged_noted boolean not null default false,
  last_comment_at timestamptz
);
-- One outage under way per environment, whatever the number of replicas.
create unique index uptime_outages_open on uptime_outages (env) where ended_at is null;
create table maintenance_windows (
  id bigserial primary key,
  env text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text not null,
  created_by text not null,
  ended_early_at timestamptz,
  ended_by text
);
create index maintenance_windows_env on maintenance_windows (env, ends_at);
