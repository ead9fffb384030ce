-- The daily analytics rollup: one row per tenant and day, recomputed (upserted) by each rollup.

create table analytics_daily (
  tenant_id text not null references tenants (id) on delete cascade,
  day date not null,
  transactions integer not null,
  amount_total numeric(14, 2) not null,
  receipts integer not null,
  journal_entries integer not null,
  -- Entries at or above the tenant's threshold: what autopost would have posted had it been on.
  above_threshold integer not null,
  computed_at timestamptz not null,
  primary key (tenant_id, day)
);
