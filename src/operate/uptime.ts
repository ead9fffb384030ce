// Maintenance windows and the uptime report as operations: starting and ending a window need the operator role
// (from Slack) and are audited as `maintenance.start` / `maintenance.end`; reading uptime is audited as `uptime.view`.
import type { Deps } from '../deps.js';
import type { Actor, RunTrigger } from '../store/runs.js';
import { endWindow, type MaintenanceWindow, type StartResult, startWindow } from '../uptime/maintenance.js';
import type { MaintenanceRequest } from '../uptime/maintenance-input.js';
import { type UptimeReport, uptimeReport } from '../uptime/report.js';
import type { OperationSpec } from './spec.js';

type WindowDeps = Pick<Deps, 'db' | 'now'>;

/** The CLI has no Slack identity to hold a role: whoever can run it with the bot's database is trusted. */
const roleFor = (trigger: RunTrigger) => (trigger === 'cli' ? undefined : ('operator' as const));

export function startMaintenanceOperation(
  request: MaintenanceRequest,
  ask: { trigger: RunTrigger; actor: Actor },
  deps: WindowDeps,
): OperationSpec<StartResult> {
  return {
    kind: 'maintenance',
    action: 'maintenance.start',
    trigger: ask.trigger,
    actor: ask.actor,
    env: request.env,
    params: { env: request.env, minutes: Math.round(request.ms / 60_000), reason: request.reason },
    role: roleFor(ask.trigger),
    what: '/maintenance',
    record: false,
    run: () => startWindow(deps.db, { ...request, by: ask.actor.user, now: deps.now() }),
    auditOutcome: (result) => result.outcome,
    auditParams: (result) =>
      result.outcome === 'started' ? { until: result.window.endsAt, windowId: result.window.id } : {},
  };
}

export function endMaintenanceOperation(
  env: string,
  ask: { trigger: RunTrigger; actor: Actor },
  deps: WindowDeps,
): OperationSpec<MaintenanceWindow | undefined> {
  return {
    kind: 'maintenance',
    action: 'maintenance.end',
    trigger: ask.trigger,
    actor: ask.actor,
    env,
    params: { env },
    role: roleFor(ask.trigger),
    what: '/maintenance end',
    record: false,
    run: () => endWindow(deps.db, env, ask.actor.user, deps.now()),
    auditOutcome: (window) => (window ? 'ended' : 'none-open'),
  };
}

export function uptimeOperation(
  env: string,
  ask: { trigger: RunTrigger; actor: Actor },
  deps: Pick<Deps, 'db' | 'now' | 'config'>,
): OperationSpec<UptimeReport> {
  return {
    kind: 'uptime',
    action: 'uptime.view',
    trigger: ask.trigger,
    actor: ask.actor,
    env,
    params: { env },
    record: false,
    run: () => uptimeReport(deps.db, env, deps.now(), deps.config.uptime.sloAvailability),
    auditOutcome: () => 'shown',
  };
}
