// The runbook's review checklist as findings: autopost on, thresholds below the minimum, roles not allowed, users
// without a tenant, GitHub members without 2FA, org 2FA not required, and admin counts that changed.
import type { Config } from '../config.js';
import type { AccessSnapshot, SectionName } from './snapshot.js';

export type AnomalyCode =
  | 'autopost_enabled'
  | 'threshold_below_minimum'
  | 'role_not_allowed'
  | 'user_without_tenant'
  | 'github_2fa_disabled'
  | 'github_org_2fa_not_required'
  | 'github_admins_changed'
  | 'app_admins_changed'
  | 'source_failed';

export interface Anomaly {
  code: AnomalyCode;
  section: SectionName | 'github_org' | 'review';
  /** The entry at fault (user id, tenant id, login); absent for review-wide findings. */
  key?: string;
  message: string;
}

/** Roles counted as app admins: who can change everyone else's access. */
export const APP_ADMIN_ROLES = ['admin', 'owner'];

export const appAdminCount = (snapshot: AccessSnapshot) =>
  snapshot.app_user.entries.filter((u) => APP_ADMIN_ROLES.includes(u.role.toLowerCase())).length;
export const githubAdminCount = (snapshot: AccessSnapshot) =>
  snapshot.github_member.entries.filter((m) => m.role === 'admin').length;

export function findAnomalies(
  snapshot: AccessSnapshot,
  previous: AccessSnapshot | undefined,
  config: Pick<Config['access'], 'allowedRoles' | 'minThreshold'>,
): Anomaly[] {
  const found: Anomaly[] = [];
  for (const name of ['app_user', 'tenant_setting', 'github_member'] as const) {
    const section = snapshot[name];
    if (section.status === 'failed')
      found.push({ code: 'source_failed', section: name, message: `\`${name}\` could not be read: ${section.note}` });
  }
  const allowed = new Set(config.allowedRoles.map((r) => r.toLowerCase()));
  for (const user of snapshot.app_user.entries) {
    const who = `\`${user.email || user.id}\``;
    if (allowed.size > 0 && !allowed.has(user.role.toLowerCase())) {
      found.push({
        code: 'role_not_allowed',
        section: 'app_user',
        key: user.id,
        message: `${who} has role \`${user.role || '(none)'}\`, not in ${[...allowed].join(', ')}`,
      });
    }
    if (!user.tenantId)
      found.push({ code: 'user_without_tenant', section: 'app_user', key: user.id, message: `${who} has no tenant` });
  }
  for (const tenant of snapshot.tenant_setting.entries) {
    const which = `tenant \`${tenant.name || tenant.id}\``;
    if (tenant.autopostEnabled)
      found.push({
        code: 'autopost_enabled',
        section: 'tenant_setting',
        key: tenant.id,
        message: `${which} has autopost_enabled = true (false by default)`,
      });
    if (tenant.threshold === null || tenant.threshold < config.minThreshold) {
      found.push({
        code: 'threshold_below_minimum',
        section: 'tenant_setting',
        key: tenant.id,
        message: `${which} has threshold ${tenant.threshold ?? '(none)'}, below ${config.minThreshold.toFixed(2)}`,
      });
    }
  }
  const github = snapshot.github_member;
  for (const member of github.entries.filter((m) => m.twoFactor === 'disabled')) {
    const kind = member.role === 'outside_collaborator' ? 'outside collaborator' : `org ${member.role}`;
    found.push({
      code: 'github_2fa_disabled',
      section: 'github_member',
      key: member.login,
      message: `GitHub ${kind} \`${member.login}\` has 2FA disabled`,
    });
  }
  if (github.status === 'ok' && github.twoFactorRequired === false) {
    found.push({
      code: 'github_org_2fa_not_required',
      section: 'github_org',
      key: github.org,
      message: `GitHub org \`${github.org}\` does not require 2FA`,
    });
  }
  if (previous?.github_member.status === 'ok' && github.status === 'ok') {
    const [was, now] = [githubAdminCount(previous), githubAdminCount(snapshot)];
    if (was !== now)
      found.push({
        code: 'github_admins_changed',
        section: 'review',
        message: `GitHub org admins changed: ${was} → ${now}`,
      });
  }
  if (previous?.app_user.status === 'ok' && snapshot.app_user.status === 'ok') {
    const [was, now] = [appAdminCount(previous), appAdminCount(snapshot)];
    if (was !== now)
      found.push({
        code: 'app_admins_changed',
        section: 'review',
        message: `App admins (${APP_ADMIN_ROLES.join('/')}) changed: ${was} → ${now}`,
      });
  }
  return found;
}
