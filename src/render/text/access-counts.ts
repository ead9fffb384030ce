// A snapshot's counts as one mrkdwn line per section: the review message, `latest` and the review issue show them.
import type { SectionCounts, SnapshotCounts } from '../../access/summary.js';
import { mrkdwnInline } from '../escape.js';

const n = (count: number) => count.toLocaleString('en-US');

/**
 * "app_user: 124 (3 admins)"-style lines, one per section; skipped and failed sections say so. A section's note can
 * quote a source's error text, so it goes through escapeText (mrkdwn here; the GitHub issue passes its own).
 */
export function countLines(counts: SnapshotCounts, escapeText: (text: string) => string = mrkdwnInline): string[] {
  const line = (name: string, c: SectionCounts, detail: string) =>
    c.status === 'ok'
      ? `*${name}*: ${n(c.total)} ${detail}${c.note ? ` — ${escapeText(c.note)}` : ''}`
      : `*${name}*: ${escapeText(c.note ?? '')}`;
  const g = counts.github_member;
  const twoFactor = g.twoFactorDisabled === null ? '2FA status unknown' : `${n(g.twoFactorDisabled)} without 2FA`;
  const required =
    g.twoFactorRequired === null
      ? 'org 2FA requirement unknown'
      : g.twoFactorRequired
        ? 'org requires 2FA'
        : 'org does NOT require 2FA';
  return [
    line('app_user', counts.app_user, `users (${n(counts.app_user.admins)} admins)`),
    line(
      'tenant_setting',
      counts.tenant_setting,
      `tenants (${n(counts.tenant_setting.autopostOn)} with autopost on, ${n(counts.tenant_setting.belowThreshold)} below the minimum threshold)`,
    ),
    line(
      'github_member',
      g,
      `in ${g.org ? `\`${escapeText(g.org).replace(/`/g, 'ˋ')}\`` : 'the org'}: ${n(g.members)} members (${n(g.admins)} admins), ${n(g.outsideCollaborators)} outside collaborators; ${twoFactor}; ${required}`,
    ),
  ];
}
