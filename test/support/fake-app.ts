// A fake application server on 127.0.0.1: routes whose status, body, headers and delay a test sets (a list of
// answers plays them in order, the last one repeating), counting hits per path.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AppRoute {
  status?: number;
  /** Sent as JSON; `body` sends raw text instead. */
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering: a slow or cold-starting service. */
  delayMs?: number;
  /** Close the connection without answering. */
  reset?: boolean;
}

export interface FakeApp {
  url: string;
  /** Replaces a path's answer (or answers, played in order). */
  set(path: string, route: AppRoute | AppRoute[]): void;
  /** Requests seen on path (on every path when omitted). */
  hits(path?: string): number;
  /** The headers of every request, in arrival order. */
  requests: { path: string; headers: Record<string, string | string[] | undefined> }[];
  /** Resolves once path has seen count requests; rejects after timeoutMs. */
  waitForHits(path: string, count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const healthyRoutes = (): Record<string, AppRoute> => ({
  '/healthz': { json: { status: 'ok', database_status: 'healthy', uptime_seconds: 3600 } },
  '/readyz': { json: { status: 'ready', checks: { database: 'ok', migrations: 'ok', dependencies: 'ok' } } },
});

export async function startFakeApp(initial: Record<string, AppRoute | AppRoute[]> = healthyRoutes()): Promise<FakeApp> {
  const routes = new Map<string, AppRoute[]>(Object.entries(initial).map(([path, r]) => [path, [r].flat()]));
  const hits = new Map<string, number>();
  const requests: FakeApp['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const seen = (hits.get(path) ?? 0) + 1;
    hits.set(path, seen);
    requests.push({ path, headers: req.headers });
    for (const waiter of [...waiters]) waiter();
    const answers = routes.get(path);
    const route = answers ? answers[Math.min(seen, answers.length) - 1]! : { status: 404, body: 'not found' };
    const answer = () => {
      if (route.reset) return void req.socket.destroy();
      const body = route.body ?? (route.json === undefined ? '' : JSON.stringify(route.json));
      const type = route.json === undefined ? 'text/plain' : 'application/json';
      res.writeHead(route.status ?? 200, { 'content-type': type, ...route.headers }).end(body);
    };
    if (!route.delayMs) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) answer();
    }, route.delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    set: (path, route) => void routes.set(path, [route].flat()),
    hits: (path) => (path ? (hits.get(path) ?? 0) : [...hits.values()].reduce((a, b) => a + b, 0)),
    waitForHits(path, count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if ((hits.get(path) ?? 0) < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${count} hit(s) on ${path}; saw ${hits.get(path) ?? 0}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on which nothing listens: connection refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
