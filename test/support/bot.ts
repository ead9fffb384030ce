// Starts opsbot in-process on a free port, wired to a fake Slack and to fresh state (a new Postgres database and
// Redis prefix when TEST_DATABASE_URL / TEST_REDIS_URL are set; embedded and in-process otherwise), and sends it
// requests exactly as Slack does: signed, form-encoded.
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { Deps, Job } from '../../src/deps.js';
import { createLogger } from '../../src/log.js';
import { type Service, type ServiceOptions, startService } from '../../src/main.js';
import type { Db } from '../../src/store/db.js';
import type { AdapterWrappers } from '../../src/wiring.js';
import { createTestDatabase, redisPrefix, TEST_DATABASE_URL, TEST_REDIS_URL, type TestDatabase } from './infra.js';
import { SIGNING_SECRET, signatureHeaders } from './sign.js';
import { type FakeSlack, startFakeSlack } from './slack-fake.js';

export interface BotOptions {
  env?: Record<string, string | undefined>;
  /** Share a fake Slack, database or Redis prefix with another bot (two replicas). */
  slack?: FakeSlack;
  databaseUrl?: string;
  redisPrefix?: string;
  /** Jobs to schedule; none by default, so nothing fires unless a test asks for it. */
  jobs?: Job[];
  now?: () => Date;
  fetch?: typeof fetch;
  /** Adapter wrappers that inject faults (test/support/faults.ts). */
  wrap?: AdapterWrappers;
  register?: ServiceOptions['register'];
  commands?: string[];
}

export interface Answer {
  status: number;
  body: any;
  text: string;
  ms: number;
}

export interface Bot {
  url: string;
  slack: FakeSlack;
  deps: Deps;
  db: Db;
  databaseUrl: string | undefined;
  redisPrefix: string;
  /** Every log line, parsed: tests assert no secret ever reaches them. */
  logs: Record<string, unknown>[];
  logText(): string;
  slash(command: string, text?: string, who?: { user?: string; channel?: string; triggerId?: string }): Promise<Answer>;
  action(payload: ActionPayload): Promise<Answer>;
  submitView(payload: ViewPayload): Promise<Answer>;
  /** An Events API delivery (event_callback, JSON, signed) carrying event. */
  event(event: Record<string, unknown>): Promise<Answer>;
  /** A raw POST to /slack/events: signed unless headers say otherwise. */
  post(
    body: string,
    options?: { contentType?: string; headers?: Record<string, string>; signed?: boolean },
  ): Promise<Answer>;
  get(path: string): Promise<Answer>;
  /** graceMs: how long in-flight work may finish (the service's graceful stop); 0 by default. */
  stop(graceMs?: number): Promise<void>;
}

export interface ActionPayload {
  actionId: string;
  value?: string;
  user?: string;
  channel?: string;
  messageTs?: string;
  blockId?: string;
  triggerId?: string;
  message?: Record<string, unknown>;
  /** An overflow menu's (or select's) chosen option value instead of a button's value. */
  selectedOption?: string;
}
export interface ViewPayload {
  callbackId: string;
  /** block_id -> value: plain text inputs by default; pass an object for other elements. */
  values: Record<string, string | Record<string, unknown>>;
  user?: string;
  privateMetadata?: string;
}

export const TEST_BOT_TOKEN = 'xoxb-test-0000-secret-token';

