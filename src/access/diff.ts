// What changed since the previous snapshot: users and members added and removed, role, tenant and 2FA changes, tenant
// flag changes. Each section is compared with the newest earlier snapshot that read it, so a week whose source failed
// hides nothing; a section not read now, or never before, is not compared: a lost token is not "everyone left".
import type { AccessSnapshot, SectionName } from './snapshot.js';

export const SECTION_NAMES = ['app_user', 'tenant_setting', 'github_member'] as const satisfies SectionName[];

/**
 * What a review compares with: takenAt is the previous snapshot's, and each section is the one of the newest earlier
 * snapshot in which it was `ok` (sectionTakenAt says which); a section never read is left as it was last.
 */
export interface Baseline extends AccessSnapshot {
  sectionTakenAt: Partial<Record<SectionName, string>>;
}

export interface Change {
  section: SectionName | 'github_org';
  kind: 'added' | 'removed' | 'changed';
  key: string;
  /** One line a reviewer reads, e.g. "`ana@acme.test`: role `viewer` → `admin`". */
  detail: string;
}
export interface AccessDiff {
  /** takenAt of the snapshot compared against; null on the first review. */
  previousAt: string | null;
  changes: Change[];
  notCompared: SectionName[];
  /** takenAt of the snapshot each compared section was compared with; absent in reviews stored before it existed. */
  comparedAt?: Partial<Record<SectionName, string>>;
}

const show = (value: unknown) => (value === null || value === undefined || value === '' ? '—' : `\`${value}\``);

function byKey<T>(entries: T[], key: (entry: T) => string): Map<string, T> {
  return new Map(entries.map((entry) => [key(entry), entry]));
}

/** Added, removed and changed entries of one section, with fields compared in the order given. */
function compare<T>(
  section: SectionName,
  before: T[],
  after: T[],
  key: (e: T) => string,
  label: (e: T) => string,
  describe: (e: T) => string,
  fields: [string, (e: T) => unknown][],
): Change[] {
  const old = byKey(before, key);
  const now = byKey(after, key);
  const changes: Change[] = [];
  for (const [k, entry] of now) {
    const was = old.get(k);
    if (!was) {
      changes.push({ section, kind: 'added', key: k, detail: `➕ ${label(entry)} added (${describe(entry)})` });
      continue;
    }
    for (const [name, read] of fields) {
      const [from, to] = [read(was), read(entry)];
      // undefined: this snapshot cannot tell (2FA status for a token that is not an org owner).
      if (from !== undefined && to !== undefined && from !== to) {
        changes.push({
          section,
          kind: 'changed',
          key: k,
          detail: `✏️ ${label(entry)}: ${name} ${show(from)} → ${show(to)}`,
        });
      }
    }
  }
  for (const [k, entry] of old) {
    if (!now.has(k))
      changes.push({ section, kind: 'removed', key: k, detail: `➖ ${label(entry)} removed (${describe(entry)})` });
  }
  return changes;
}

export function diffSnapshots(previous: Baseline | undefined, current: AccessSnapshot): AccessDiff {
  if (!previous) return { previousAt: null, changes: [], notCompared: [] };
  const comparable = (name: SectionName) => previous[name].status === 'ok' && current[name].status === 'ok';
  const notCompared = SECTION_NAMES.filter((name) => !comparable(name));
  const comparedAt = Object.fromEntries(
    SECTION_NAMES.filter(comparable).map((name) => [name, previous.sectionTakenAt[name] ?? previous.takenAt]),
  );
  const changes: Change[] = [];
  if (comparable('app_user')) {
    changes.push(
      ...compare(
        'app_user',
        previous.app_user.entries,
        current.app_user.entries,
        (u) => u.id,
        (u) => `user \`${u.email || u.id}\``,
        (u) => `role ${show(u.role)}, tenant ${show(u.tenantName ?? u.tenantId)}`,
        [
          ['role', (u) => u.role],
          ['tenant', (u) => u.tenantId],
        ],
      ),
    );
  }
  if (comparable('tenant_setting')) {
    changes.push(
      ...compare(
        'tenant_setting',
        previous.tenant_setting.entries,
        current.tenant_setting.entries,
        (t) => t.id,
        (t) => `tenant \`${t.name || t.id}\``,
        (t) => `autopost ${show(t.autopostEnabled)}, threshold ${show(t.threshold)}`,
        [
          ['autopost_enabled', (t) => t.autopostEnabled],
          ['threshold', (t) => t.threshold],
        ],
      ),
    );
  }
  if (comparable('github_member')) {
    // 2FA is compared only where both snapshots know it: a token losing owner rights is not a 2FA change.
    const twoFactor = (m: { twoFactor: string }) => (m.twoFactor === 'unknown' ? undefined : m.twoFactor);
    changes.push(
      ...compare(
        'github_member',
        previous.github_member.entries,
        current.github_member.entries,
        (m) => m.login,
        (m) => `GitHub \`${m.login}\``,
        (m) => `${m.role}, 2FA ${m.twoFactor}`,
        [
          ['role', (m) => m.role],
          ['2FA', twoFactor],
        ],
      ),
    );
    const [was, now] = [previous.github_member.twoFactorRequired, current.github_member.twoFactorRequired];
    if (was !== null && now !== null && was !== now) {
      changes.push({
        section: 'github_org',
        kind: 'changed',
        key: 'two_factor_requirement_enabled',
        detail: `✏️ GitHub org: 2FA required ${show(was)} → ${show(now)}`,
      });
    }
  }
  return { previousAt: previous.takenAt, changes, notCompared, comparedAt };
}
