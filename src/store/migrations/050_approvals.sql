-- Deploy approvals: a request bound to env + ref + sha, the votes of distinct approvers, and the GitHub deliveries
-- already handled (a redelivery reuses its id and must change nothing).

create table approval_requests (
  id text primary key,
  env text not null,
  ref text not null,
  sha text not null check (sha ~ '^[0-9a-f]{40}$'),
  title text not null,
  -- As given: a GitHub login from a pipeline or GitHub, or a Slack user id.
  requested_by text not null,
  -- The Slack user the requester is, when known: their click never counts.
  requester_slack text,
  checklist jsonb not null,
  links jsonb not null,
  exemption text,
  emergency boolean not null default false,
  source text not null,
  required integer not null check (required > 0),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'expired')),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  decided_at timestamptz,
  rejected_by text,
  reject_reason text,
  -- Emergency deploys: the approval given after the fact.
  retro_approved_by text,
  retro_approved_at timestamptz,
  slack_channel text,
  slack_ts text,
  -- The deployment protection rule this request answers: owner, repo, run id, installation id, environment.
  github jsonb,
  github_reported_at timestamptz,
  check ((status = 'pending') = (decided_at is null))
);
create index approval_requests_pending on approval_requests (expires_at) where status = 'pending';
create index approval_requests_created on approval_requests (created_at);

create table approval_votes (
  request_id text not null references approval_requests (id),
  approver text not null,
  at timestamptz not null,
  primary key (request_id, approver)
);

create table github_deliveries (
  id text primary key,
  event text not null,
  received_at timestamptz not null
);
