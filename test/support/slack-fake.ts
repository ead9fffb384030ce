// A fake Slack Web API on 127.0.0.1: records every call, answers like Slack, and refuses blocks that break Slack's
// limits with invalid_blocks. Also serves response_url and the file upload URLs.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  args: Record<string, any>;
  at: number;
  /** Slack's answer, once given (absent while delayed, hanging, or on HTTP errors). */
  result?: Record<string, any>;
}
export interface UploadedFile {
  id: string;
  filename: string;
  content: string;
  /** The bytes as uploaded, for binary files (an archive) that content can't hold. */
  bytes: Buffer;
  channel?: string;
  threadTs?: string;
}
type Failure = { status?: number; body?: Record<string, unknown>; headers?: Record<string, string> };
/** How a method misbehaves until told otherwise (outage drills). */
export type Outage =
  | { mode: '500' }
  | { mode: '429'; retryAfterSeconds: number }
  /** Never answers and does nothing. */
  | { mode: 'hang' }
  /** Does what was asked (the message is posted) but never answers: the caller's timeout cannot tell. */
  | { mode: 'accept-no-answer' };
export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown;
  thread_ts?: string;
  metadata?: { event_type: string; event_payload?: Record<string, unknown> };
}

const JSON_FIELDS = ['blocks', 'attachments', 'view', 'files', 'metadata'];
const LIMITS = {
  message: 50,
  modal: 100,
  home: 100,
  section: 3000,
  header: 150,
  buttonLabel: 75,
  buttonValue: 2000,
  actionId: 255,
};

