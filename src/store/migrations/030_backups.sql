-- The index of the backups opsbot took (the files live in BACKUP_DIR), and the throw-away drill databases it created.

create table backups (
  id text primary key,
  env text not null,
  status text not null check (status in ('complete', 'failed', 'pruned')),
  -- Where the backup lives inside its storage: <env>/<UTC timestamp>; null when the backup failed before it existed.
  path text,
  -- Which storage holds it, e.g. `local /var/lib/opsbot/backups`: a replica with other storage sees it missing.
  storage text not null,
  run_id text,
  -- The exported snapshot's time on the source server: what the backup holds is the database as of then.
  taken_at timestamptz,
  created_at timestamptz not null,
  size_bytes bigint,
  sha256 text,
  manifest jsonb,
  error text,
  pruned_at timestamptz
);
create index backups_env_created on backups (env, created_at desc);

-- Written before CREATE DATABASE, so a crash at any point leaves a row the janitor finds: nothing is ever leaked,
-- and nothing whose name is not opsbot_drill_<run id> of a recorded run is ever dropped.
create table drill_databases (
  name text primary key,
  run_id text not null,
  -- Which configured server holds it: `drill` (DRILL_DATABASE_URL), `opsbot` (DATABASE_URL) or an environment name.
  server text not null,
  created_at timestamptz not null default now(),
  dropped_at timestamptz
);
create index drill_databases_pending on drill_databases (run_id) where dropped_at is null;
