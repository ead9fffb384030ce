// The Deps and Job types: main.ts builds the one Deps value and hands it to every command and job.
import type { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Coord } from './coord/coord.js';
import type { GithubApp } from './github/app.js';
import type { Metrics } from './http/metrics.js';
import type { Mailer } from './mail/mailer.js';
import type { OperationEvents } from './operate/events.js';
import type { Roles } from './roles.js';
import type { Chat } from './slack/chat.js';
import type { Audit } from './store/audit.js';
import type { Db } from './store/db.js';
import type { Runs } from './store/runs.js';
import type { Targets } from './targets/targets.js';

export interface Deps {
  config: Config;
  log: Logger;
  now: () => Date;
  fetch: typeof fetch;
  /** Undefined when GITHUB_TOKEN or GITHUB_ORG is not set. */
  github: Octokit | undefined;
  /** The GitHub App answering deployment protection rules; undefined without GITHUB_APP_ID. */
  githubApp: GithubApp | undefined;
  mail: Mailer;
  /** The bot's own state: query + transaction, over pg: DATABASE_URL, or the embedded PostgreSQL. */
  db: Db;
  /** Locks, rate limits, replay guard, cron election: Redis, or in-process for a single replica. */
  coord: Coord;
  /** Slack Web API, narrowed to what opsbot does with it. */
  chat: Chat;
  roles: Roles;
  runs: Runs;
  audit: Audit;
  metrics: Metrics;
  /** The databases opsbot works on: seed targets, backup sources, drill servers, the access-review source. */
  targets: Targets;
  /** Delivers queued notices now (the alert lifecycle's port to publish/; the janitor delivers what fails). */
  outbox: { deliver(refs: string[]): Promise<void> };
  /** Finished operations (the App Home refreshes on them); absent where nothing listens (CLI, some tests). */
  operations?: OperationEvents;
}

export interface Job {
  name: string;
  /** node-cron expression, five or six fields. */
  defaultSchedule: string;
  run(deps: Deps): Promise<void>;
}
