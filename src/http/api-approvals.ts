// The approvals HTTP API: POST /api/approvals opens a request, GET /api/approvals/:id answers it, and with ?wait=N
// holds the answer up to N seconds until the request is decided (long-poll); GET /api/approvals/:id/events (or with
// `Accept: text/event-stream`) streams it as server-sent events, which the CLI's --wait uses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { requestInput } from '../approvals/request.js';
import { getRequest } from '../approvals/store.js';
import type { Deps } from '../deps.js';
import { awaitDecision, openRequest } from '../publish/approvals.js';
import { decisionLine } from '../render/text/approvals.js';
import { streamDecision, wantsEvents } from './api-approvals-events.js';
import { authenticate, json, readText } from './api-auth.js';

const MAX_WAIT_SECONDS = 55;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function approvalApiRoutes(deps: Deps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://opsbot');
    const match = /^\/api\/approvals(?:\/([a-z0-9_]+)(?:\/(events))?)?$/.exec(url.pathname);
    if (!match) return false;
    const [, id, tail] = match;
    if (!((req.method === 'POST' && !id) || (req.method === 'GET' && id))) {
      json(res, 405, { error: 'use POST /api/approvals, GET /api/approvals/:id or GET /api/approvals/:id/events' });
      return true;
    }
    const tokenName = await authenticate(deps, req, res);
    if (!tokenName) return true;
    const actor = { user: `api:${tokenName}` };

    if (req.method === 'GET' && wantsEvents(req, tail)) {
      await streamDecision(deps, id!, url, res);
      return true;
    }
    if (req.method === 'GET') {
      const wait = Number(url.searchParams.get('wait') ?? 0);
      if (!Number.isFinite(wait) || wait < 0) {
        json(res, 400, { error: '`wait` is a number of seconds' });
        return true;
      }
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      const request = wait
        ? await awaitDecision(deps, id!, Math.min(wait, MAX_WAIT_SECONDS) * 1000, gone.signal)
        : await getRequest(deps.db, id!);
      if (!request) json(res, 404, { error: `there is no approval request ${id}` });
      else json(res, 200, { request, line: decisionLine(request) });
      return true;
    }

    const text = await readText(req);
    if (text === undefined) return json(res, 413, { error: 'the body is over 256 KiB', problems: ['body'] });
    const body = parseJson(text);
    const schema = requestInput(deps.config.environments.map((e) => e.name)).extend({
      emergency: z.boolean().optional(),
    });
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const problems = body === undefined ? ['the body is not JSON'] : parsed.error.issues.map((i) => i.message);
      json(res, 400, { error: problems.join(' '), problems });
      return true;
    }
    const { emergency, ...input } = parsed.data;
    if (emergency && !input.exemption) {
      json(res, 400, { error: 'An emergency deploy needs a reason (`exemption`).', problems: ['exemption'] });
      return true;
    }
    const outcome = await openRequest(deps, input, {
      actor,
      trigger: 'api',
      source: emergency ? 'emergency' : 'api',
      emergency,
    });
    if (outcome.outcome === 'refused') json(res, 422, { error: outcome.reason });
    else if (outcome.outcome !== 'done')
      json(res, 500, { error: 'the request could not be recorded; nothing changed' });
    else json(res, 201, { request: outcome.report, line: decisionLine(outcome.report) });
    return true;
  };
}
