-- Weekly access reviews: the snapshot, what changed since the previous one, the anomalies, and the one decision.

create table access_reviews (
  id text primary key,
  run_id text,
  taken_at timestamptz not null,
  trigger text not null,
  requested_by text,
  snapshot jsonb not null,
  counts jsonb not null,
  diff jsonb not null,
  anomalies jsonb not null,
  -- The CSV exactly as uploaded, so the quarter's evidence hands auditors the same bytes and sha256.
  csv text not null,
  csv_sha256 text not null,
  decision text check (decision in ('approved', 'flagged')),
  decided_by text,
  decided_at timestamptz,
  note text,
  slack_channel text,
  slack_ts text,
  issue_number integer,
  issue_url text,
  reminded_at timestamptz,
  check ((decision is null) = (decided_by is null) and (decision is null) = (decided_at is null))
);
create index access_reviews_taken on access_reviews (taken_at desc);
create index access_reviews_undecided on access_reviews (taken_at) where decision is null;
