// The variables of what opsbot talks to besides Slack: GitHub (token, App, user map), change control's PR gate, deploy
// approvals and their HTTP API tokens, and the remote opsbot a pipeline's CLI calls.
import { z } from 'zod';
import { type Config, count, type Environment, envVar, flag, httpUrl, list } from './config-model.js';
import type { Env, Reader } from './config-read.js';
import { MASK } from './redact.js';

const REPO = /^[\w.-]+\/[\w.-]+$/;
const DEFAULT_TICKET = '^https?://\\S+$';
const isRegExp = (source: string) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};

export type Integrations = Pick<Config, 'github' | 'changeControl' | 'approvals' | 'api' | 'githubApp' | 'remote'>;

export function readIntegrations(
  env: Env,
  { read }: Reader,
  problems: string[],
  environments: Environment[],
): Integrations {
  const text = z.string();
  // GitHub login -> Slack user: who authored a change, so they cannot be the one who reviews it.
  const userMap: Record<string, string> = {};
  for (const pair of list(env.GITHUB_USER_MAP)) {
    const [login = '', user = ''] = pair.split('=').map((s) => s.trim());
    if (/^[a-z\d][a-z\d_-]{0,38}$/i.test(login) && /^[UW][A-Z0-9]+$/.test(user)) userMap[login.toLowerCase()] = user;
    else
      problems.push(
        `GITHUB_USER_MAP: \`${pair}\` is not login=SlackUserId. Example: GITHUB_USER_MAP=octocat=U0123ABCD,hubot=U0456EFGH`,
      );
  }
  const pairs = (variable: string, example: string, valid: (key: string, value: string) => boolean) =>
    (env[variable] ? list(env[variable]) : []).flatMap((pair) => {
      const at = pair.indexOf('=');
      const [key, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      if (at > 0 && valid(key, value)) return [[key, value] as const];
      const shown = /TOKEN/.test(variable) ? `${key || '?'}=${MASK}` : pair;
      problems.push(`${variable}: \`${shown}\` is not name=value. Example: ${variable}=${example}`);
      return [];
    });
  const apiTokens = pairs('OPSBOT_API_TOKENS', 'ci=long-random-token', (_k, v) => v.length >= 16).map(
    ([name, token]) => ({ name, token }),
  );
  const approvers = Object.fromEntries(environments.map((e) => [e.name, list(env[`${envVar(e.name)}_APPROVERS`])]));

  return {
    github: {
      token: env.GITHUB_TOKEN || undefined,
      org: env.GITHUB_ORG || undefined,
      repo: read('GITHUB_REPO', text.regex(REPO, 'is not owner/name'), 'acme/compliance'),
      apiUrl: read('GITHUB_API_URL', httpUrl, 'https://github.example.com/api/v3'),
      userMap,
      timeoutMs: read('GITHUB_TIMEOUT_MS', count(100), '30000', '30000') ?? 30_000,
    },
    changeControl: {
      repos: list(env.CHANGE_REPOS).filter((repo) => {
        if (REPO.test(repo)) return true;
        problems.push(`CHANGE_REPOS: \`${repo}\` is not owner/name. Example: CHANGE_REPOS=acme/web,acme/api`);
        return false;
      }),
      ticketPattern:
        read(
          'CHANGE_TICKET_PATTERN',
          text.refine(isRegExp, 'is not a regular expression'),
          '^https://acme\\.atlassian\\.net/browse/[A-Z]+-\\d+$',
          DEFAULT_TICKET,
        ) ?? DEFAULT_TICKET,
      labels: list(env.CHANGE_LABELS ?? 'has-ticket'),
      exemptLabel: env.CHANGE_EXEMPT_LABEL?.trim() || 'change-control-exempt',
      requiredSections: list(env.CHANGE_REQUIRED_SECTIONS ?? 'Risk/Impact,Rollback Plan,Tests/Evidence'),
    },
    approvals: {
      channel: env.SLACK_DEPLOY_CHANNEL || undefined,
      required: read('APPROVALS_REQUIRED', count(1).max(10, 'must be at most 10'), '2', '2') ?? 2,
      approvers,
      notifyDm: read('APPROVALS_NOTIFY_DM', flag, 'true', 'false') ?? false,
      // GITHUB_USER_MAP, shared with change control: a requester is never counted among their own approvers.
      githubUsers: userMap,
      defaultTimeoutMinutes: read('APPROVALS_TIMEOUT_MINUTES', count(1), '60', '60') ?? 60,
    },
    api: { tokens: apiTokens, perMinute: read('OPSBOT_API_RATE_PER_MIN', count(1), '60', '60') ?? 60 },
    githubApp: {
      appId: read('GITHUB_APP_ID', text.regex(/^\d+$/, 'is not a number'), '123456'),
      // Kubernetes secrets and .env files often carry the PEM with literal \n.
      privateKey: env.GITHUB_APP_PRIVATE_KEY?.replace(/\\n/g, '\n') || undefined,
      webhookSecret: env.GITHUB_WEBHOOK_SECRET || undefined,
    },
    remote: {
      url: read('OPSBOT_URL', httpUrl, 'https://opsbot.example.com'),
      token: env.OPSBOT_API_TOKEN || undefined,
    },
  };
}