export async function startBot(options: BotOptions = {}): Promise<Bot> {
  const slack = options.slack ?? (await startFakeSlack());
  let ownDatabase: TestDatabase | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl && TEST_DATABASE_URL) {
    ownDatabase = await createTestDatabase('bot', { migrated: true });
    databaseUrl = ownDatabase.url;
  }
  const prefix = options.redisPrefix ?? redisPrefix();
  const env: Record<string, string | undefined> = {
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    SLACK_ALERT_CHANNEL: 'C_ALERTS',
    SLACK_REVIEW_CHANNEL: 'C_REVIEW',
    DATABASE_URL: databaseUrl,
    DATA_DIR: databaseUrl ? undefined : 'memory://',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'debug',
    // Each bot anchors its audit chain in a folder of its own: anchors of another test's chain would read as gaps.
    BACKUP_DIR: mkdtempSync(join(tmpdir(), 'opsbot-backups-')),
    ...options.env,
  };
  const logs: Record<string, unknown>[] = [];
  // TEST_BOT_LOG_DIR keeps each bot's log in a file too, for a failure seen only in a loaded run.
  const logFile = process.env.TEST_BOT_LOG_DIR
    ? join(process.env.TEST_BOT_LOG_DIR, `${prefix.replace(/\W+/g, '_')}.log`)
    : undefined;
  const log = createLogger('debug', {
    write: (line: string) => {
      logs.push(JSON.parse(line));
      if (logFile) appendFileSync(logFile, line);
    },
  });
  const service: Service = await startService(loadConfig(env), {
    port: 0,
    host: '127.0.0.1',
    jobs: options.jobs ?? [],
    log,
    now: options.now,
    fetch: options.fetch,
    wrap: options.wrap,
    register: options.register,
    commands: options.commands,
  });
  const url = `http://127.0.0.1:${service.port}`;

  async function request(path: string, init: RequestInit = {}): Promise<Answer> {
    const started = performance.now();
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, body, text, ms: performance.now() - started };
  }
  const post: Bot['post'] = (
    body,
    { contentType = 'application/x-www-form-urlencoded', headers = {}, signed = true } = {},
  ) =>
    request('/slack/events', {
      method: 'POST',
      body,
      headers: { 'content-type': contentType, ...(signed ? signatureHeaders(body) : {}), ...headers },
    });
  const form = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  let stopped = false;

  return {
    url,
    slack,
    deps: service.deps,
    db: service.deps.db,
    databaseUrl,
    redisPrefix: prefix,
    logs,
    logText: () => logs.map((l) => JSON.stringify(l)).join('\n'),
    post,
    get: (path) => request(path),
    slash(command, text = '', who = {}) {
      const body = new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: 'T_TEST',
        team_domain: 'test',
        channel_id: who.channel ?? 'C_OPS',
        channel_name: 'ops',
        user_id: who.user ?? 'U_TEST',
        user_name: 'tester',
        command,
        text,
        api_app_id: 'A_OPSBOT',
        is_enterprise_install: 'false',
        response_url: slack.responseUrl(),
        trigger_id: who.triggerId ?? `trigger-${Date.now()}`,
      });
      return post(body.toString());
    },
    action(p) {
      const channel = p.channel ?? 'C_OPS';
      return post(
        form({
          type: 'block_actions',
          api_app_id: 'A_OPSBOT',
          token: 'legacy',
          trigger_id: p.triggerId ?? `trigger-${Date.now()}`,
          team: { id: 'T_TEST', domain: 'test' },
          enterprise: null,
          is_enterprise_install: false,
          user: { id: p.user ?? 'U_TEST', username: 'tester', name: 'tester', team_id: 'T_TEST' },
          channel: { id: channel, name: 'ops' },
          container: {
            type: 'message',
            message_ts: p.messageTs ?? '1.000001',
            channel_id: channel,
            is_ephemeral: false,
          },
          message: p.message ?? { type: 'message', ts: p.messageTs ?? '1.000001', text: '' },
          response_url: slack.responseUrl(),
          actions: [
            p.selectedOption === undefined
              ? {
                  type: 'button',
                  action_id: p.actionId,
                  block_id: p.blockId ?? 'actions',
                  value: p.value ?? '',
                  text: { type: 'plain_text', text: 'button' },
                  action_ts: `${Date.now() / 1000}`,
                }
              : {
                  type: 'overflow',
                  action_id: p.actionId,
                  block_id: p.blockId ?? 'actions',
                  selected_option: { text: { type: 'plain_text', text: 'option' }, value: p.selectedOption },
                  action_ts: `${Date.now() / 1000}`,
                },
          ],
        }),
      );
    },
    submitView(p) {
      const values = Object.fromEntries(
        Object.entries(p.values).map(([block, value]) => [
          block,
          {
            [block]: typeof value === 'string' ? { type: 'plain_text_input', value } : value,
          },
        ]),
      );
      return post(
        form({
          type: 'view_submission',
          api_app_id: 'A_OPSBOT',
          token: 'legacy',
          trigger_id: `trigger-${Date.now()}`,
          team: { id: 'T_TEST', domain: 'test' },
          is_enterprise_install: false,
          user: { id: p.user ?? 'U_TEST', username: 'tester', name: 'tester', team_id: 'T_TEST' },
          view: {
            id: 'V_TEST',
            type: 'modal',
            callback_id: p.callbackId,
            private_metadata: p.privateMetadata ?? '',
            state: { values },
            hash: 'h',
            team_id: 'T_TEST',
            app_id: 'A_OPSBOT',
          },
          response_urls: [],
        }),
      );
    },
    event(event) {
      const body = JSON.stringify({
        token: 'legacy',
        team_id: 'T_TEST',
        api_app_id: 'A_OPSBOT',
        type: 'event_callback',
        event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: 'T_TEST', user_id: 'U_OPSBOT', is_bot: true }],
        event: { event_ts: `${Date.now() / 1000}`, ...event },
      });
      return post(body, { contentType: 'application/json' });
    },
    async stop(graceMs = 0) {
      if (stopped) return;
      stopped = true;
      // The database goes even when the service's stop fails (a test that closed the pool itself): never leaked.
      try {
        await service.stop(graceMs);
      } finally {
        if (!options.slack) await slack.stop();
        await ownDatabase?.drop();
      }
    },
  };
}
