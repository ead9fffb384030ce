// Quorum: whether one more person's consent counts toward `required` distinct people. Generic (a deploy approval, a
// retention deletion "approved by a different person"): a subject, the eligible people, and the people excluded.

export interface Quorum {
  /** What is being consented to, for messages and audit (`approval a_12`, `retention r_3`). */
  subject: string;
  /** Distinct people needed. */
  required: number;
  /** Slack user ids or user-group handles, as in the role variables. */
  eligible: readonly string[];
  /** People whose consent never counts, whatever lists they are on (the requester). */
  excluded: readonly string[];
}

export type Ballot =
  | { counted: true; count: number; reached: boolean }
  | { counted: false; reason: 'excluded' | 'not-eligible' | 'repeat'; count: number };

/** Resolves a user-group handle: the roles module does it, with its cache, for the role variables too. */
export type IsListed = (user: string, entries: readonly string[]) => Promise<boolean>;

/**
 * Weighs one more consent against those already counted. Pure apart from the group lookup: the caller records the
 * ballot in the same transaction that read `counted`, so two clicks racing cannot both be the deciding one.
 */
export async function weighConsent(
  quorum: Quorum,
  counted: readonly string[],
  person: string,
  isListed: IsListed,
): Promise<Ballot> {
  const count = new Set(counted).size;
  if (quorum.excluded.includes(person)) return { counted: false, reason: 'excluded', count };
  if (counted.includes(person)) return { counted: false, reason: 'repeat', count };
  if (!(await isListed(person, quorum.eligible))) return { counted: false, reason: 'not-eligible', count };
  return { counted: true, count: count + 1, reached: count + 1 >= quorum.required };
}
