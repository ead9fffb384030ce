// /runs/<id>: a run's report behind Sign in with Slack; everyone without a valid session is sent to sign in, and
// whoever may not read the run is told so; nothing hostile in the run reaches the page as HTML.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieSigner } from '../../src/http/session.js';
import { type Bot, startBot } from '../support/bot.js';
import { SIGNING_SECRET } from '../support/sign.js';
import { Browser, CLIENT_ID, CLIENT_SECRET, PUBLIC_URL, signInEnv } from './helpers.js';

const PEOPLE = { admin: 'U_ADMIN', operator: 'U_OPER', reviewer: 'U_REV', nobody: 'U_NOBODY' } as const;
/** A cookie value as opsbot seals the cookie called name, expiring inMs from now (in the past when negative). */
const sealed = (name: string, value: object, inMs: number, secret = SIGNING_SECRET) =>
  cookieSigner(secret, name).seal(value, new Date(Date.now() + inMs));
const HOSTILE = `<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & 'single'`;

describe('run report pages', () => {
  let bot: Bot;
  const runId = 'r_hostile001';
  const seedRun = 'r_seeded0001';

  beforeAll(async () => {
    bot = await startBot({
      env: {
        ...signInEnv,
        OPSBOT_ADMINS: PEOPLE.admin,
        OPSBOT_OPERATORS: PEOPLE.operator,
        OPSBOT_REVIEWERS: PEOPLE.reviewer,
      },
    });
    bot.slack.signIn = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, user: PEOPLE.admin, team: 'T_TEST' };
    await bot.db.query(
      `insert into runs (id, kind, env, trigger, actor, status, started_at, finished_at, report, error, slack_channel, slack_ts)
       values ($1, 'smoke', $2, 'slash', $3, 'failed', '2026-12-01T10:00:00Z', '2026-12-01T10:00:05Z', $4, $5, 'C_OPS', '1700000000.000100'),
              ($6, 'seed', 'staging', 'slash', 'U_OPER', 'passed', now(), now(), '{}', null, null, null)`,
      [
        runId,
        HOSTILE,
        PEOPLE.operator,
        JSON.stringify({ verdict: 'failed', checks: [{ path: '/healthz', ok: false, reason: HOSTILE }], [HOSTILE]: 1 }),
        HOSTILE,
        seedRun,
      ],
    );
    await bot.deps.audit.append({
      action: 'smoke.run',
      actor: { user: PEOPLE.operator, channel: 'C_OPS' },
      params: { runId, note: HOSTILE },
      outcome: 'failed',
    });
  });
  afterAll(() => bot?.stop());

  const signIn = async (user: string, path = `/runs/${runId}`) => {
    bot.slack.signIn.user = user;
    const browser = new Browser(bot);
    const steps = await browser.follow(path);
    return { browser, steps, last: steps.at(-1)! };
  };

  it('signs a person in through Slack and shows the run with every foreign text escaped', async () => {
    const { browser, steps, last } = await signIn(PEOPLE.admin);
    expect(steps.map((s) => s.status)).toEqual([302, 302, 302, 200]);
    const authorize = new URL(steps[0]!.headers.get('location')!);
    expect(authorize.pathname).toBe('/openid/connect/authorize');
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      scope: 'openid profile',
      client_id: CLIENT_ID,
      redirect_uri: `${PUBLIC_URL}/auth/slack/callback`,
    });
    expect(authorize.searchParams.get('state')).toMatch(/.{16,}/);
    expect(authorize.searchParams.get('nonce')).toMatch(/.{16,}/);
    const [token] = bot.slack.callsOf('openid.connect.token');
    expect(token!.result).toMatchObject({ ok: true });
    expect(steps[2]!.headers.get('location')).toBe(`/runs/${runId}`);
    const session = browser.setCookies.find((c) => c.startsWith('opsbot_session=') && !/Max-Age=0/.test(c))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Secure/);
    expect(session).toMatch(/Max-Age=43200/);

    const html = await last.text();
    expect(last.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(last.headers.get('content-security-policy')).not.toMatch(/script-src/);
    expect(last.headers.get('x-content-type-options')).toBe('nosniff');
    expect(last.headers.get('cache-control')).toBe('no-store');
    expect(last.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).toContain(runId);
    expect(html).toContain('smoke');
    expect(html).toContain('2026-12-01 10:00:00 UTC');
    expect(html).toContain('2026-12-01 10:00:05 UTC');
    expect(html).toContain('smoke.run');
    expect(html).toContain('https://slack.test/archives/C_OPS/p1700000000000100');
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toContain(CLIENT_SECRET);
    expect(bot.logText()).not.toContain(CLIENT_SECRET);

    // The session holds: the next page needs no sign-in.
    expect((await browser.get(`/runs/${runId}`)).status).toBe(200);
  });

  it('sends a second look at the page with a forged session cookie to sign in again', async () => {
    const browser = new Browser(bot);
    const forged = sealed(
      'opsbot_session',
      { user: PEOPLE.admin, team: 'T_TEST' },
      3_600_000,
      'not-the-signing-secret',
    );
    browser.cookies.set('opsbot_session', forged);
    const res = await browser.get(`/runs/${runId}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/\/openid\/connect\/authorize\?/);
    browser.cookies.set('opsbot_session', 'garbage.%%%');
    expect((await browser.get(`/runs/${runId}`)).status).toBe(302);
  });

  it('opens no value sealed as the sign-in cookie as a session, nor the reverse', async () => {
    const browser = new Browser(bot);
    const asSignIn = sealed('opsbot_sign_in', { user: PEOPLE.admin, team: 'T_TEST' }, 3_600_000);
    browser.cookies.set('opsbot_session', asSignIn);
    const res = await browser.get(`/runs/${runId}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/\/openid\/connect\/authorize\?/);
    // A session's value as the sign-in under way: the callback does not recognise it.
    const asSession = sealed(
      'opsbot_session',
      { state: 'known-state', nonce: 'n', returnTo: `/runs/${runId}` },
      3_600_000,
    );
    browser.cookies.set('opsbot_sign_in', asSession);
    const back = await browser.get('/auth/slack/callback?state=known-state&code=c');
    expect(back.status).toBe(400);
    expect(await back.text()).toContain('Sign-in not recognised');
  });

  it('sends an expired session to sign in again', async () => {
    const browser = new Browser(bot);
    const expired = sealed('opsbot_session', { user: PEOPLE.admin, team: 'T_TEST' }, -1000);
    browser.cookies.set('opsbot_session', expired);
    const res = await browser.get(`/runs/${runId}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/openid\/connect\/authorize/);
  });

  it('refuses a callback whose state does not match the sign-in started in this browser', async () => {
    bot.slack.signIn.user = PEOPLE.admin;
    const browser = new Browser(bot);
    const [start] = [await browser.get(`/runs/${runId}`)];
    const back = await browser.get(start.headers.get('location')!);
    const callback = new URL(back.headers.get('location')!);
    callback.searchParams.set('state', 'someone-elses-state');
    const res = await browser.get(callback.toString());
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('was not started here');
    expect(browser.cookies.has('opsbot_session')).toBe(false);
    // Another browser's callback (no sign-in cookie at all) is refused the same way.
    expect((await new Browser(bot).get(back.headers.get('location')!)).status).toBe(400);
  });

  it('refuses a sign-in to another workspace', async () => {
    bot.slack.signIn.team = 'T_OTHER';
    try {
      const { browser, last } = await signIn(PEOPLE.admin);
      expect(last.status).toBe(403);
      expect(await last.text()).toContain('another workspace');
      expect(browser.cookies.has('opsbot_session')).toBe(false);
    } finally {
      bot.slack.signIn.team = 'T_TEST';
    }
  });

  it('says Slack did not answer when its token endpoint fails, sets no session, and signs in once it is back', async () => {
    bot.slack.outage('openid.connect.token', { mode: '500' });
    try {
      const { browser, last } = await signIn(PEOPLE.admin);
      expect(last.status).toBe(403);
      expect(await last.text()).toContain('Slack did not answer the sign-in');
      expect(browser.cookies.has('opsbot_session')).toBe(false);
    } finally {
      bot.slack.outage('openid.connect.token', undefined);
    }
    const { browser } = await signIn(PEOPLE.admin);
    expect((await browser.get(`/runs/${runId}`)).status).toBe(200);
  });

  it('refuses an id_token meant for another app', async () => {
    bot.slack.signIn.aud = '9999999999.8888888888';
    try {
      const { last } = await signIn(PEOPLE.admin);
      expect(last.status).toBe(403);
      expect(await last.text()).toContain('another app');
    } finally {
      bot.slack.signIn.aud = undefined;
    }
  });

  it('never redirects outside the run pages', async () => {
    const browser = new Browser(bot);
    for (const path of ['/runs//evil.example/x', '/runs/https:%2F%2Fevil.example', '/runs/..%2F..%2Fstatus']) {
      const res = await browser.get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
    // A return path slipped into the callback is ignored: only the sealed one counts.
    const { steps } = await signIn(PEOPLE.admin);
    const callback = new URL(steps[1]!.headers.get('location')!);
    expect(callback.searchParams.has('return')).toBe(false);
    expect(steps[2]!.headers.get('location')).toBe(`/runs/${runId}`);
  });

  it('tells a person with no role that report pages are not open to them (403)', async () => {
    const { last } = await signIn(PEOPLE.nobody);
    expect(last.status).toBe(403);
    const html = await last.text();
    expect(html).toContain('no opsbot role');
    expect(html).not.toContain('smoke.run');
  });

  it('answers 404 for a run id it does not know', async () => {
    const { last } = await signIn(PEOPLE.admin, '/runs/r_unknown0000');
    expect(last.status).toBe(404);
    expect(await last.text()).toContain('no run r_unknown0000');
  });

  it('keeps seed runs from a reviewer but shows them to an operator', async () => {
    expect((await signIn(PEOPLE.reviewer, `/runs/${seedRun}`)).last.status).toBe(403);
    expect((await signIn(PEOPLE.operator, `/runs/${seedRun}`)).last.status).toBe(200);
  });
});

describe('run report pages, not configured', () => {
  it('answers 404 at /runs/<id> and at the callback', async () => {
    const bot = await startBot();
    try {
      expect((await fetch(`${bot.url}/runs/r_abc`, { redirect: 'manual' })).status).toBe(404);
      expect((await fetch(`${bot.url}/auth/slack/callback?code=x&state=y`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      await bot.stop();
    }
  });
});
