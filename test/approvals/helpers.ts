// A bot configured for deploy approvals, and the steps tests take with it: open a request, click, wait for replies.

import { runCli } from '../../cli/main.js';
import type { Bot } from '../support/bot.js';
import { startBot } from '../support/bot.js';
import { spawnOpsbot } from '../support/process.js';

export const API_TOKEN = 'ci-token-0123456789abcdef';
export const PEOPLE = { ann: 'U0ANN', bob: 'U0BOB', requester: 'U0REQ', eve: 'U0EVE' } as const;
export const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

export function approvalsEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ENVIRONMENTS: 'staging,production',
    PRODUCTION_APPROVERS: `${PEOPLE.ann},${PEOPLE.bob},${PEOPLE.requester}`,
    SLACK_DEPLOY_CHANNEL: 'C_DEPLOY',
    OPSBOT_API_TOKENS: `ci=${API_TOKEN}`,
    GITHUB_USER_MAP: `octocat=${PEOPLE.requester}`,
    OPSBOT_REVIEWERS: PEOPLE.ann,
    ...extra,
  };
}

export const startApprovalsBot = (extra: Record<string, string> = {}) => startBot({ env: approvalsEnv(extra) });

export const requestArgs = (extra: string[] = []) => [
  'approval',
  'request',
  '--env',
  'production',
  '--ref',
  'v1.2.0',
  '--sha',
  SHA,
  '--title',
  'Release 1.2.0 <@channel>',
  '--requested-by',
  'octocat',
  '--check',
  'tests=passed',
  '--check',
  'scans=passed',
  '--link',
  'Changes=https://github.com/acme/app/compare/v1.1.0...v1.2.0',
  ...extra,
];

/** The CLI as a pipeline runs it: only OPSBOT_URL and OPSBOT_API_TOKEN. */
export const spawnRemote = (bot: Bot, args: string[], token = API_TOKEN) =>
  spawnOpsbot(args, { OPSBOT_URL: bot.url, OPSBOT_API_TOKEN: token, LOG_LEVEL: 'warn' });

/**
 * The same CLI in this process (its exit code is what runCli returns): a pipeline's view without paying a process
 * start, which takes seconds on a loaded machine.
 */
export function runRemote(bot: Bot, args: string[], token = API_TOKEN) {
  let out = '';
  let err = '';
  const exited = runCli(args, {
    env: { OPSBOT_URL: bot.url, OPSBOT_API_TOKEN: token, LOG_LEVEL: 'warn' },
    out: (t) => {
      out += `${t}\n`;
    },
    err: (t) => {
      err += `${t}\n`;
    },
  });
  return { exited, stdout: () => out, stderr: () => err };
}

/** The request id on the n-th request message posted to the deploy channel. */
export async function postedRequest(bot: Bot, n = 1, timeoutMs = 20_000): Promise<string> {
  for (let seen = 1; ; seen++) {
    const posts = (await bot.slack.waitFor('chat.postMessage', seen, timeoutMs)).filter(
      (c) => c.args.channel === 'C_DEPLOY',
    );
    if (posts.length >= n) {
      const blocks = posts[n - 1]!.args.blocks as any[];
      return blocks.flatMap((b) => b.elements ?? []).find((e: any) => e.action_id === 'approvals.approve')?.value;
    }
  }
}

export const clickApprove = (bot: Bot, user: string, id: string) =>
  bot.action({ actionId: 'approvals.approve', value: id, user, channel: 'C_DEPLOY' });

/** The ephemeral reply to the click number `from + 1` onward that matches. */
export async function replyAfter(bot: Bot, from: number): Promise<string> {
  const calls = await bot.slack.waitFor('response_url', from + 1, 10_000);
  return String(calls[from]!.args.text ?? '');
}

export const audits = (bot: Bot, action: string) =>
  bot.db.query<{ actor: string; outcome: string; params: Record<string, unknown> }>(
    'select actor, outcome, params from audit_events where action = $1 order by seq',
    [action],
  );

/** Resolves with the time stdout first matched pattern. */
export function whenPrinted(
  proc: { stdout(): string; child: { stdout: NodeJS.ReadableStream | null } },
  pattern: RegExp,
) {
  return new Promise<number>((resolve) => {
    const check = () => {
      if (pattern.test(proc.stdout())) {
        proc.child.stdout?.off('data', check);
        resolve(performance.now());
      }
    };
    proc.child.stdout?.on('data', check);
    check();
  });
}
