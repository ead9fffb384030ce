-- Weekly change-control digests: one row per week (a second run updates it), its merged PRs, and the one decision.

create table change_control_digests (
  id text primary key,
  week text not null unique,
  week_start timestamptz not null,
  week_end timestamptz not null,
  run_id text,
  trigger text not null,
  requested_by text,
  report jsonb not null,
  -- The CSV exactly as uploaded, so the quarter's evidence hands auditors the same bytes and sha256.
  csv text not null,
  csv_sha256 text not null,
  -- Lower-cased GitHub logins of the listed PRs' authors: none of them may mark the digest reviewed.
  authors text[] not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  decision text check (decision in ('reviewed', 'flagged')),
  decided_by text,
  decided_at timestamptz,
  note text,
  slack_channel text,
  slack_ts text,
  check ((decision is null) = (decided_by is null) and (decision is null) = (decided_at is null))
);
create index change_control_digests_start on change_control_digests (week_start);
