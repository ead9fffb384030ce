-- Consecutive failing or passing observations per alert key: an alert opens only after ALERT_FAILURE_THRESHOLD
-- failing runs in a row (no page for one flap) and resolves after ALERT_SUCCESS_THRESHOLD passing ones.
create table alert_streaks (
  key text primary key,
  failing boolean not null,
  count integer not null,
  -- When the current streak began: a new alert's "failing since".
  since timestamptz not null,
  observed_at timestamptz not null
);
-- The outbox claims items in id order per ref; this keeps that lookup cheap.
create index outbox_ref_pending on outbox (ref, id) where delivered_at is null;
