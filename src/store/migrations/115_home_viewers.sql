-- People who have opened opsbot's App Home: their Home is republished when something it shows changes. view_hash is
-- the last view published, so a change that leaves someone's Home as it was costs no views.publish.
create table if not exists home_viewers (
  user_id text primary key,
  opened_at timestamptz not null,
  view_hash text
);
