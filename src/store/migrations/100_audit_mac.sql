-- Keyed audit chain: mac = HMAC-SHA256(AUDIT_KEY, hash), hex, on every row from the `audit.key.enabled` event on.
-- The key never reaches the database, so a writer with only database access cannot forge a valid chain.
alter table audit_events add column if not exists mac text;
