// Posting after a committed change (a seed, a decision, a deletion, a stored digest): the change happened, so a
// failed post or upload afterwards is logged and becomes a note beside the success, never the answer itself.
import type { Deps } from '../deps.js';
import { undeliveredNote } from '../render/blocks/delivery.js';
import { NotInChannelError, slackErrorCode } from '../slack/chat.js';
import type { Actor } from '../store/runs.js';

/** Runs publish; undefined when it worked, else the note to show (and the failure logged with where it went). */
export async function publishAfterCommit(
  deps: Pick<Deps, 'log'>,
  about: { what: string; channel: string; where: string },
  publish: () => Promise<unknown>,
): Promise<string | undefined> {
  try {
    await publish();
    return undefined;
  } catch (error) {
    const reason = error instanceof NotInChannelError ? 'not-in-channel' : slackErrorCode(error);
    deps.log.warn(
      { err: error, channel: about.channel, what: about.what, reason },
      reason === 'not-in-channel'
        ? 'opsbot is not in the channel and cannot join it: invite @opsbot there'
        : 'posting after a committed change failed',
    );
    return undeliveredNote({ ...about, reason });
  }
}

/**
 * Tells the person who acted, in the channel they acted in (only they see it), or by direct message when opsbot can't
 * post there (a private channel it isn't in). The DM is the last resort: when that fails too, it is logged.
 */
export async function tellPerson(deps: Pick<Deps, 'chat' | 'log'>, actor: Actor, text: string): Promise<void> {
  if (actor.channel) {
    const sent = await deps.chat.ephemeral(actor.channel, actor.user, { text }).then(
      () => true,
      (err) => void deps.log.warn({ err, channel: actor.channel }, 'ephemeral answer not sent: trying a DM'),
    );
    if (sent) return;
  }
  await deps.chat
    .post(actor.user, { text })
    .catch((err) => deps.log.warn({ err, user: actor.user }, 'the answer could not be sent'));
}
