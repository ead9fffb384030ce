// requireRole: the one check every listener and button makes before it acts; a denial is answered and audited.
import type { Deps } from '../deps.js';
import type { Role } from '../roles.js';
import type { Actor } from '../store/runs.js';

const ARTICLE: Record<Role, string> = { admin: 'an', operator: 'an', reviewer: 'a' };

/**
 * True when actor holds role (admins hold every role). Otherwise tells the actor what they lack, appends an
 * `auth.deny` audit event, and returns false. `what` names the action as the user knows it (`/seed`, `Approve`).
 */
export async function requireRole(
  deps: Pick<Deps, 'roles' | 'audit' | 'log'>,
  actor: Actor,
  role: Role,
  what: string,
  reply: (text: string) => Promise<unknown>,
): Promise<boolean> {
  if (await deps.roles.has(actor.user, role)) return true;
  deps.log.info({ user: actor.user, role, what }, 'denied: missing role');
  await deps.audit.append({ action: 'auth.deny', actor, params: { what, role }, outcome: 'denied' });
  await reply(
    `\`${what}\` needs ${ARTICLE[role]} ${role} role; ask an admin to add you to OPSBOT_${role.toUpperCase()}S.`,
  );
  return false;
}
