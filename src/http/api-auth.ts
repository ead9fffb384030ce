// Bearer tokens of the HTTP API (OPSBOT_API_TOKENS): compared in constant time, every use audited, rate-limited per
// token. The token itself is never logged or audited, only its name.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../deps.js';

type AuthDeps = Pick<Deps, 'config' | 'audit' | 'coord' | 'log'>;
const digest = (text: string) => createHash('sha256').update(text).digest();

/** The token's name, or undefined once the request has been answered (401 or 429) and audited. */
export async function authenticate(
  deps: AuthDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<string | undefined> {
  const header = String(req.headers.authorization ?? '');
  const given = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  // Hashing first makes every comparison the same length, so timingSafeEqual applies and nothing leaks the length.
  const givenDigest = digest(given ?? '');
  let name: string | undefined;
  for (const token of deps.config.api.tokens) {
    if (timingSafeEqual(givenDigest, digest(token.token)) && given) name = token.name;
  }
  const where = { method: req.method, path: (req.url ?? '/').split('?')[0] };
  if (!name) {
    const reason = given ? 'unknown token' : 'no bearer token';
    await deps.audit.append({
      action: 'api.deny',
      actor: { user: 'api:unknown' },
      params: { ...where, reason },
      outcome: 'denied',
    });
    deps.log.warn({ ...where, reason }, 'api request refused');
    json(res, 401, { error: `${reason}: send Authorization: Bearer <token from OPSBOT_API_TOKENS>` });
    return undefined;
  }
  const retryIn = await deps.coord.rateLimit(`api:${name}`, deps.config.api.perMinute);
  await deps.audit.append({
    action: 'api.use',
    actor: { user: `api:${name}` },
    params: where,
    outcome: retryIn > 0 ? 'rate-limited' : 'allowed',
  });
  if (retryIn > 0) {
    res.setHeader('retry-after', String(retryIn));
    json(res, 429, {
      error: `at most ${deps.config.api.perMinute} requests a minute per token; retry in ${retryIn} s`,
    });
    return undefined;
  }
  return name;
}

/** Answers with JSON; true, so a route can `return json(…)` once it has answered. */
export function json(res: ServerResponse, status: number, body: unknown): true {
  if (!res.headersSent)
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  return true;
}

/** The body as text, or undefined when it is over maxBytes. */
export async function readText(req: IncomingMessage, maxBytes = 256 * 1024): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
