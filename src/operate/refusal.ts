// The refusals the pipeline itself gives, as sentences the person refused can act on.
import type { Role } from '../roles.js';

const ARTICLE: Record<Role, string> = { admin: 'an', operator: 'an', reviewer: 'a' };

export function roleRefusal(what: string, role: Role): string {
  return `\`${what}\` needs ${ARTICLE[role]} ${role} role; ask an admin to add you to OPSBOT_${role.toUpperCase()}S.`;
}
