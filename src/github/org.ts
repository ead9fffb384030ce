// GitHub organisation reads: members by role, outside collaborators, who has 2FA disabled, the org's 2FA requirement.
import type { Octokit } from '@octokit/rest';
import { listAllPages } from './pages.js';

interface Login {
  login: string;
}
export interface OrgSettings {
  login: string;
  /** Undefined when GitHub hides it: only an org owner's token (admin:org) may read it. */
  twoFactorRequired: boolean | undefined;
  /** The classic token's scopes (X-OAuth-Scopes); undefined for tokens that do not report them. */
  scopes: string[] | undefined;
}
/** Logins with 2FA disabled, or why GitHub would not say. */
export type TwoFactorList = { known: true; logins: string[] } | { known: false; status: number; reason: string };

/** GitHub's answer to a token that may not use filter=2fa_disabled: 422 "Only owners can use this filter", or 403. */
const isNotOwner = (error: unknown) => {
  const e = error as { status?: number; message?: string };
  return (e.status === 403 || e.status === 422) && !/rate limit/i.test(e.message ?? '');
};

export async function getOrgSettings(octokit: Octokit, org: string): Promise<OrgSettings> {
  const { data, headers } = await octokit.request('GET /orgs/{org}', { org });
  const scopes = headers['x-oauth-scopes'];
  return {
    login: data.login,
    twoFactorRequired:
      typeof data.two_factor_requirement_enabled === 'boolean' ? data.two_factor_requirement_enabled : undefined,
    scopes:
      typeof scopes === 'string'
        ? scopes
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined,
  };
}

/** Every member with their org role; admins and members are listed concurrently, each with parallel pages. */
export async function listOrgMembers(
  octokit: Octokit,
  org: string,
): Promise<{ login: string; role: 'admin' | 'member' }[]> {
  const [admins, members] = await Promise.all([
    listAllPages<Login>(octokit, 'GET /orgs/{org}/members', { org, role: 'admin' }),
    listAllPages<Login>(octokit, 'GET /orgs/{org}/members', { org, role: 'member' }),
  ]);
  const roles = new Map<string, 'admin' | 'member'>();
  for (const m of members) roles.set(m.login, 'member');
  // A member promoted while the pages were read can appear in both lists: admin wins.
  for (const a of admins) roles.set(a.login, 'admin');
  return [...roles].map(([login, role]) => ({ login, role }));
}

export async function listOutsideCollaborators(octokit: Octokit, org: string): Promise<string[]> {
  const list = await listAllPages<Login>(octokit, 'GET /orgs/{org}/outside_collaborators', { org });
  return [...new Set(list.map((c) => c.login))];
}

/** Members (or outside collaborators) with 2FA disabled; GitHub lets only an org owner's token ask. */
export async function listTwoFactorDisabled(
  octokit: Octokit,
  org: string,
  who: 'members' | 'outside_collaborators',
): Promise<TwoFactorList> {
  try {
    const list = await listAllPages<Login>(octokit, `GET /orgs/{org}/${who}`, { org, filter: '2fa_disabled' });
    return { known: true, logins: [...new Set(list.map((m) => m.login))] };
  } catch (error) {
    if (!isNotOwner(error)) throw error;
    return { known: false, status: (error as { status: number }).status, reason: 'the token is not an org owner' };
  }
}
