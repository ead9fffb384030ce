-- Data retention: each monthly report (what is past retention, per policy) and the deletions made from it, each
-- requested by one person and approved by another before anything is deleted.
create table retention_reports (
  id text primary key,
  run_id text,
  taken_at timestamptz not null,
  report jsonb not null,
  slack_channel text,
  slack_ts text
);
create index retention_reports_taken on retention_reports (taken_at desc);

create table retention_deletions (
  id text primary key,
  report_id text not null references retention_reports (id),
  status text not null check (status in ('requested', 'approved', 'running', 'done', 'stopped', 'failed')),
  requested_by text not null,
  requested_at timestamptz not null,
  approved_by text,
  approved_at timestamptz,
  stop_requested boolean not null default false,
  result jsonb,
  finished_at timestamptz,
  slack_channel text,
  slack_ts text
);
-- One deletion per report at a time: a second request while one is open is the same request.
create unique index retention_deletions_open on retention_deletions (report_id)
  where status in ('requested', 'approved', 'running');
