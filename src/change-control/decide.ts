// Reviewed or Flag: the one decision of a week's digest, taken once (compare-and-set) inside the caller's transaction,
// where the operation pipeline also writes its audit event. Nobody reviews a list holding their own change.
import type { Db } from '../store/db.js';
import type { Actor } from '../store/runs.js';
import { type ChangeDecision, type ChangeDigest, getDigest, recordDigestDecision } from './store.js';

export type DigestDecisionResult =
  | { ok: true; digest: ChangeDigest }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'already-decided' | 'reason-required'; digest: ChangeDigest }
  | { ok: false; reason: 'author'; digest: ChangeDigest; logins: string[] };

/** The GitHub logins (GITHUB_USER_MAP) of the Slack user that authored PRs listed in the digest. */
export function authoredLogins(digest: ChangeDigest, user: string, userMap: Record<string, string>): string[] {
  const mine = Object.entries(userMap)
    .filter(([, slackUser]) => slackUser === user)
    .map(([login]) => login.toLowerCase());
  return mine.filter((login) => digest.authors.includes(login));
}

/** Whether actor may decide at all (before a modal opens). */
export function digestRefusal(
  digest: ChangeDigest,
  actor: Actor,
  userMap: Record<string, string>,
): { reason: 'already-decided' } | { reason: 'author'; logins: string[] } | undefined {
  if (digest.decision) return { reason: 'already-decided' };
  const logins = authoredLogins(digest, actor.user, userMap);
  return logins.length ? { reason: 'author', logins } : undefined;
}

/** A reason is required to flag, and to mark reviewed a week with exemptions (they are accepted by it). */
export const needsNote = (digest: ChangeDigest, decision: ChangeDecision) =>
  decision === 'flagged' || digest.report.counts.exempted > 0;

export async function decideDigest(
  tx: Db,
  request: {
    digestId: string;
    decision: ChangeDecision;
    actor: Actor;
    note: string | null;
    at: Date;
    userMap: Record<string, string>;
  },
): Promise<DigestDecisionResult> {
  const { digestId, decision, actor, note } = request;
  const digest = await getDigest(tx, digestId);
  if (!digest) return { ok: false, reason: 'not-found' };
  const refusal = digestRefusal(digest, actor, request.userMap);
  if (refusal?.reason === 'already-decided') return { ok: false, reason: 'already-decided', digest };
  // Both buttons belong to someone independent of the week's changes, as the access review's do to a non-requester.
  if (refusal?.reason === 'author') return { ok: false, reason: 'author', digest, logins: refusal.logins };
  if (!note && needsNote(digest, decision)) return { ok: false, reason: 'reason-required', digest };
  const row = await recordDigestDecision(tx, digestId, { decision, by: actor.user, at: request.at, note });
  if (!row) return { ok: false, reason: 'already-decided', digest: (await getDigest(tx, digestId)) ?? digest };
  return { ok: true, digest: row };
}

export function digestDecisionOutcome(result: DigestDecisionResult, decision: ChangeDecision): string {
  if (result.ok) return decision;
  return result.reason === 'author' ? 'refused: authored a listed change' : `refused: ${result.reason}`;
}
