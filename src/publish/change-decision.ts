// A digest's decision, shown: the message loses its buttons and the thread gets a line saying who decided and why.
import type { ChangeDigest } from '../change-control/store.js';
import type { Deps } from '../deps.js';
import { digestDecisionLine, digestMessage } from '../render/blocks/change-control.js';

export async function publishDigestDecision(deps: Pick<Deps, 'chat'>, digest: ChangeDigest): Promise<void> {
  if (!digest.slackChannel || !digest.slackTs) return;
  const ref = { channel: digest.slackChannel, ts: digest.slackTs };
  await deps.chat.update(ref, digestMessage(digest));
  await deps.chat.post(ref.channel, { text: digestDecisionLine(digest) ?? `Digest ${digest.decision}.` }, ref.ts);
}
