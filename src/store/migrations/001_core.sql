-- The bot's core state: runs, alerts, the append-only audit chain, and the outbox.

create table runs (
  id text primary key,
  kind text not null,
  env text,
  trigger text not null check (trigger in ('slash', 'cron', 'cli', 'button')),
  actor text,
  channel text,
  status text not null default 'running'
    check (status in ('running', 'passed', 'failed', 'error', 'interrupted')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  -- Refreshed by the process that owns the run; a stale one means that process died (see the janitor).
  heartbeat_at timestamptz not null default now(),
  owner text,
  params jsonb not null default '{}',
  report jsonb,
  error text,
  slack_channel text,
  slack_ts text
);
create index runs_kind_started on runs (kind, started_at desc);
create index runs_running on runs (heartbeat_at) where status = 'running';

create table alerts (
  id bigserial primary key,
  key text not null,
  status text not null check (status in ('open', 'acknowledged', 'resolved')),
  title text not null,
  details jsonb not null default '{}',
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  occurrences integer not null default 1,
  acknowledged_by text,
  acknowledged_at timestamptz,
  resolved_at timestamptz,
  last_notified_at timestamptz,
  slack_channel text,
  slack_ts text,
  email_sent boolean not null default false
);
-- One open (or acknowledged) alert per dedupe key.
create unique index alerts_one_active on alerts (key) where status <> 'resolved';

create table audit_events (
  seq bigint primary key,
  at timestamptz not null,
  actor text,
  channel text,
  action text not null,
  params jsonb not null default '{}',
  outcome text not null,
  prev_hash text not null,
  hash text not null unique
);

create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only: % is refused', tg_op;
end
$$;
create trigger audit_events_no_change before update or delete on audit_events
  for each row execute function audit_events_append_only();
create trigger audit_events_no_truncate before truncate on audit_events
  for each statement execute function audit_events_append_only();

create table outbox (
  id bigserial primary key,
  kind text not null,
  -- What the item belongs to (an alert id, a run id): items of one ref are delivered in order.
  ref text,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  last_error text,
  delivered_at timestamptz
);
create index outbox_pending on outbox (next_attempt_at) where delivered_at is null;
