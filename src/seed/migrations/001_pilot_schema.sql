-- The pilot schema of the runbook: tenants and their users, bookkeeping data, rules, receipts and the app's audit log.

create table tenants (
  id text primary key,
  name text not null,
  kind text not null,
  -- Pilots start in shadow mode: nothing is posted automatically until a person turns it on.
  autopost_enabled boolean not null default false,
  threshold numeric(3, 2) not null default 0.90 check (threshold between 0 and 1),
  created_at timestamptz not null default now()
);

create table users (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  email text not null unique,
  name text not null,
  role text not null check (role in ('owner', 'admin', 'accountant', 'viewer')),
  created_at timestamptz not null default now()
);
create index users_tenant on users (tenant_id);

create table transactions (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  posted_on date not null,
  description text not null,
  counterparty text not null,
  amount numeric(12, 2) not null,
  currency text not null default 'USD',
  created_at timestamptz not null default now()
);
create index transactions_tenant_day on transactions (tenant_id, posted_on);

create table journal_entries (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  transaction_id text not null references transactions (id) on delete cascade,
  debit_account text not null,
  credit_account text not null,
  amount numeric(12, 2) not null,
  confidence numeric(4, 3) not null check (confidence between 0 and 1),
  status text not null check (status in ('proposed', 'posted', 'rejected')),
  created_at timestamptz not null default now()
);
create index journal_entries_tenant on journal_entries (tenant_id);

create table rules (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  pattern text not null,
  account text not null,
  priority integer not null,
  created_at timestamptz not null default now()
);

create table audit_log (
  id text primary key,
  tenant_id text references tenants (id) on delete cascade,
  actor text not null,
  action text not null,
  details jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table receipts (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  transaction_id text references transactions (id) on delete set null,
  filename text not null,
  received_on date not null,
  total numeric(12, 2) not null,
  created_at timestamptz not null default now()
);
create index receipts_tenant_day on receipts (tenant_id, received_on);

create table receipt_fields (
  id text primary key,
  receipt_id text not null references receipts (id) on delete cascade,
  name text not null,
  value text not null,
  confidence numeric(4, 3) not null check (confidence between 0 and 1)
);
