// The Slack Web API, narrowed to what opsbot does with it: post, update, reply, upload, look up groups.
import type { WebAPICallError, WebClient, WebClientOptions } from '@slack/web-api';
import type { SlackMessage } from '../render/blocks/kit.js';
import type { GroupDirectory } from '../roles.js';
import { markedPost, type PostMark } from './marked-post.js';

export type { PostMark } from './marked-post.js';

export interface MessageRef {
  channel: string;
  ts: string;
}
export interface Upload {
  filename: string;
  content: string | Buffer;
  title?: string;
}
export interface Chat extends GroupDirectory {
  /** With a mark: at most one copy, even when Slack times out, answers 500 or 429 (see marked-post.ts). */
  post(channel: string, message: SlackMessage, threadTs?: string, mark?: PostMark): Promise<MessageRef>;
  update(ref: MessageRef, message: SlackMessage): Promise<void>;
  ephemeral(channel: string, user: string, message: SlackMessage): Promise<void>;
  /** Uploads files into a channel (a thread when threadTs is given), with an optional comment. */
  upload(channel: string, threadTs: string | undefined, files: Upload[], comment?: string): Promise<void>;
  permalink(ref: MessageRef): Promise<string | undefined>;
  /** The id (`S…`) of a user group, by handle (`ops`, `@ops`) or id; undefined when Slack has no such group. */
  groupId(group: string): Promise<string | undefined>;
  /** The Slack user with this email (users.lookupByEmail, scope users:read.email); undefined when none. */
  userByEmail(email: string): Promise<string | undefined>;
  /** A user's email (users.info, scope users:read.email); undefined when Slack does not say. */
  emailOf(user: string): Promise<string | undefined>;
  /** The id of the bot's DM channel with user (conversations.open, scope im:write). */
  openDm(user: string): Promise<string>;
  /** The user's IANA time zone (users.info, scope users:read); undefined when Slack does not say. */
  timeZone(user: string): Promise<string | undefined>;
  /** The WebClient itself, for listeners (views.open and the like); domain code uses the methods above. */
  readonly client: WebClient;
}

export function slackClientOptions(apiUrl: string | undefined, timeoutMs = 15_000): WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    // A few quick retries (Retry-After is honoured); what still fails is kept in the outbox and sent later.
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
    timeout: timeoutMs,
  };
}

/** Slack refused a post or an upload because opsbot is not in the channel and could not join it (a private one). */
export class NotInChannelError extends Error {
  constructor(readonly channel: string) {
    super(`opsbot is not in channel ${channel} and cannot join it; invite it there`);
    this.name = 'NotInChannelError';
  }
}

/** Slack's own error code (`channel_not_found`), or the HTTP failure, for messages and the outbox. */
export function slackErrorCode(error: unknown): string {
  const e = error as WebAPICallError & { data?: { error?: string }; statusCode?: number; retryAfter?: number };
  if (e?.code === 'slack_webapi_rate_limited_error') return `rate limited: retry after ${e.retryAfter ?? '?'} s`;
  return e?.data?.error ?? (e?.statusCode ? `HTTP ${e.statusCode}` : ((e as Error)?.message ?? String(error)));
}

/** marked: a client that never retries on its own, for marked posts (a blind retry of a lost answer doubles). */
export function webChat(client: WebClient, marked: WebClient = client): Chat {
  const groupIds = new Map<string, string>();
  const joined = new Set<string>();
  /**
   * Joins a public channel (scope channels:join): chat:write.public lets opsbot post there without joining, but not
   * share files. Private channels, DMs and older installs without the scope refuse; the caller then learns from the
   * upload itself whether opsbot is in the channel (it was invited) or not.
   */
  async function join(channel: string): Promise<boolean> {
    if (joined.has(channel)) return true;
    if (!/^C[A-Z0-9_]+$/.test(channel)) return false;
    const result = await client.conversations.join({ channel }).catch(() => undefined);
    if (result?.ok) joined.add(channel);
    return Boolean(result?.ok);
  }
  /** fn, and once more after joining when Slack says opsbot is not in the channel; NotInChannelError if it can't join. */
  async function inChannel<T>(channel: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (slackErrorCode(error) !== 'not_in_channel') throw error;
      joined.delete(channel);
      if (!(await join(channel))) throw new NotInChannelError(channel);
      return fn().catch((again) => {
        throw slackErrorCode(again) === 'not_in_channel' ? new NotInChannelError(channel) : again;
      });
    }
  }
  async function groupId(group: string): Promise<string | undefined> {
    const handle = group.replace(/^@/, '');
    if (/^S[A-Z0-9]+$/.test(handle)) return handle;
    if (!groupIds.has(handle)) {
      const list = await client.usergroups.list({});
      for (const g of list.usergroups ?? []) if (g.handle && g.id) groupIds.set(g.handle, g.id);
    }
    return groupIds.get(handle);
  }
  return {
    client,
    async post(channel, message, threadTs, mark) {
      if (mark) return markedPost(marked, { channel, message, threadTs, mark });
      const result = await inChannel(channel, () =>
        client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          thread_ts: threadTs,
          unfurl_links: false,
        }),
      );
      return { channel: result.channel ?? channel, ts: result.ts ?? '' };
    },
    async update(ref, message) {
      await client.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks ?? [] });
    },
    async ephemeral(channel, user, message) {
      await client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks });
    },
    async upload(channel, threadTs, files, comment) {
      // Joined first: a failed files.completeUploadExternal leaves an unshared file behind.
      await join(channel);
      await inChannel(channel, () =>
        client.files.uploadV2({
          channel_id: channel,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(comment ? { initial_comment: comment } : {}),
          file_uploads: files.map((f) => ({
            file: Buffer.from(f.content),
            filename: f.filename,
            title: f.title ?? f.filename,
          })),
        } as Parameters<WebClient['files']['uploadV2']>[0]),
      );
    },
    async permalink(ref) {
      const result = await client.chat
        .getPermalink({ channel: ref.channel, message_ts: ref.ts })
        .catch(() => undefined);
      return result?.permalink;
    },
    groupId,
    async userByEmail(email) {
      const result = await client.users.lookupByEmail({ email }).catch((error) => {
        if (slackErrorCode(error) === 'users_not_found') return undefined;
        throw error;
      });
      return result?.user?.id;
    },
    async emailOf(user) {
      return (await client.users.info({ user })).user?.profile?.email;
    },
    async openDm(user) {
      const result = await client.conversations.open({ users: user });
      if (!result.channel?.id) throw new Error('conversations.open returned no channel');
      return result.channel.id;
    },
    async timeZone(user) {
      const result = await client.users.info({ user }).catch(() => undefined);
      return result?.user?.tz || undefined;
    },
    async members(group) {
      const id = await groupId(group);
      if (!id) return [];
      return (await client.usergroups.users.list({ usergroup: id })).users ?? [];
    },
  };
}
