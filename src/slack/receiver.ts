// opsbot's HTTP receiver for Bolt: signature, replay guard and envelope checks before any listener runs, and an
// answer for every request (a listener's ack, 200 for what no listener handles, 400 for malformed, 401 for unsigned).
// A request without Slack's signature headers, or with a stale timestamp, is refused before its body is read.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type App, isValidSlackRequest, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';
import type { HttpConfig } from '../config-model.js';
import type { Coord } from '../coord/coord.js';
import { type Metrics, routeLabel } from '../http/metrics.js';
import { answerUnread, createHttpServer, MAX_BODY_BYTES } from '../http/server.js';
import { inFlight } from '../settle.js';
import { parseEnvelope } from './envelope.js';

const MAX_SKEW_SECONDS = 300;

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
export interface ReceiverOptions {
  signingSecret: string;
  coord: Coord;
  log: Logger;
  metrics: Metrics;
  /** Other routes on the same server (/healthz, /readyz, /metrics); true when one answered. */
  routes: Route;
  /** Slash commands opsbot handles: one of these left unanswered failed, and the error handler told the user. */
  knownCommands: readonly string[];
  /** The server's request timeout (HTTP_REQUEST_TIMEOUT_MS). */
  http: HttpConfig;
  now?: () => number;
}

export class OpsbotReceiver implements Receiver {
  private app: App | undefined;
  private readonly work = inFlight();
  readonly server: Server;

  constructor(private readonly options: ReceiverOptions) {
    this.server = createHttpServer(options.http, (req, res) => {
      this.handle(req, res).catch((error) => {
        options.log.error({ err: error }, 'request handling failed');
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
      });
    });
  }

  init(app: App): void {
    this.app = app;
  }

  start(port: number, host = '0.0.0.0'): Promise<Server> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve(this.server));
    });
  }

  /** Stops taking requests, then waits up to graceMs for listeners still working (they ack early, work after). */
  async stop(graceMs = 0): Promise<number> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const unfinished = await this.work.drain(graceMs);
    this.server.closeAllConnections();
    await closed;
    return unfinished;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    res.on('finish', () =>
      this.options.metrics.httpRequests.inc({
        route: path === '/slack/events' || req.method === 'GET' ? routeLabel(path ?? '') : 'other',
        status: String(res.statusCode),
      }),
    );
    if (path !== '/slack/events') {
      if (!(await this.options.routes(req, res))) send(res, 404, { error: 'not found' });
      return;
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
    const unsigned = this.refuseHeaders(req);
    if (unsigned) {
      this.options.log.warn({ reason: unsigned }, 'slack request refused');
      return answerUnread(res, 401, { error: unsigned });
    }
    const raw = await readBody(req);
    if (raw === 'cut') {
      // The server's request timeout closed the connection (408) while the body was still arriving.
      this.options.log.warn('slack request cut off: its body did not arrive within HTTP_REQUEST_TIMEOUT_MS');
      return;
    }
    if (raw === undefined) return send(res, 413, { error: 'body too large' });

    const refusal = await this.refuse(req, raw);
    if (refusal) {
      this.options.log.warn({ reason: refusal }, 'slack request refused');
      return send(res, 401, { error: refusal });
    }
    const parsed = parseEnvelope(String(req.headers['content-type'] ?? ''), raw);
    if (!parsed.ok) {
      this.options.log.warn({ reason: parsed.reason }, 'malformed slack request');
      return send(res, 400, { error: parsed.reason });
    }
    const envelope = parsed.envelope;
    if (envelope.kind === 'ssl_check' || envelope.kind === 'ignored') return send(res, 200);
    if (envelope.kind === 'url_verification') return send(res, 200, { challenge: envelope.challenge });
    // Slack redelivers an event it thinks was missed (X-Slack-Retry-Num); the event id makes it run once.
    if (envelope.kind === 'event' && !(await this.options.coord.firstSeen(`event:${envelope.body.event_id}`, 3600))) {
      return send(res, 200);
    }
    await this.dispatch(
      envelope.body as Record<string, unknown>,
      req,
      res,
      envelope.kind === 'command' ? envelope.body.command : undefined,
    );
  }

  /** What the headers alone refuse (unsigned, stale, future): answered before the body is read. */
  private refuseHeaders(req: IncomingMessage): string | undefined {
    const signature = req.headers['x-slack-signature'];
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    if (typeof signature !== 'string' || !Number.isInteger(timestamp)) return 'unsigned request';
    // Bolt refuses stale timestamps but accepts future ones; a request is good for five minutes either way.
    if (Math.abs(this.nowSeconds() - timestamp) > MAX_SKEW_SECONDS) return 'timestamp is more than 5 minutes from now';
    return undefined;
  }

  /** Why a request whose headers passed is refused (bad signature, replayed), or undefined. */
  private async refuse(req: IncomingMessage, raw: string): Promise<string | undefined> {
    const signature = String(req.headers['x-slack-signature']);
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    const valid = isValidSlackRequest({
      signingSecret: this.options.signingSecret,
      body: raw,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      nowMilliseconds: this.nowSeconds() * 1000,
    });
    if (!valid) return 'bad signature';
    const verdict = await this.options.coord.checkReplay(signature, timestamp, MAX_SKEW_SECONDS * 2);
    if (verdict === 'replayed') return 'replayed request';
    // The guard's memory starts later (its store restarted empty): whether this one was seen is unknown.
    if (verdict === 'before-guard') return 'signed before the replay guard started';
    return undefined;
  }

  private nowSeconds(): number {
    return Math.floor((this.options.now?.() ?? Date.now()) / 1000);
  }

  private async dispatch(body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse, command?: string) {
    const started = performance.now();
    const retryNum = Number(req.headers['x-slack-retry-num']);
    const retryReason = req.headers['x-slack-retry-reason'];
    const event: ReceiverEvent = {
      body,
      ...(Number.isInteger(retryNum) ? { retryNum } : {}),
      ...(typeof retryReason === 'string' ? { retryReason } : {}),
      ack: async (response?: unknown) => {
        if (res.headersSent) return;
        if (response === undefined || response === '') send(res, 200);
        else send(res, 200, typeof response === 'string' ? { text: response } : response);
      },
    };
    try {
      await this.work.track(this.app?.processEvent(event) ?? Promise.resolve());
    } catch (error) {
      this.options.log.error({ err: error }, 'listener failed');
    } finally {
      if (command) {
        // Only commands opsbot registers: a workspace's typo or a forged body must not add series.
        const label = this.options.knownCommands.includes(command) ? command : 'other';
        this.options.metrics.commandSeconds.observe({ command: label }, (performance.now() - started) / 1000);
      }
    }
    // Nothing acked: no listener took it (an unknown command, action or callback id), or a listener failed before
    // its ack (the error handler has told the user). Answer now, not after 3 s.
    if (!res.headersSent) {
      const unknown = command !== undefined && !this.options.knownCommands.includes(command);
      send(
        res,
        200,
        unknown ? { response_type: 'ephemeral', text: `opsbot does not know \`${command}\`.` } : undefined,
      );
    }
  }
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** The body; undefined when it is over MAX_BODY_BYTES; 'cut' when the connection closed before it all arrived. */
function readBody(req: IncomingMessage): Promise<string | undefined | 'cut'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Drain the rest without keeping it, so the client reads our 413 instead of a reset connection.
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve('cut'));
    req.on('close', () => resolve('cut'));
  });
}
