// The access snapshot's shape: who has access, from every source, each in its own section; a source without
// credentials is SKIPPED and one that fails says why, so the rest of the review still happens.

export type SectionName = 'app_user' | 'tenant_setting' | 'github_member';
export const SKIPPED_NO_CREDENTIALS = 'SKIPPED: no credentials';

export interface AppUser {
  id: string;
  email: string;
  role: string;
  tenantId: string | null;
  tenantName: string | null;
}
export interface TenantSetting {
  id: string;
  name: string;
  autopostEnabled: boolean;
  threshold: number | null;
}
export interface GithubMember {
  login: string;
  role: 'admin' | 'member' | 'outside_collaborator';
  twoFactor: 'enabled' | 'disabled' | 'unknown';
}
export interface Section<T> {
  status: 'ok' | 'skipped' | 'failed';
  /** `SKIPPED: no credentials`, the reason a source failed, or what it could not tell ("2FA status unknown: …"). */
  note?: string;
  entries: T[];
}
export interface GithubSection extends Section<GithubMember> {
  org?: string;
  /** null when GitHub does not tell this token. */
  twoFactorRequired: boolean | null;
}
export interface AccessSnapshot {
  takenAt: string;
  app_user: Section<AppUser>;
  tenant_setting: Section<TenantSetting>;
  github_member: GithubSection;
}

export const skipped = <T>(note = SKIPPED_NO_CREDENTIALS): Section<T> => ({ status: 'skipped', note, entries: [] });
