// Composition root: config -> wiring (Deps) -> Slack app, commands, jobs -> HTTP server. Also the graceful stop.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, SocketModeReceiver } from '@slack/bolt';
import { registerCommands } from '../commands/index.js';
import { jobs as allJobs } from '../jobs/index.js';
import { releaseClaims } from './alerts/outbox.js';
import type { Config } from './config.js';
import { uselessnessWarnings } from './config-warnings.js';
import type { Deps, Job } from './deps.js';
import { approvalApiRoutes } from './http/api-approvals.js';
import { githubEventRoutes } from './http/api-github.js';
import { healthRoutes } from './http/routes.js';
import { runPageRoutes } from './http/run-page.js';
import { createHttpServer } from './http/server.js';
import { statusPageRoute } from './http/status-page.js';
import { deliverOutbox } from './publish/alert-delivery.js';
import { anchorAuditChain } from './publish/audit-anchor.js';
import { refreshHomesOnChange } from './publish/home.js';
import { slashCommands } from './render/blocks/help.js';
import { startScheduler } from './scheduler.js';
import { boltLogger } from './slack/bolt-logger.js';
import { slackClientOptions } from './slack/chat.js';
import { auditCommandInvocations } from './slack/command-audit.js';
import { createErrorHandler } from './slack/errors.js';
import { botIdentity } from './slack/identity.js';
import { OpsbotReceiver } from './slack/receiver.js';
import { routedSurfaces } from './slack/router.js';
import { buildDeps, closeDeps, type DepsOptions } from './wiring.js';

export interface Service {
  deps: Deps;
  port: number;
  stop(graceMs?: number): Promise<void>;
}

export interface ServiceOptions extends DepsOptions {
  /** 0 picks a free port (tests). Defaults to PORT. */
  port?: number;
  host?: string;
  jobs?: Job[];
  /** Extra listeners, registered after opsbot's own (tests use it to reach the global error handler). */
  register?: (app: App, deps: Deps) => void;
  /** The slash commands those extra listeners handle. */
  commands?: string[];
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const startedAt = Date.now();
  const deps = await buildDeps(config, options);
  // Valid but useless (no environment to check, no admin, no alert channel): say so once, at start.
  for (const warning of uselessnessWarnings(config)) deps.log.warn(warning);
  let stopping = false;
  const health = healthRoutes({
    db: deps.db,
    coord: deps.coord,
    metrics: deps.metrics,
    startedAt,
    isStopping: () => stopping,
  });
  const status = statusPageRoute(deps);
  // The bot's workspace, from auth.test: `identity` is built below, before any request can arrive.
  const runPages = runPageRoutes(deps, async () => (await identity.identify()).teamId);
  const [api, github] = [approvalApiRoutes(deps), githubEventRoutes(deps)];
  const routes = async (req: IncomingMessage, res: ServerResponse) =>
    (await health(req, res)) ||
    (await status(req, res)) ||
    (await runPages(req, res)) ||
    (await api(req, res)) ||
    github(req, res);
  const socketMode = Boolean(config.slack.appToken);
  const socketReceiver = socketMode
    ? new SocketModeReceiver({
        appToken: config.slack.appToken ?? '',
        logger: boltLogger(deps.log),
        installerOptions: { clientOptions: slackClientOptions(config.slack.apiUrl, config.slack.timeoutMs) },
      })
    : undefined;
  const receiver = socketMode
    ? undefined
    : new OpsbotReceiver({
        signingSecret: config.slack.signingSecret ?? '',
        coord: deps.coord,
        log: deps.log,
        metrics: deps.metrics,
        routes,
        knownCommands: [...slashCommands, ...(options.commands ?? [])],
        http: config.http,
      });
  const identity = botIdentity(deps.chat.client, config.slack.botToken, deps.log);
  const app = new App({
    authorize: identity.authorize,
    receiver: receiver ?? socketReceiver,
    clientOptions: slackClientOptions(config.slack.apiUrl, config.slack.timeoutMs),
    logger: boltLogger(deps.log),
    extendedErrorHandler: true,
    // No listener reads context.conversation: Bolt's conversation store would only add work to every request.
    convoStore: false,
    // Nor takes Events API events, the only requests Bolt's ignoreSelf filters: it would be one more middleware (and
    // one more copy of the listener arguments) on every command, click and view.
    ignoreSelf: false,
  });
  app.error(createErrorHandler(deps));
  // Before the router: both are global middleware, run in the order added, and no command may run unrecorded.
  auditCommandInvocations(app, deps);
  const schedule = { nextRuns: (): { job: string; at: Date }[] => [] };
  registerCommands(routedSurfaces(app), deps, () => schedule.nextRuns());
  options.register?.(app, deps);

