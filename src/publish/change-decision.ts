// A digest's decision, shown: the message loses its buttons and the thread gets a line saying who decided and why.
import type { ChangeDigest } from '../change-control/store.js';
import type { Deps } from '../deps.js';
import { digestDecisionLine, digestMessage } from '../render/blocks/change-control.js';
import { publishAfterCommit } from './after-commit.js';

export async function publishDigestDecision(deps: Pick<Deps, 'chat'>, digest: ChangeDigest): Promise<void> {
  if (!digest.slackChannel || !digest.slackTs) return;
  const ref = { channel: digest.slackChannel, ts: digest.slackTs };
  await deps.chat.update(ref, digestMessage(digest));
  await deps.chat.post(ref.channel, { text: digestDecisionLine(digest) ?? `Digest ${digest.decision}.` }, ref.ts);
}

/** publishDigestDecision after the decision is committed: a failure to show it is logged and returned as a note. */
export function showDigestDecision(
  deps: Pick<Deps, 'chat' | 'log'>,
  digest: ChangeDigest,
): Promise<string | undefined> {
  const where = `the decision is recorded on digest \`${digest.id}\` (\`opsbot change-control latest\`)`;
  const about = { what: 'The decision', channel: digest.slackChannel ?? '', where };
  return publishAfterCommit(deps, about, () => publishDigestDecision(deps, digest));
}
