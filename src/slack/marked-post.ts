// At most one copy of a marked message: a post whose answer was lost (timeout, 500) or refused (429) is looked up in
// the channel by its metadata before it is tried again, never repeated blindly.
import type { WebAPICallError, WebClient } from '@slack/web-api';
import type { SlackMessage } from '../render/blocks/kit.js';

/** Names a post so a copy Slack kept although its answer was lost can be found (message metadata), not repeated. */
export interface PostMark {
  eventType: string;
  key: string;
  /** An earlier attempt may have reached Slack: look for the copy before posting. */
  lookFirst?: boolean;
}
type MessageRef = { channel: string; ts: string };

const ATTEMPTS = 3;
const MAX_RETRY_AFTER_MS = 30_000;
const HISTORY_LIMIT = 100;

export interface MarkedPost {
  channel: string;
  message: SlackMessage;
  threadTs?: string;
  mark: PostMark;
}

type Failure = WebAPICallError & { statusCode?: number; retryAfter?: number };

/** Lost or refused before Slack acted on it, or maybe acted on it: worth a look and another try. */
function retryable(error: Failure): boolean {
  return (
    error.code === 'slack_webapi_request_error' ||
    error.code === 'slack_webapi_rate_limited_error' ||
    (error.code === 'slack_webapi_http_error' && (error.statusCode ?? 0) >= 500)
  );
}

/** The copy of the marked message Slack has, if any; throws when Slack cannot be asked (then nothing is posted). */
export async function findMarked(client: WebClient, post: MarkedPost): Promise<MessageRef | undefined> {
  const { channel, threadTs, mark } = post;
  const page = threadTs
    ? await client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: HISTORY_LIMIT })
    : await client.conversations.history({ channel, include_all_metadata: true, limit: HISTORY_LIMIT });
  const found = page.messages?.find(
    (m) =>
      m.metadata?.event_type === mark.eventType &&
      (m.metadata?.event_payload as { key?: unknown } | undefined)?.key === mark.key,
  );
  return found?.ts ? { channel, ts: found.ts } : undefined;
}

export async function markedPost(client: WebClient, post: MarkedPost): Promise<MessageRef> {
  const { channel, message, threadTs, mark } = post;
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1 || mark.lookFirst) {
      const found = await findMarked(client, post);
      if (found) return found;
    }
    try {
      const result = await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        thread_ts: threadTs,
        unfurl_links: false,
        metadata: { event_type: mark.eventType, event_payload: { key: mark.key } },
      });
      return { channel: result.channel ?? channel, ts: result.ts ?? '' };
    } catch (error) {
      const failure = error as Failure;
      if (!retryable(failure) || attempt >= ATTEMPTS) throw error;
      const waitMs =
        failure.code === 'slack_webapi_rate_limited_error'
          ? Math.min((failure.retryAfter ?? 1) * 1000, MAX_RETRY_AFTER_MS)
          : 250 * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
