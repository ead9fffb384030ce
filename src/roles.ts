// Who may do what: OPSBOT_ADMINS, OPSBOT_OPERATORS, OPSBOT_REVIEWERS hold Slack user ids or user-group handles.
import type { Config } from './config.js';

export type Role = 'admin' | 'operator' | 'reviewer';
export interface GroupDirectory {
  /** Member user ids of a user group, by handle (`oncall`, `@oncall`) or id (`S0123`). */
  members(group: string): Promise<string[]>;
}
export interface Roles {
  has(user: string, role: Role): Promise<boolean>;
  rolesOf(user: string): Promise<Role[]>;
  /**
   * The roles known without waiting: user ids, and group members already cached (a lookup starts in the background
   * for the rest). For help text before ack(), where Slack's 3 s leave no time for the directory.
   */
  rolesKnownNow(user: string): Role[];
  /** Whether user is listed in entries (user ids or user-group handles, as in the role variables). */
  listed(user: string, entries: readonly string[]): Promise<boolean>;
  /** Looks up every configured user group now (at start), so rolesKnownNow knows their members. */
  refresh(): Promise<void>;
}

const isUserId = (entry: string) => /^[UW][A-Z0-9]+$/.test(entry);
const CACHE_MS = 5 * 60_000;

export function createRoles(config: Config['roles'], groups: GroupDirectory, now: () => number = Date.now): Roles {
  const cache = new Map<string, { members: string[]; at: number }>();
  async function membersOf(group: string): Promise<string[]> {
    const hit = cache.get(group);
    if (hit && now() - hit.at < CACHE_MS) return hit.members;
    // A directory failure denies rather than grants; the next call tries again.
    const members = await groups.members(group).catch(() => [] as string[]);
    cache.set(group, { members, at: now() });
    return members;
  }
  async function listed(user: string, entries: readonly string[]): Promise<boolean> {
    if (entries.includes(user)) return true;
    for (const group of entries.filter((entry) => !isUserId(entry))) {
      if ((await membersOf(group)).includes(user)) return true;
    }
    return false;
  }
  function listedNow(user: string, entries: string[]): boolean {
    if (entries.includes(user)) return true;
    return entries
      .filter((entry) => !isUserId(entry))
      .some((group) => {
        const hit = cache.get(group);
        if (!hit || now() - hit.at >= CACHE_MS) void membersOf(group);
        return hit?.members.includes(user) ?? false;
      });
  }
  const roles: Roles = {
    // Admins hold every role.
    async has(user, role) {
      if (await listed(user, config.admins)) return true;
      if (role === 'operator') return listed(user, config.operators);
      if (role === 'reviewer') return listed(user, config.reviewers);
      return false;
    },
    async rolesOf(user) {
      const all: Role[] = ['admin', 'operator', 'reviewer'];
      const held = await Promise.all(all.map((role) => roles.has(user, role)));
      return all.filter((_, i) => held[i]);
    },
    listed,
    async refresh() {
      const groups = [...config.admins, ...config.operators, ...config.reviewers].filter((entry) => !isUserId(entry));
      await Promise.all([...new Set(groups)].map((group) => membersOf(group)));
    },
    rolesKnownNow(user) {
      if (listedNow(user, config.admins)) return ['admin', 'operator', 'reviewer'];
      return [
        ...(listedNow(user, config.operators) ? (['operator'] as const) : []),
        ...(listedNow(user, config.reviewers) ? (['reviewer'] as const) : []),
      ];
    },
  };
  return roles;
}
