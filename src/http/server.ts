// The inbound HTTP server with explicit limits rather than Node's defaults (a request may trickle in for 300 s):
// a request that has not fully arrived within HTTP_REQUEST_TIMEOUT_MS is cut off (408), headers get at most 10 s,
// idle keep-alive connections 5 s, and a body declared over 1 MiB is refused (413) before a byte of it is read.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HttpConfig } from '../config-model.js';

/** Slack's payloads, the approvals API and GitHub's webhooks all fit well within this. */
export const MAX_BODY_BYTES = 1024 * 1024;
const HEADERS_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export function createHttpServer(
  http: HttpConfig,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  // Node checks for expired requests every connectionsCheckingInterval; the check is part of the budget, so a request
  // is cut at most requestTimeoutMs after it started.
  const checkEveryMs = Math.min(1_000, Math.floor(http.requestTimeoutMs / 4));
  const requestTimeout = http.requestTimeoutMs - checkEveryMs;
  return createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout),
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: checkEveryMs,
    },
    (req, res) => {
      if (Number(req.headers['content-length']) > MAX_BODY_BYTES)
        return answerUnread(res, 413, { error: `the body is over ${MAX_BODY_BYTES / 1024 / 1024} MiB` });
      handler(req, res);
    },
  );
}

/**
 * Answers a request whose body opsbot will not read, and closes the connection once the answer is out, so the rest
 * of the body is never waited for.
 */
export function answerUnread(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
    .end(JSON.stringify(body));
}
