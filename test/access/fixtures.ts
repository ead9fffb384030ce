// What the access-review tests share: an application database in the pilot schema, a fake GitHub org, and a bot
// wired to both, with helpers that find the review message and its files in the fake Slack.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main.js';
import { type Bot, type BotOptions, startBot } from '../support/bot.js';
import { type FakeGithub, type FakeGithubOptions, OWNER_TOKEN, startFakeGithub } from '../support/fake-github.js';
import { createTestDatabase, type TestDatabase } from '../support/infra.js';
import type { SlackCall, UploadedFile } from '../support/slack-fake.js';

export const REVIEWERS = {
  reviewer: 'U_REVIEWER',
  other: 'U_OTHER',
  requester: 'U_REQUESTER',
  nobody: 'U_NOBODY',
} as const;

/** The pilot schema's users and tenants, as src/seed creates them, with three tenants and three users. */
export async function createAppDatabase(options: { clean?: boolean } = {}): Promise<TestDatabase> {
  const app = await createTestDatabase('app');
  await app.query(`create table tenants (id text primary key, name text not null, kind text not null default 'smb',
      autopost_enabled boolean not null default false, threshold numeric(3, 2) not null default 0.90);
    create table users (id text primary key, tenant_id text references tenants (id), email text not null unique,
      name text not null default '', role text not null)`);
  // Unless clean: beta posts automatically and gamma's threshold is 0.85, the two anomalies the runbook looks for.
  await app.query(
    `insert into tenants (id, name, autopost_enabled, threshold) values
    ('t1', 'acme', false, 0.90), ('t2', 'beta', $1, 0.90), ('t3', 'gamma', false, $2)`,
    [!options.clean, options.clean ? 0.9 : 0.85],
  );
  await app.query(`insert into users (id, tenant_id, email, role) values
    ('u1', 't1', 'ana@acme.test', 'admin'), ('u2', 't1', 'bo@acme.test', 'viewer'), ('u3', 't2', 'cy@beta.test', 'accountant')`);
  return app;
}

export const githubMembers = () => [
  { login: 'octo-admin', role: 'admin' as const, twoFactor: true },
  { login: 'dev-one', role: 'member' as const, twoFactor: true },
  { login: 'dev-two', role: 'member' as const, twoFactor: true },
];

export interface ReviewSetup {
  bot: Bot;
  app: TestDatabase;
  github: FakeGithub;
  stop(): Promise<void>;
}

export async function startReviewSetup(
  options: {
    clean?: boolean;
    github?: FakeGithubOptions;
    env?: Record<string, string | undefined>;
    bot?: BotOptions;
  } = {},
): Promise<ReviewSetup> {
  const app = await createAppDatabase({ clean: options.clean });
  const github = await startFakeGithub({
    members: githubMembers(),
    outsideCollaborators: [{ login: 'contractor', twoFactor: true }],
    ...options.github,
  });
  const bot = await startBot({
    ...options.bot,
    env: {
      ACCESS_DATABASE_URL: app.url,
      GITHUB_TOKEN: OWNER_TOKEN,
      GITHUB_ORG: 'acme',
      GITHUB_API_URL: github.url,
      GITHUB_REPO: 'acme/compliance',
      OPSBOT_REVIEWERS: `${REVIEWERS.reviewer},${REVIEWERS.other},${REVIEWERS.requester}`,
      ...options.env,
    },
  });
  return { bot, app, github, stop: async () => void (await Promise.all([bot.stop(), github.stop(), app.drop()])) };
}

/** Review messages posted at the top level of the review channel, oldest first. */
export function reviewPosts(bot: Bot): SlackCall[] {
  return bot.slack
    .callsOf('chat.postMessage')
    .filter((c) => c.args.channel === 'C_REVIEW' && !c.args.thread_ts && /Weekly Access Review/.test(c.args.text));
}

/** Waits for the count-th review message and its files (each review uploads its CSV and JSON in one call). */
export async function waitForReview(
  bot: Bot,
  count: number,
): Promise<{ post: SlackCall; ts: string; files: UploadedFile[] }> {
  const uploads = await bot.slack.waitFor('files.completeUploadExternal', count, 30_000);
  // The upload is the review's last visible act; the operation ends (run finished, audited, lock freed) just after.
  for (let tries = 0; tries < 200; tries++) {
    const running = await bot.db.query("select 1 from runs where kind = 'access-review' and status = 'running'");
    if (running.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ts = String(uploads[count - 1]!.args.thread_ts);
  const post = reviewPosts(bot)[count - 1];
  if (!post)
    throw new Error(`upload ${count} has no review message; saw ${bot.slack.calls.map((c) => c.method).join(', ')}`);
  return { post, ts, files: bot.slack.files.filter((f) => f.threadTs === ts) };
}

export const fileNamed = (files: UploadedFile[], pattern: RegExp) => files.find((f) => pattern.test(f.filename));

/** Parses the snapshot CSV (no quoted commas in these fixtures' ids) into rows keyed by column. */
export function csvRows(csv: string): Record<string, string>[] {
  const [head, ...lines] = csv.trim().split('\n');
  const columns = head!.split(',');
  return lines.map((line) => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted && ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

/** The first ephemeral reply (response_url) after the first `from` ones whose text matches pattern. */
export async function waitForReply(bot: Bot, from: number, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  for (let n = from + 1; ; n++) {
    const calls = await bot.slack.waitFor('response_url', n, timeoutMs);
    const hit = calls.slice(from).find((c) => pattern.test(String(c.args.text ?? '')));
    if (hit) return String(hit.args.text);
  }
}

export interface CliReview {
  code: number;
  out: string;
  err: string;
  review: any;
  csv: Record<string, string>[];
}

/** `opsbot access-review run --json` with env, and the review and CSV it wrote. */
export async function reviewThroughCli(env: Record<string, string | undefined>): Promise<CliReview> {
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-access-'));
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['access-review', 'run', '--json', '--out', dir], {
    env: { LOG_LEVEL: 'warn', ...env },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  const review = JSON.parse(out.join('\n'));
  const csv = csvRows(await readFile(join(dir, review.files[0]), 'utf8'));
  return { code, out: out.join('\n'), err: err.join('\n'), review, csv };
}
