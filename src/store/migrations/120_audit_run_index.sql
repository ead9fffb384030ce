-- The run pages list a run's audit events: found by the run id in their params, not by walking the chain.
create index audit_events_run on audit_events ((params->>'runId')) where params ? 'runId';
