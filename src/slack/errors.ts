// Bolt's global error handler: the user gets a short note with a reference, the log gets the detail.
import type { App } from '@slack/bolt';

type ExtendedErrorHandlerArgs = Parameters<Parameters<App['error']>[0]>[0] & { body: unknown };

import type { Deps } from '../deps.js';
import { randomId } from '../ids.js';

export function createErrorHandler(deps: Deps) {
  return async ({ error, body }: ExtendedErrorHandlerArgs): Promise<void> => {
    const ref = randomId('e', 6);
    deps.log.error({ err: error.original ?? error, ref, type: (body as { type?: string })?.type }, 'listener failed');
    const text = `Something went wrong in opsbot (ref ${ref}); the details are in its log.`;
    const payload = body as {
      response_url?: string;
      response_urls?: { response_url: string }[];
      user_id?: string;
      channel_id?: string;
      user?: { id?: string };
      channel?: { id?: string };
    };
    const responseUrl = payload.response_url ?? payload.response_urls?.[0]?.response_url;
    try {
      if (responseUrl) {
        await deps.fetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        });
        return;
      }
      const user = payload.user_id ?? payload.user?.id;
      const channel = payload.channel_id ?? payload.channel?.id;
      if (user && channel) await deps.chat.ephemeral(channel, user, { text });
    } catch (notify) {
      deps.log.warn({ err: notify, ref }, 'could not tell the user about the error');
    }
  };
}