  // Socket Mode has no inbound HTTP for Slack, but /healthz, /readyz and /metrics still need a server.
  const server =
    receiver?.server ??
    createHttpServer(config.http, (req, res) => void routes(req, res).then((done) => done || res.writeHead(404).end()));
  const port = options.port ?? config.port;
  if (receiver) await receiver.start(port, options.host);
  else {
    // Health first: /healthz answers while the WebSocket to Slack is still being opened.
    await new Promise<void>((resolve) => server.listen(port, options.host ?? '0.0.0.0', resolve));
    await app.start();
  }
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  void deps.roles.refresh();
  void identity.identify();
  const scheduler = startScheduler(options.jobs ?? allJobs, deps);
  schedule.nextRuns = scheduler.nextRuns;
  const stopHomeRefresh = refreshHomesOnChange(deps, () => schedule.nextRuns());
  // What a stopped replica handed back (or a crashed one's lapsed claims) goes out now, not at the next janitor.
  void deliverOutbox(deps).catch((error) => deps.log.warn({ err: error }, 'outbox delivery at start failed'));
  const heartbeat = setInterval(
    () => void deps.runs.heartbeat().catch(() => {}),
    (config.runs.staleSeconds * 1000) / 3,
  );
  deps.log.info(
    { port: boundPort, mode: socketMode ? 'socket' : 'http', state: deps.db.kind, coord: deps.coord.kind },
    'opsbot started',
  );

  return {
    deps,
    port: boundPort,
    /** Graceful: stop taking work, let work in flight finish for up to graceMs, mark what is left interrupted. */
    async stop(graceMs = 0) {
      if (stopping) return;
      stopping = true;
      const [jobsLeft, requestsLeft] = await Promise.all([
        scheduler.stop(graceMs),
        receiver ? receiver.stop(graceMs) : app.stop().then(() => closeServer(server, graceMs)),
      ]);
      if (jobsLeft + requestsLeft > 0) deps.log.warn({ jobsLeft, requestsLeft }, 'stopping with work still in flight');
      clearInterval(heartbeat);
      stopHomeRefresh();
      // Claims of deliveries that did not finish go back now, so the restart (or another replica) sends them at once.
      const released = await releaseClaims(deps.db, deps.runs.owner).catch(() => 0);
      if (released > 0) deps.log.warn({ released }, 'handed back outbox claims of deliveries still in flight');
      // Runs still in flight are marked now rather than left for another replica's janitor.
      await deps.db
        .query(
          `update runs set status = 'interrupted', finished_at = now(), error = 'interrupted: opsbot was stopped'
        where owner = $1 and status = 'running'`,
          [deps.runs.owner],
        )
        .catch(() => {});
      // The last write: the chain's head, anchored outside the database, so no row of this run can vanish unseen.
      await anchorAuditChain(deps).then(
        (anchor) => anchor && deps.log.info({ seq: anchor.seq }, 'audit chain anchored at shutdown'),
        (error) => deps.log.warn({ err: error }, 'could not anchor the audit chain at shutdown'),
      );
      await closeDeps(deps);
      deps.log.info('opsbot stopped');
    },
  };
}

/** Socket Mode's health/API server: idle connections now, open ones (event streams) after the grace. */
function closeServer(server: ReturnType<typeof createHttpServer>, graceMs: number): Promise<number> {
  return new Promise<number>((resolve) => {
    server.close(() => resolve(0));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), graceMs).unref();
  });
}
