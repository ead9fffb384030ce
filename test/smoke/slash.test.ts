// /smoke through signed slash commands: the result message, every failure kind with its reason, the run record,
// the audit event, usage for bad input, the rate limit, and a second /smoke joining the one under way.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Bot, startBot } from '../support/bot.js';
import { closedPortUrl, type FakeApp, healthyRoutes, startFakeApp } from '../support/fake-app.js';
import { textOf } from '../support/slack-fake.js';

describe('/smoke', () => {
  let app: FakeApp;
  let bot: Bot;
  // Each environment is a path prefix on one fake app: /<env>/healthz, /<env>/readyz.
  const failures: Record<string, { path: string; route: Parameters<FakeApp['set']>[1]; reason: string }> = {
    http503: { path: '/readyz', route: { status: 503, json: { status: 'unavailable' } }, reason: 'HTTP 503' },
    notjson: {
      path: '/healthz',
      route: { body: '<html><body>Bad gateway</body></html>' },
      // As Slack shows it: the body's markup escaped, so it can't format, mention or link.
      reason: 'not JSON: &lt;html&gt;&lt;body&gt;Bad gateway&lt;/body&gt;&lt;/html&gt;',
    },
    nostatus: { path: '/healthz', route: { json: { uptime_seconds: 3 } }, reason: 'no `status` field' },
    dbdown: {
      path: '/healthz',
      route: { json: { status: 'ok', database_status: 'unhealthy' } },
      reason: 'database is unhealthy',
    },
    notready: {
      path: '/readyz',
      route: { json: { status: 'ready', checks: { database: 'error', cache: 'ok' } } },
      reason: 'database is error',
    },
    timeout: { path: '/healthz', route: { delayMs: 8000, json: { status: 'ok' } }, reason: 'timed out after 3 s' },
  };

  beforeAll(async () => {
    app = await startFakeApp();
    const names = ['staging', 'slow', 'cold', ...Object.keys(failures)];
    for (const name of names)
      for (const [path, route] of Object.entries(healthyRoutes())) app.set(`/${name}${path}`, route);
    for (const [name, f] of Object.entries(failures)) app.set(`/${name}${f.path}`, f.route);
    // Cold start: the first request outlives the timeout, the retry is answered at once.
    app.set('/cold/healthz', [{ ...healthyRoutes()['/healthz'], delayMs: 8000 }, healthyRoutes()['/healthz']!]);
    for (const path of ['/slow/healthz', '/slow/readyz'])
      app.set(path, { ...healthyRoutes()[path.slice(5)], delayMs: 2000 });
    const env: Record<string, string> = {
      ENVIRONMENTS: [...names, 'refused', 'nodns', 'nourl'].join(','),
      REFUSED_BASE_URL: await closedPortUrl(),
      NODNS_BASE_URL: 'http://opsbot-smoke-test.invalid',
      SMOKE_TIMEOUT_MS: '3000',
      SMOKE_RATE_PER_MIN: '2',
    };
    for (const name of names) env[`${name.toUpperCase()}_BASE_URL`] = `${app.url}/${name}`;
    bot = await startBot({ env });
  });
  afterAll(async () => {
    await bot?.stop();
    await app?.stop();
  });

  const postsIn = (channel: string) => bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === channel);
  /** The newest result posted in channel, waiting for the first one to arrive. */
  async function resultIn(channel: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (postsIn(channel).length === 0) {
      const seen = bot.slack.callsOf('chat.postMessage').length;
      await bot.slack.waitFor('chat.postMessage', seen + 1, Math.max(1, deadline - Date.now()));
    }
    return postsIn(channel).at(-1)!;
  }
  const smokeEvents = (user: string) =>
    bot.db.query<{ action: string; outcome: string; params: Record<string, unknown> }>(
      "select action, outcome, params from audit_events where actor = $1 and action = 'smoke.run' order by seq",
      [user],
    );
  /** Runs /smoke and waits until it is done: its audit event is the last thing it writes. */
  async function smoke(text: string, user: string, channel = `C_${user}`) {
    const answer = await bot.slash('/smoke', text, { user, channel });
    await vi.waitFor(async () => expect(await smokeEvents(user)).not.toHaveLength(0), {
      timeout: 20_000,
      interval: 50,
    });
    return { answer, post: await resultIn(channel) };
  }

  it('acks within 3 s and posts a passing result naming both paths', async () => {
    const { answer, post } = await smoke('staging', 'U_HEALTHY');
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3000);
    expect(answer.body.text).toBe('Checking staging…');
    const text = textOf(post.args.blocks, post.args.text);
    expect(text).toContain('✅ Smoke staging: passed');
    expect(text).toContain('`/healthz` 200');
    expect(text).toContain('`/readyz` 200');
    expect(text).toContain(`${app.url}/staging`);
    expect(text).toMatch(/Evidence: run `r_[a-z0-9]+` · the checks above/);
  });

  it('stores the report with both response bodies on the run and audits it', async () => {
    const { post } = await smoke('', 'U_STORED');
    const runId = /run `(r_[a-z0-9]+)`/.exec(textOf(post.args.blocks))![1]!;
    expect(await smokeEvents('U_STORED')).toEqual([
      { action: 'smoke.run', outcome: 'passed', params: expect.objectContaining({ env: 'staging', runId }) },
    ]);
    // The message ref is stored once Slack has answered the post.
    const run = await vi.waitFor(
      async () => {
        const row = await bot.deps.runs.get(runId);
        expect(row?.slack_ts).toBeTruthy();
        return row;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(run).toMatchObject({
      kind: 'smoke',
      env: 'staging',
      trigger: 'slash',
      actor: 'U_STORED',
      status: 'passed',
      slack_channel: 'C_U_STORED',
    });
    const report = run!.report as { checks: { path: string; body: unknown }[] };
    expect(report.checks.map((c) => [c.path, c.body])).toEqual([
      ['/healthz', healthyRoutes()['/healthz']!.json],
      ['/readyz', healthyRoutes()['/readyz']!.json],
    ]);
  });

  it.each(Object.entries(failures))('posts a failing result with its reason when %s', async (name, failure) => {
    const { post } = await smoke(name, `U_${name.toUpperCase()}`);
    const text = textOf(post.args.blocks);
    expect(text).toContain(`🚨 Smoke ${name}: failed`);
    expect(text).toContain(`❌ \`${failure.path}\``);
    expect(text).toContain(failure.reason);
  });

  it.each([
    ['refused', 'connection refused'],
    ['nodns', 'DNS lookup failed'],
  ])('posts a failing result saying what went wrong when the connection is %s', async (name, reason) => {
    const { post } = await smoke(name, `U_${name.toUpperCase()}`);
    const text = textOf(post.args.blocks);
    expect(text).toContain('`/healthz` no response');
    expect(text).toContain(reason);
  });

  it('retries once after a timeout, so a cold-starting environment passes', async () => {
    const { post } = await smoke('cold', 'U_COLD');
    const text = textOf(post.args.blocks);
    expect(text).toContain('✅ Smoke cold: passed');
    expect(text).toContain('`/healthz` 200');
    expect(text).toContain('(2 attempts)');
    expect(app.hits('/cold/healthz')).toBe(2);
  });

  it('does not retry after an HTTP answer, even a failing one', async () => {
    const before = app.hits('/http503/readyz');
    const { post } = await smoke('http503', 'U_NORETRY');
    expect(textOf(post.args.blocks)).not.toContain('attempts');
    expect(app.hits('/http503/readyz')).toBe(before + 1);
  });

  it('answers through the response URL of the command when the bot may not post in the channel', async () => {
    // A private channel opsbot was not invited to: the post is refused and it cannot join.
    bot.slack.channel('C_PRIVATE', 'private');
    await bot.slash('/smoke', 'staging', { user: 'U_PRIVATE', channel: 'C_PRIVATE' });
    const answers = await bot.slack.waitFor('response_url', bot.slack.callsOf('response_url').length + 1, 20_000);
    const answer = answers.at(-1)!;
    expect(answer.args.response_type).toBe('in_channel');
    expect(textOf(answer.args.blocks)).toContain('✅ Smoke staging: passed');
  });

  it('answers an unknown environment with the usage and the configured environments, changing nothing', async () => {
    const before = {
      calls: bot.slack.calls.length,
      runs: await bot.db.query('select id, status from runs order by id'),
    };
    const answer = await bot.slash('/smoke', 'production', { user: 'U_TYPO' });
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toContain('`production` is not a configured environment');
    expect(answer.body.text).toContain('/smoke [env]');
    expect(answer.body.text).toContain('`staging`, `slow`');
    expect(bot.slack.calls.length).toBe(before.calls);
    expect(await bot.db.query('select id, status from runs order by id')).toEqual(before.runs);
    expect(await smokeEvents('U_TYPO')).toEqual([]);
  });

  it('prints the usage for help', async () => {
    const answer = await bot.slash('/smoke', 'help');
    expect(answer.body.text).toContain('`/smoke [env]`');
    expect(answer.body.text).toContain('Configured environments:');
  });

  it('says which variable to set when the environment has no base URL', async () => {
    const answer = await bot.slash('/smoke', 'nourl', { user: 'U_NOURL' });
    expect(answer.body.text).toContain('`NOURL_BASE_URL` is not set');
    expect(await bot.db.query("select id from runs where env = 'nourl'")).toEqual([]);
  });

  it('refuses a user over SMOKE_RATE_PER_MIN runs a minute, saying when to retry', async () => {
    // The windows are fixed minutes, and a slow moment can put a minute's end between requests: three could split 1 + 2
    // and all pass. Five span at most two windows, so one window holds at least three and with a limit of 2 one is
    // refused.
    for (let i = 0; i < 5; i++) await bot.slash('/smoke', 'staging', { user: 'U_EAGER', channel: 'C_EAGER' });
    const refusal = /`\/smoke` runs at most 2 times a minute per person; try again in \d+ s\./;
    await vi.waitFor(
      () =>
        expect(bot.slack.callsOf('response_url').map((c) => c.args.text)).toContainEqual(
          expect.stringMatching(refusal),
        ),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
  });

  it('lets a second /smoke of the same environment join the run under way: one run, both users get the result', async () => {
    const first = await bot.slash('/smoke', 'slow', { user: 'U_FIRST', channel: 'C_SLOW_A' });
    expect(first.body.text).toBe('Checking slow…');
    await app.waitForHits('/slow/healthz', 1);
    const second = await bot.slash('/smoke', 'slow', { user: 'U_SECOND', channel: 'C_SLOW_B' });
    expect(second.body.text).toContain('joining the check <@U_FIRST> started');
    const a = await resultIn('C_SLOW_A');
    const b = await resultIn('C_SLOW_B');
    expect(textOf(a.args.blocks)).toContain('asked by <@U_FIRST>');
    expect(textOf(b.args.blocks)).toContain('asked by <@U_SECOND>');
    expect(app.hits('/slow/healthz')).toBe(1);
    expect(app.hits('/slow/readyz')).toBe(1);
    expect(await bot.db.query("select id from runs where kind = 'smoke' and env = 'slow'")).toHaveLength(1);
    const joined = async () =>
      [...(await smokeEvents('U_FIRST')), ...(await smokeEvents('U_SECOND'))].map((e) => e.params.joined);
    await vi.waitFor(async () => expect(await joined()).toEqual([false, true]), { timeout: 10_000, interval: 50 });
  });
});
