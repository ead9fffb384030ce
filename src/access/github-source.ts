// The github_member section: every org member with role, outside collaborators, 2FA status, the org's 2FA rule.
import type { Deps } from '../deps.js';
import { getOrgSettings, listOrgMembers, listOutsideCollaborators, listTwoFactorDisabled } from '../github/org.js';
import { githubProblem } from '../github/problem.js';
import type { GithubMember, GithubSection } from './snapshot.js';
import { SKIPPED_NO_CREDENTIALS } from './snapshot.js';

export const TWO_FACTOR_UNKNOWN = '2FA status unknown: the token is not an org owner';

export async function readGithubSource(deps: Pick<Deps, 'config' | 'github' | 'log'>): Promise<GithubSection> {
  const org = deps.config.github.org;
  if (!deps.github || !org)
    return { status: 'skipped', note: SKIPPED_NO_CREDENTIALS, entries: [], twoFactorRequired: null };
  const octokit = deps.github;
  try {
    // Everything at once: the snapshot lasts as long as the longest list, not the sum of them.
    const [settings, members, outside, membersOff, outsideOff] = await Promise.all([
      getOrgSettings(octokit, org),
      listOrgMembers(octokit, org),
      listOutsideCollaborators(octokit, org),
      listTwoFactorDisabled(octokit, org, 'members'),
      listTwoFactorDisabled(octokit, org, 'outside_collaborators'),
    ]);
    const disabled = new Set([
      ...(membersOff.known ? membersOff.logins : []),
      ...(outsideOff.known ? outsideOff.logins : []),
    ]);
    const status = (login: string, known: boolean): GithubMember['twoFactor'] =>
      !known ? 'unknown' : disabled.has(login) ? 'disabled' : 'enabled';
    const entries: GithubMember[] = [
      ...members.map((m) => ({ login: m.login, role: m.role, twoFactor: status(m.login, membersOff.known) })),
      ...outside.map((login) => ({
        login,
        role: 'outside_collaborator' as const,
        twoFactor: status(login, outsideOff.known),
      })),
    ].sort((a, b) => a.login.localeCompare(b.login));
    return {
      status: 'ok',
      org,
      entries,
      twoFactorRequired: settings.twoFactorRequired ?? null,
      ...(membersOff.known && outsideOff.known ? {} : { note: TWO_FACTOR_UNKNOWN }),
    };
  } catch (error) {
    const e = error as { status?: number };
    const reason = `FAILED: ${githubProblem(error)}`;
    deps.log.warn({ org, status: e.status }, 'access snapshot: github unreadable');
    return { status: 'failed', note: reason, org, entries: [], twoFactorRequired: null };
  }
}
