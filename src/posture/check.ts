// GitHub posture: the org requires 2FA and no member or outside collaborator has it disabled. A token that may not
// see either is a finding of its own ("ensure the token has admin:org scope"), not a failure of the org.
import type { Deps } from '../deps.js';
import { getOrgSettings, listTwoFactorDisabled } from '../github/org.js';

export const SCOPE_PROBLEM = '403: ensure the token has admin:org scope';

export interface PostureReport {
  /** unknown: the token cannot see the 2FA settings; skipped: no GITHUB_TOKEN / GITHUB_ORG. */
  verdict: 'passed' | 'failed' | 'unknown' | 'skipped';
  org?: string;
  twoFactorRequired: boolean | null;
  /** Logins with 2FA disabled, members first; empty when unknown. */
  withoutTwoFactor: { login: string; kind: 'member' | 'outside collaborator' }[];
  /** Set when verdict is unknown: what the token lacks, in the runbook's words. */
  scopeProblem?: string;
  checkedAt: string;
}

export async function checkGithubPosture(deps: Pick<Deps, 'config' | 'github' | 'now'>): Promise<PostureReport> {
  const checkedAt = deps.now().toISOString();
  const org = deps.config.github.org;
  if (!deps.github || !org) return { verdict: 'skipped', twoFactorRequired: null, withoutTwoFactor: [], checkedAt };
  const [settings, members, outside] = await Promise.all([
    getOrgSettings(deps.github, org),
    listTwoFactorDisabled(deps.github, org, 'members'),
    listTwoFactorDisabled(deps.github, org, 'outside_collaborators'),
  ]);
  const withoutTwoFactor = [
    ...(members.known ? members.logins.sort().map((login) => ({ login, kind: 'member' as const })) : []),
    ...(outside.known ? outside.logins.sort().map((login) => ({ login, kind: 'outside collaborator' as const })) : []),
  ];
  const twoFactorRequired = settings.twoFactorRequired ?? null;
  const blind = twoFactorRequired === null || !members.known || !outside.known;
  const missing =
    settings.scopes && !settings.scopes.includes('admin:org')
      ? ` (it has: ${settings.scopes.join(', ') || 'no scopes'})`
      : '';
  // What the token can see still counts: a visible failure is a failure even if the rest is hidden.
  const failing = twoFactorRequired === false || withoutTwoFactor.length > 0;
  return {
    verdict: failing ? 'failed' : blind ? 'unknown' : 'passed',
    org,
    twoFactorRequired,
    withoutTwoFactor,
    checkedAt,
    ...(blind
      ? { scopeProblem: `${SCOPE_PROBLEM}${missing}: GitHub shows 2FA settings only to an org owner's token` }
      : {}),
  };
}
