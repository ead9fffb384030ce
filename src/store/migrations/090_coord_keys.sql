-- Coordination in Postgres while Redis is unreachable: locks, rate-limit windows, the replay guard, cron elections.
create table if not exists coord_keys (
  key text primary key,
  value text not null,
  expires_at timestamptz not null
);
create index if not exists coord_keys_expires_at on coord_keys (expires_at);

-- Outbox claims name their holder: a graceful stop hands its claims back at once instead of leaving them to expire.
alter table outbox add column if not exists claimed_by text;
