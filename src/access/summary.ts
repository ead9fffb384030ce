// Counts per section: what the review message, `latest`, and the evidence index show for a snapshot.
import type { Config } from '../config.js';
import { appAdminCount, githubAdminCount } from './anomalies.js';
import type { AccessSnapshot, Section } from './snapshot.js';

export interface SectionCounts {
  status: Section<unknown>['status'];
  note?: string;
  total: number;
}
export interface SnapshotCounts {
  app_user: SectionCounts & { admins: number };
  tenant_setting: SectionCounts & { autopostOn: number; belowThreshold: number };
  github_member: SectionCounts & {
    org?: string;
    admins: number;
    members: number;
    outsideCollaborators: number;
    /** null when the token may not ask GitHub. */
    twoFactorDisabled: number | null;
    twoFactorRequired: boolean | null;
  };
}

const base = (section: Section<unknown>): SectionCounts => ({
  status: section.status,
  total: section.entries.length,
  ...(section.note ? { note: section.note } : {}),
});

export function countSnapshot(
  snapshot: AccessSnapshot,
  minThreshold: Config['access']['minThreshold'],
): SnapshotCounts {
  const github = snapshot.github_member;
  const known = github.status === 'ok' && !github.entries.some((m) => m.twoFactor === 'unknown');
  return {
    app_user: { ...base(snapshot.app_user), admins: appAdminCount(snapshot) },
    tenant_setting: {
      ...base(snapshot.tenant_setting),
      autopostOn: snapshot.tenant_setting.entries.filter((t) => t.autopostEnabled).length,
      belowThreshold: snapshot.tenant_setting.entries.filter((t) => t.threshold === null || t.threshold < minThreshold)
        .length,
    },
    github_member: {
      ...base(github),
      ...(github.org ? { org: github.org } : {}),
      admins: githubAdminCount(snapshot),
      members: github.entries.filter((m) => m.role !== 'outside_collaborator').length,
      outsideCollaborators: github.entries.filter((m) => m.role === 'outside_collaborator').length,
      twoFactorDisabled: known ? github.entries.filter((m) => m.twoFactor === 'disabled').length : null,
      twoFactorRequired: github.twoFactorRequired,
    },
  };
}
