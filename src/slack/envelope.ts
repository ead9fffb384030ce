// Parses and checks what Slack sends before any listener sees it: a malformed body is a 400, never a crash or a 500.
import { z } from 'zod';

// Slack's ids (users, channels, actions, events) are letters, digits and a little punctuation; anything else is hostile.
const id = z.string().regex(/^[\w.:-]{1,255}$/, 'is not an id');
const SlashCommand = z.looseObject({
  command: z.string().regex(/^\/[\w-]{1,31}$/),
  text: z.string().max(4000).default(''),
  user_id: id,
  channel_id: id,
  response_url: z.string().optional(),
  trigger_id: z.string().optional(),
});
const BlockActions = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id }),
  actions: z.array(z.looseObject({ action_id: id, block_id: z.string().optional() })).min(1),
});
const ViewPayload = z.looseObject({
  type: z.enum(['view_submission', 'view_closed']),
  user: z.looseObject({ id }),
  view: z.looseObject({
    callback_id: z.string().max(255),
    id: z.string().optional(),
    private_metadata: z.string().optional(),
    state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), z.looseObject({}))) }).optional(),
  }),
});
const EventCallback = z.looseObject({
  type: z.literal('event_callback'),
  event_id: id,
  event: z.looseObject({ type: z.string() }),
});
const Other = z.looseObject({ type: z.enum(['shortcut', 'message_action', 'block_suggestion', 'app_rate_limited']) });

export type Envelope =
  | { kind: 'command'; body: z.infer<typeof SlashCommand> }
  | { kind: 'action'; body: z.infer<typeof BlockActions> }
  | { kind: 'view'; body: z.infer<typeof ViewPayload> }
  | { kind: 'event'; body: z.infer<typeof EventCallback> }
  | { kind: 'url_verification'; challenge: string }
  | { kind: 'ssl_check' }
  | { kind: 'ignored'; type: string };

export type Parsed = { ok: true; envelope: Envelope } | { ok: false; reason: string };

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** contentType and the raw body, as they arrived. */
export function parseEnvelope(contentType: string, raw: string): Parsed {
  let body: Record<string, unknown> | undefined;
  if (contentType.startsWith('application/json')) {
    body = parseJsonObject(raw);
    if (!body) return { ok: false, reason: 'the body is not a JSON object' };
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(raw);
    if (form.has('payload')) {
      body = parseJsonObject(form.get('payload') ?? '');
      if (!body) return { ok: false, reason: 'payload is not a JSON object' };
    } else {
      body = Object.fromEntries(form);
      if (body.ssl_check === '1') return { ok: true, envelope: { kind: 'ssl_check' } };
    }
  } else {
    return { ok: false, reason: `unsupported content type ${contentType.slice(0, 60) || '(none)'}` };
  }

  if (body.type === 'url_verification' && typeof body.challenge === 'string') {
    return { ok: true, envelope: { kind: 'url_verification', challenge: body.challenge } };
  }
  const attempts = [
    ['command', 'command' in body ? SlashCommand : undefined],
    ['action', body.type === 'block_actions' ? BlockActions : undefined],
    ['view', body.type === 'view_submission' || body.type === 'view_closed' ? ViewPayload : undefined],
    ['event', body.type === 'event_callback' ? EventCallback : undefined],
  ] as const;
  for (const [kind, schema] of attempts) {
    if (!schema) continue;
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        reason: `${kind} payload: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'is invalid'}`,
      };
    }
    return { ok: true, envelope: { kind, body: parsed.data } as Envelope };
  }
  if (Other.safeParse(body).success) return { ok: true, envelope: { kind: 'ignored', type: String(body.type) } };
  return {
    ok: false,
    reason: `unsupported payload type ${JSON.stringify(String(body.type ?? '(none)')).slice(0, 60)}`,
  };
}
