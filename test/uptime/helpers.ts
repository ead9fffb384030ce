// A bot with one environment (staging) behind a fake app, a fake GitHub holding acme/ops, an injected clock that the
// test moves in 5-minute rounds, and the uptime job run the way the schedule runs it.
import { uptimeJob } from '../../jobs/uptime.js';
import { runJob } from '../../src/scheduler.js';
import { type Bot, type BotOptions, startBot } from '../support/bot.js';
import { type FakeApp, healthyRoutes, startFakeApp } from '../support/fake-app.js';
import { type FakeGithub, OWNER_TOKEN, startFakeGithub } from '../support/fake-github.js';

export const failingRoutes = { status: 503, json: { status: 'not_ready', checks: { database: 'error' } } };

export interface UptimeSetup {
  app: FakeApp;
  github: FakeGithub;
  bot: Bot;
  clock: { now: Date; advance(minutes: number): void };
  /** Moves the clock 5 minutes (or `minutes`) and runs one uptime round. */
  round(minutes?: number): Promise<void>;
  healthy(): void;
  failing(): void;
  stop(): Promise<void>;
}

export async function startUptimeSetup(options: BotOptions = {}): Promise<UptimeSetup> {
  const app = await startFakeApp({ ...healthyRoutes(), '/metrics': { body: '# HELP up\nup 1\n' } });
  const github = await startFakeGithub();
  const clock = {
    now: new Date('2026-03-02T10:00:00Z'),
    advance(minutes: number) {
      clock.now = new Date(clock.now.getTime() + minutes * 60_000);
    },
  };
  const bot = await startBot({
    now: () => clock.now,
    ...options,
    env: {
      ENVIRONMENTS: 'staging',
      STAGING_BASE_URL: app.url,
      N_UPTIME_PATHS: '/metrics',
      GITHUB_TOKEN: OWNER_TOKEN,
      GITHUB_ORG: 'acme',
      GITHUB_API_URL: github.url,
      GITHUB_REPO: 'acme/ops',
      OPSBOT_OPERATORS: 'U_OPS',
      ...options.env,
    },
  });
  return {
    app,
    github,
    bot,
    clock,
    async round(minutes = 5) {
      clock.advance(minutes);
      await runJob(uptimeJob, bot.deps);
    },
    healthy: () => app.set('/readyz', healthyRoutes()['/readyz']!),
    failing: () => app.set('/readyz', failingRoutes),
    async stop() {
      await bot?.stop();
      await Promise.all([app?.stop(), github?.stop()]);
    },
  };
}
