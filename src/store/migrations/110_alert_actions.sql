-- Alerts people can act on: snooze, manual resolve with a note, the "still on it?" check of an old acknowledgement,
-- and escalation to the on-call group. Every column is set by a compare-and-set in src/alerts.
alter table alerts
  add column snoozed_until timestamptz,
  add column snoozed_by text,
  add column resolved_by text,
  add column resolve_note text,
  -- When the alert last became unacknowledged and unsnoozed: escalation counts from here.
  add column open_since timestamptz,
  add column escalated_at timestamptz,
  -- The acknowledger was asked whether they are still on it (pending while set); their last "Still on it".
  add column ack_checked_at timestamptz,
  add column ack_confirmed_at timestamptz,
  -- The last acknowledgement that lapsed because nobody confirmed it: who, and when.
  add column ack_lapsed_by text,
  add column ack_lapsed_at timestamptz;

-- After a manual resolution the next failing run opens a new alert at once: a person said it was fixed.
alter table alert_streaks add column rearmed boolean not null default false;
