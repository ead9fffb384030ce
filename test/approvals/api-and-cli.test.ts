// Who may use the approvals API (bearer tokens, audited by name, never by value) and how `opsbot approval` answers
// arguments it cannot use: exit 2 and what was wrong.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import type { Bot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { API_TOKEN, audits, requestArgs, runRemote, SHA, startApprovalsBot } from './helpers.js';

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['approval', ...args], {
    env: { LOG_LEVEL: 'warn', ENVIRONMENTS: 'staging,production', ...env },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const without = (flag: string) => {
  const args = requestArgs().slice(1);
  const at = args.indexOf(flag);
  return [...args.slice(0, at), ...args.slice(at + 2)];
};
const replace = (flag: string, value: string) =>
  requestArgs()
    .slice(1)
    .map((a, i, all) => (all[i - 1] === flag ? value : a));

it.each([
  [without('--env'), '`--env` is required.'],
  [replace('--env', 'prod'), '`prod` is not an environment; use one of: staging, production.'],
  [replace('--sha', 'a1b2c3d'), '`--sha` must be the full commit sha: 40 hex characters.'],
  [without('--title'), '`--title` is required.'],
  [replace('--check', 'tests=green'), "A check's state is one of passed, failed, pending, skipped."],
  [[...requestArgs().slice(1), '--timeout', 'soon'], '`--timeout soon` is not a duration'],
  [[...requestArgs().slice(1), '--link', 'Docs=ftp://x'], 'A link is Name=https://…'],
  [['notify', '--emergency', ...requestArgs().slice(2)], '`--reason` is required with --emergency.'],
  [['notify', ...requestArgs().slice(2)], '`notify` is for emergency deploys'],
  [['approve'], '`approve` is not an approval command.'],
  [['request', '--colour', 'red'], 'Unknown option `--colour`'],
])('exits 2 and says what was wrong for approval %j', async (args, message) => {
  const result = await cli(args);
  expect(result.err).toContain(message);
  expect(result.err).toContain('Usage: opsbot approval request --env ENV');
  expect(result.code).toBe(2);
});

describeWithPostgres('the approvals API and its tokens', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startApprovalsBot();
  });
  afterAll(() => bot?.stop());

  it('answers 401 to a missing or unknown token, audits both, and never stores the token', async () => {
    const none = await fetch(`${bot.url}/api/approvals/a_x`);
    const wrong = await fetch(`${bot.url}/api/approvals/a_x`, {
      headers: { authorization: 'Bearer not-the-token-at-all' },
    });
    expect([none.status, wrong.status]).toEqual([401, 401]);
    const denied = await audits(bot, 'api.deny');
    expect(denied.map((d) => d.params.reason)).toEqual(['no bearer token', 'unknown token']);
    const all = JSON.stringify(await bot.db.query('select * from audit_events'));
    expect(all).not.toContain('not-the-token-at-all');
    expect(all).not.toContain(API_TOKEN);
  });

  it('audits each use of a good token by its name', async () => {
    const answer = await fetch(`${bot.url}/api/approvals/a_missing`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(answer.status).toBe(404);
    const used = await audits(bot, 'api.use');
    expect(used.at(-1)).toMatchObject({
      actor: 'api:ci',
      outcome: 'allowed',
      params: { path: '/api/approvals/a_missing' },
    });
  });

  it('makes the CLI exit 2 and name OPSBOT_API_TOKEN when the bot refuses its token', async () => {
    const proc = runRemote(bot, requestArgs(), 'a-token-the-bot-does-not-know');
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toContain('The bot refused OPSBOT_API_TOKEN (401)');
    expect(proc.stderr()).not.toContain('a-token-the-bot-does-not-know');
    const [count] = await bot.db.query<{ n: number }>('select count(*)::int as n from approval_requests');
    expect(count).toEqual({ n: 0 });
  });

  it('records an emergency deploy without waiting, as an exemption asking for a retrospective approval', async () => {
    const proc = runRemote(bot, [
      'approval',
      'notify',
      '--emergency',
      '--reason',
      'Outage: payments down',
      '--env',
      'production',
      '--ref',
      'hotfix-7',
      '--sha',
      SHA,
      '--title',
      'Hotfix 7',
      '--requested-by',
      'octocat',
    ]);
    expect(await proc.exited).toBe(0);
    const [row] = await bot.db.query('select status, emergency, exemption, retro_approved_at from approval_requests');
    expect(row).toEqual({
      status: 'approved',
      emergency: true,
      exemption: 'Outage: payments down',
      retro_approved_at: null,
    });
    expect((await audits(bot, 'approval.emergency')).map((a) => a.outcome)).toEqual(['exempted']);
  });
});

describeWithPostgres('the approvals API rate limit', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startApprovalsBot({ OPSBOT_API_RATE_PER_MIN: '3' });
  });
  afterAll(() => bot?.stop());

  it('answers 429 with Retry-After past the per-token limit, audits it, and changes nothing', async () => {
    const get = () =>
      fetch(`${bot.url}/api/approvals/a_missing`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get()).status);
    const limited = await fetch(`${bot.url}/api/approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ env: 'production', ref: 'v1', sha: SHA, title: 't', requestedBy: 'octocat' }),
    });
    expect([...statuses, limited.status]).toEqual([404, 404, 404, 429]);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: string }).error).toContain('at most 3 requests a minute per token');
    expect((await audits(bot, 'api.use')).map((a) => a.outcome)).toEqual([
      'allowed',
      'allowed',
      'allowed',
      'rate-limited',
    ]);
    expect(await bot.db.query('select id from approval_requests')).toEqual([]);
  });
});
