// Server-sent events for one approval request: `GET /api/approvals/:id/events` (or `GET /api/approvals/:id` with
// `Accept: text/event-stream`). The request's state is sent at once and again when it is decided (within the wait's
// 150 ms look), a comment line every `heartbeat` seconds keeps proxies from closing an idle stream, and the stream
// ends at the decision or the request's expiry (the waiter expires it itself).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApprovalRequest } from '../approvals/request.js';
import { getRequest } from '../approvals/store.js';
import type { Deps } from '../deps.js';
import { awaitDecision } from '../publish/approvals.js';
import { decisionLine } from '../render/text/approvals.js';
import { json } from './api-auth.js';

const DEFAULT_HEARTBEAT_SECONDS = 15;
/** A stream is held at most this long past the request's expiry, in case the expiry could not be recorded. */
const GRACE_MS = 5_000;

export const wantsEvents = (req: IncomingMessage, tail: string | undefined) =>
  tail === 'events' || (req.headers.accept ?? '').split(',').some((t) => t.trim().startsWith('text/event-stream'));

function send(res: ServerResponse, request: ApprovalRequest): void {
  const event = request.status === 'pending' ? 'state' : 'decision';
  res.write(`event: ${event}\ndata: ${JSON.stringify({ request, line: decisionLine(request) })}\n\n`);
}

export async function streamDecision(deps: Deps, id: string, url: URL, res: ServerResponse): Promise<void> {
  const heartbeat = Number(url.searchParams.get('heartbeat') ?? DEFAULT_HEARTBEAT_SECONDS);
  if (!Number.isFinite(heartbeat) || heartbeat < 1 || heartbeat > 60) {
    json(res, 400, { error: '`heartbeat` is a number of seconds from 1 to 60' });
    return;
  }
  const first = await getRequest(deps.db, id);
  if (!first) {
    json(res, 404, { error: `there is no approval request ${id}` });
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  res.write(`retry: 1000\n\n`);
  send(res, first);
  if (first.status !== 'pending') {
    res.end();
    return;
  }
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  const beat = setInterval(() => res.write(`: heartbeat ${new Date().toISOString()}\n\n`), heartbeat * 1000);
  try {
    const waitMs = Math.max(0, new Date(first.expiresAt).getTime() - deps.now().getTime()) + GRACE_MS;
    const last = await awaitDecision(deps, id, waitMs, gone.signal);
    if (!gone.signal.aborted && last) send(res, last);
  } catch (error) {
    deps.log.warn({ requestId: id, err: String(error) }, 'the approval event stream failed');
    if (!gone.signal.aborted) res.write('event: error\ndata: {"error":"the bot could not read the request"}\n\n');
  } finally {
    clearInterval(beat);
    res.end();
  }
}
