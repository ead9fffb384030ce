-- Every entry point runs through the operation pipeline: modal submissions, the HTTP API and webhooks are triggers too.
alter table runs drop constraint if exists runs_trigger_check;
alter table runs add constraint runs_trigger_check
  check (trigger in ('slash', 'cron', 'cli', 'button', 'modal', 'api', 'webhook'));