/** Why blocks break Slack's limits, or undefined when they fit. */
export function blockProblem(blocks: unknown, maxBlocks: number): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'blocks is not an array';
  if (blocks.length > maxBlocks) return `${blocks.length} blocks, more than ${maxBlocks}`;
  const texts = (node: any, where: string): string | undefined => {
    if (!node || typeof node !== 'object') return undefined;
    if (node.type === 'header' && (node.text?.text?.length ?? 0) > LIMITS.header)
      return `${where}: header text over ${LIMITS.header}`;
    if (node.type === 'section' && (node.text?.text?.length ?? 0) > LIMITS.section)
      return `${where}: section text over ${LIMITS.section}`;
    if (node.type === 'section' && node.text && !node.text.text) return `${where}: empty section text`;
    if (node.type === 'button') {
      if ((node.text?.text?.length ?? 0) > LIMITS.buttonLabel)
        return `${where}: button label over ${LIMITS.buttonLabel}`;
      if ((node.value?.length ?? 0) > LIMITS.buttonValue) return `${where}: button value over ${LIMITS.buttonValue}`;
    }
    if (typeof node.action_id === 'string' && node.action_id.length > LIMITS.actionId)
      return `${where}: action_id over ${LIMITS.actionId}`;
    for (const [key, child] of Object.entries(node)) {
      const found = Array.isArray(child)
        ? child.map((c, i) => texts(c, `${where}.${key}[${i}]`)).find(Boolean)
        : typeof child === 'object'
          ? texts(child, `${where}.${key}`)
          : undefined;
      if (found) return found;
    }
    return undefined;
  };
  return blocks.map((b, i) => texts(b, `blocks[${i}]`)).find(Boolean);
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly files: UploadedFile[] = [];
  /** Members of user groups: handle -> { id, users }. */
  groups: Record<string, { id: string; users: string[] }> = {};
  /** Users' emails (user id -> email), for users.info and users.lookupByEmail. */
  emails: Record<string, string> = {};
  /** users.info's `tz` per user id; UTC for anyone not listed. */
  timeZones: Record<string, string> = {};
  /** Every message posted, as conversations.history and conversations.replies see them. */
  readonly messages: PostedMessage[] = [];
  private readonly failures = new Map<string, Failure[]>();
  private readonly outages = new Map<string, Outage>();
  /** Answers of these methods are held back this many ms (a slow user-group directory). */
  private readonly delays = new Map<string, number>();
  /**
   * Channels whose membership the fake checks (opt-in, per test): uploads into them need the bot to be a member, and so
   * do posts into private ones (chat:write.public covers public channels). conversations.join works for public ones.
   */
  private readonly channels = new Map<string, { kind: 'public' | 'private'; member: boolean }>();
  private readonly pendingUploads = new Map<string, { filename: string; content?: string; bytes?: Buffer }>();
  private readonly waiters = new Set<() => void>();
  private server: Server | undefined;
  private tsCounter = 0;
  url = '';
  /**
   * Sign in with Slack: the app's credentials the fake accepts, and who signs in at /openid/connect/authorize (the
   * person at the browser; set by the test). Unset clientId: every authorize and token call is refused.
   */
  signIn: { clientId?: string; clientSecret?: string; user?: string; team?: string; aud?: string } = {};
  /** Codes handed out at authorize: code -> what they were issued for; each is good for one exchange. */
  private readonly codes = new Map<
    string,
    { clientId: string; redirectUri: string; nonce?: string; user: string; team: string }
  >();
  /** Set by the Socket Mode fake: what apps.connections.open answers. */
  socketUrl: string | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req).then(
        ({ status, body, headers }) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
        },
        (error) => res.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The next `times` calls of method fail with this answer (default: HTTP 500). */
  failNext(
    method: string,
    times = 1,
    failure: Failure = { status: 500, body: { ok: false, error: 'internal_error' } },
  ): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array.from({ length: times }, () => failure)]);
  }

  /** method misbehaves as outage says until it is called with undefined (Slack recovered). */
  outage(method: string, outage: Outage | undefined): void {
    if (outage) this.outages.set(method, outage);
    else this.outages.delete(method);
  }

  /** Every answer of method comes ms late (until called with 0). */
  delay(method: string, ms: number): void {
    if (ms > 0) this.delays.set(method, ms);
    else this.delays.delete(method);
  }

  /** Makes the fake check the bot's membership of channel: `not_in_channel` until it joins (or is invited). */
  channel(id: string, kind: 'public' | 'private', member = false): void {
    this.channels.set(id, { kind, member });
  }

  /** Messages in channel carrying metadata of eventType: how many copies of a marked post exist. */
  marked(channel: string, eventType: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.metadata?.event_type === eventType);
  }

  /** Every recorded call of method (all calls when method is omitted). */
  callsOf(method?: string): SlackCall[] {
    return method ? this.calls.filter((c) => c.method === method) : [...this.calls];
  }

  /** Waits until method has been called at least count times; rejects after timeoutMs naming what was seen. */
  waitFor(method: string, count = 1, timeoutMs = 5000, answered = false): Promise<SlackCall[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.callsOf(method).filter((c) => !answered || c.result);
        if (found.length < count) return false;
        this.waiters.delete(check as () => void);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check as () => void);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${count} × ${method}; saw ${this.calls.map((c) => c.method).join(', ') || 'no calls'}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.waiters.add(check as () => void);
    });
  }

  /** Like waitFor, for calls Slack has answered: their result says whether they worked. */
  waitForAnswers(method: string, count = 1, timeoutMs = 5000): Promise<SlackCall[]> {
    return this.waitFor(method, count, timeoutMs, true);
  }

  responseUrl(): string {
    return `${this.url.replace(/api\/$/, '')}response/${randomUUID()}`;
  }

  private record(method: string, args: Record<string, any>) {
    this.calls.push({ method, args, at: Date.now() });
    for (const waiter of [...this.waiters]) waiter();
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? '').split('?')[0]!;
    const contentType = String(req.headers['content-type'] ?? '');
    if (path.startsWith('/response/')) {
      this.record('response_url', { ...JSON.parse(raw.toString() || '{}'), url: path });
      return { status: 200, body: { ok: true } };
    }
    if (path === '/openid/connect/authorize') return this.authorize(new URL(req.url ?? '', 'http://fake'));
    if (path.startsWith('/upload/')) {
      const id = path.slice('/upload/'.length);
      const form = await new Response(raw, { headers: { 'content-type': contentType } })
        .formData()
        .catch(() => undefined);
      const part = form?.get('body') ?? form?.get('file');
      const bytes = part instanceof Blob ? Buffer.from(await part.arrayBuffer()) : raw;
      const pending = this.pendingUploads.get(id);
      if (pending) {
        pending.content = bytes.toString();
        pending.bytes = bytes;
      }
      return { status: 200, body: { ok: true } };
    }
    const method = path.replace(/^\/api\//, '');
    const args: Record<string, any> = contentType.includes('json')
      ? JSON.parse(raw.toString() || '{}')
      : Object.fromEntries(new URLSearchParams(raw.toString()));
    for (const field of JSON_FIELDS) {
      if (typeof args[field] === 'string' && /^[[{]/.test(args[field])) args[field] = JSON.parse(args[field]);
    }
    this.record(method, args);
    const delayMs = this.delays.get(method);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const outage = this.outages.get(method);
    if (outage?.mode === '500') return { status: 500, body: { ok: false, error: 'internal_error' } };
    if (outage?.mode === '429')
      return {
        status: 429,
        body: { ok: false, error: 'ratelimited' },
        headers: { 'retry-after': String(outage.retryAfterSeconds) },
      };
    if (outage?.mode === 'hang') return new Promise(() => {});
    if (outage?.mode === 'accept-no-answer') {
      this.answer(method, args);
      return new Promise(() => {});
    }
    const failure = this.failures.get(method)?.shift();
    if (failure)
      return {
        status: failure.status ?? 200,
        body: failure.body ?? { ok: false, error: 'internal_error' },
        headers: failure.headers,
      };
    const body = this.answer(method, args);
    const call = this.calls.findLast((c) => c.args === args);
    if (call) call.result = body;
    for (const waiter of [...this.waiters]) waiter();
    return { status: 200, body };
  }

  /** Slack's authorize page, with the consent already given: back to redirect_uri with a code and the state. */
  private authorize(url: URL): { status: number; body: unknown; headers?: Record<string, string> } {
    const q = Object.fromEntries(url.searchParams);
    this.record('openid/connect/authorize', q);
    const { clientId, user, team = 'T_TEST' } = this.signIn;
    if (!clientId || q.client_id !== clientId) return { status: 400, body: { ok: false, error: 'invalid_client_id' } };
    if (
      q.response_type !== 'code' ||
      !String(q.scope ?? '')
        .split(' ')
        .includes('openid')
    )
      return { status: 400, body: { ok: false, error: 'invalid_scope' } };
    if (!/^https?:\/\//.test(String(q.redirect_uri)))
      return { status: 400, body: { ok: false, error: 'bad_redirect_uri' } };
    const back = new URL(String(q.redirect_uri));
    if (!user) back.searchParams.set('error', 'access_denied');
    else {
      const code = `code-${randomUUID()}`;
      this.codes.set(code, { clientId, redirectUri: String(q.redirect_uri), nonce: q.nonce, user, team });
      back.searchParams.set('code', code);
    }
    if (q.state) back.searchParams.set('state', q.state);
    return { status: 302, body: {}, headers: { location: back.toString() } };
  }

  /** openid.connect.token: the code (once) for an id_token, an HS256 JWT signed with the client secret. */
  private connectToken(args: Record<string, any>): Record<string, unknown> {
    const { clientId, clientSecret, aud } = this.signIn;
    if (!clientId || args.client_id !== clientId) return { ok: false, error: 'invalid_client_id' };
    if (args.client_secret !== clientSecret) return { ok: false, error: 'bad_client_secret' };
    const issued = this.codes.get(String(args.code));
    this.codes.delete(String(args.code));
    if (!issued || issued.clientId !== args.client_id) return { ok: false, error: 'invalid_code' };
    if (args.redirect_uri !== issued.redirectUri) return { ok: false, error: 'bad_redirect_uri' };
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: 'https://slack.com',
      sub: issued.user,
      aud: aud ?? clientId,
      exp: now + 3600,
      iat: now,
      auth_time: now,
      ...(issued.nonce ? { nonce: issued.nonce } : {}),
      'https://slack.com/user_id': issued.user,
      'https://slack.com/team_id': issued.team,
      name: `Name of ${issued.user}`,
    };
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    const signature = createHmac('sha256', clientSecret ?? '')
      .update(unsigned)
      .digest('base64url');
    return {
      ok: true,
      access_token: `xoxp-openid-${randomUUID()}`,
      token_type: 'Bearer',
      id_token: `${unsigned}.${signature}`,
    };
  }

  private posted(args: Record<string, any>, ts: string): Record<string, unknown> {
    const { channel, text, blocks, thread_ts, metadata } = args;
    this.messages.push({ channel, ts, text, blocks, thread_ts, metadata });
    return { ok: true, channel, ts, message: { text } };
  }

  // Slack's shape: metadata comes back only when asked for (include_all_metadata).
  private asHistory(message: PostedMessage, args: Record<string, any>): Record<string, unknown> {
    const { metadata, channel: _channel, ...rest } = message;
    const wantMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    return { type: 'message', ...rest, ...(wantMetadata && metadata ? { metadata } : {}) };
  }

  /** Slack's `not_in_channel` where the fake checks membership (see channel()), else undefined. */
  private membership(channel: unknown, upload: boolean): Record<string, unknown> | undefined {
    const known = this.channels.get(String(channel));
    if (!known || known.member) return undefined;
    return upload || known.kind === 'private' ? { ok: false, error: 'not_in_channel' } : undefined;
  }

  private answer(method: string, args: Record<string, any>): Record<string, unknown> {
    const ts = () => `${Math.floor(Date.now() / 1000)}.${String(++this.tsCounter).padStart(6, '0')}`;
    const invalid = (problem: string | undefined) =>
      problem ? { ok: false, error: 'invalid_blocks', errors: [problem] } : undefined;
    switch (method) {
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'invalid_auth' };
      case 'openid.connect.token':
        return this.connectToken(args);
      case 'auth.test':
        return { ok: true, user_id: 'U_OPSBOT', bot_id: 'B_OPSBOT', team_id: 'T_TEST', user: 'opsbot', team: 'Test' };
      case 'chat.postMessage':
        if (!args.channel) return { ok: false, error: 'channel_not_found' };
        if (!args.text && !args.blocks) return { ok: false, error: 'no_text' };
        return (
          this.membership(args.channel, false) ??
          invalid(blockProblem(args.blocks, LIMITS.message)) ??
          this.posted(args, ts())
        );
      case 'conversations.history':
        return {
          ok: true,
          messages: this.messages
            .filter((m) => m.channel === args.channel && !m.thread_ts)
            .map((m) => this.asHistory(m, args))
            .reverse()
            .slice(0, Number(args.limit ?? 100)),
        };
      case 'conversations.replies':
        return {
          ok: true,
          messages: this.messages
            .filter((m) => m.channel === args.channel && (m.ts === args.ts || m.thread_ts === args.ts))
            .map((m) => this.asHistory(m, args))
            .slice(0, Number(args.limit ?? 100)),
        };
      case 'chat.update':
        if (!args.ts) return { ok: false, error: 'message_not_found' };
        return invalid(blockProblem(args.blocks, LIMITS.message)) ?? { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return (
          this.membership(args.channel, false) ??
          invalid(blockProblem(args.blocks, LIMITS.message)) ?? { ok: true, message_ts: ts() }
        );
      case 'chat.getPermalink':
        return {
          ok: true,
          permalink: `https://slack.test/archives/${args.channel}/p${String(args.message_ts).replace('.', '')}`,
        };
      case 'conversations.join': {
        const known = this.channels.get(String(args.channel));
        if (known?.kind === 'private') return { ok: false, error: 'method_not_supported_for_channel_type' };
        if (known) known.member = true;
        return { ok: true, channel: { id: args.channel, is_channel: true, is_member: true } };
      }
      case 'views.open': {
        // Slack's trigger_id lives 3 s; the test bot's are `trigger-<ms since epoch>` (others never expire here).
        const issuedAt = /^trigger-(\d{13})$/.exec(String(args.trigger_id))?.[1];
        if (!args.trigger_id) return { ok: false, error: 'invalid_arguments' };
        if (issuedAt && Date.now() - Number(issuedAt) > 3000) return { ok: false, error: 'expired_trigger_id' };
        return (
          invalid(blockProblem(args.view?.blocks, LIMITS.modal)) ?? {
            ok: true,
            view: { id: `V${randomUUID().slice(0, 8)}`, ...args.view },
          }
        );
      }
      case 'views.update':
      case 'views.push':
        return (
          invalid(blockProblem(args.view?.blocks, LIMITS.modal)) ?? {
            ok: true,
            view: { id: `V${randomUUID().slice(0, 8)}`, ...args.view },
          }
        );
      case 'views.publish':
        if (!/^[UW][A-Z0-9_]+$/.test(String(args.user_id ?? ''))) return { ok: false, error: 'invalid_arguments' };
        if (args.view?.type !== 'home') return { ok: false, error: 'invalid_arguments' };
        return (
          invalid(blockProblem(args.view?.blocks, LIMITS.home)) ?? {
            ok: true,
            view: { id: `V${randomUUID().slice(0, 8)}`, ...args.view },
          }
        );
      case 'files.getUploadURLExternal': {
        const id = `F${randomUUID().slice(0, 8).toUpperCase()}`;
        this.pendingUploads.set(id, { filename: String(args.filename) });
        return { ok: true, file_id: id, upload_url: `${this.url.replace(/api\/$/, '')}upload/${id}` };
      }
      case 'files.completeUploadExternal': {
        const refused = this.membership(args.channel_id, true);
        if (refused) return refused;
        const files = (args.files ?? []) as { id: string; title?: string }[];
        for (const file of files) {
          const pending = this.pendingUploads.get(file.id);
          this.files.push({
            id: file.id,
            filename: pending?.filename ?? '',
            content: pending?.content ?? '',
            bytes: pending?.bytes ?? Buffer.alloc(0),
            channel: args.channel_id,
            threadTs: args.thread_ts,
          });
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      case 'usergroups.list':
        return { ok: true, usergroups: Object.entries(this.groups).map(([handle, g]) => ({ id: g.id, handle })) };
      case 'usergroups.users.list': {
        const group = Object.values(this.groups).find((g) => g.id === args.usergroup);
        return group ? { ok: true, users: group.users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'users.info': {
        const email = this.emails[String(args.user)];
        const profile = email ? { email } : {};
        const tz = this.timeZones[String(args.user)] ?? 'UTC';
        return { ok: true, user: { id: args.user, name: String(args.user).toLowerCase(), tz, profile } };
      }
      case 'users.lookupByEmail': {
        const wanted = String(args.email).toLowerCase();
        const found = Object.entries(this.emails).find(([, email]) => email.toLowerCase() === wanted);
        return found
          ? { ok: true, user: { id: found[0], profile: { email: found[1] } } }
          : { ok: false, error: 'users_not_found' };
      }
      case 'conversations.open':
        // The DM channel of one user: `D_<user>`, the same each time, as Slack's is.
        return args.users ? { ok: true, channel: { id: `D_${args.users}` } } : { ok: false, error: 'users_not_found' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

export async function startFakeSlack(): Promise<FakeSlack> {
  return new FakeSlack().start();
}

/** All the text a person would read in blocks (and the fallback text), for assertions; `<!date^…>` as its UTC fallback. */
export function textOf(blocks: unknown, fallback = ''): string {
  const parts: string[] = fallback ? [fallback] : [];
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (typeof node.text === 'string') parts.push(node.text);
    for (const child of Object.values(node)) if (typeof child === 'object') walk(child);
  };
  walk(blocks);
  return parts.join('\n').replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1');
}
