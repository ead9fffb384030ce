// GET /runs/<id>: a run's report page for people signed in with Slack (OpenID Connect), and GET /auth/slack/callback,
// where Slack sends them back. Off (404, like any unknown path) unless OPSBOT_PUBLIC_URL, SLACK_CLIENT_ID and
// SLACK_CLIENT_SECRET are set. A missing, forged or expired session starts the sign-in again; nothing else is shown.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../deps.js';
import { loadRunReport, runReadRefusal } from '../home/run-report.js';
import { permalinkOf } from '../publish/run-links.js';
import { refusalPageHtml, runPageHtml } from '../render/html/run.js';
import { authorizeUrl, CALLBACK_PATH, exchangeCode } from './oidc.js';
import {
  cookieSigner,
  readCookies,
  SESSION_COOKIE,
  SESSION_MS,
  type Session,
  SIGN_IN_COOKIE,
  SIGN_IN_MS,
  type SignInState,
  setCookie,
} from './session.js';

const RUN_PATH = /^\/runs\/([a-z][a-z0-9-]{0,30}_[a-z0-9]{1,40})$/;
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

export type RunPageDeps = Pick<Deps, 'config' | 'db' | 'roles' | 'chat' | 'fetch' | 'now' | 'log'>;

/** teamId: the bot's own workspace (auth.test), the only one whose members may sign in. */
export function runPageRoutes(deps: RunPageDeps, teamId: () => Promise<string | undefined>) {
  const signIn = deps.config.signIn;
  const secret = deps.config.slack.signingSecret ?? signIn?.clientSecret;
  const sessions = signIn && secret ? cookieSigner(secret, SESSION_COOKIE) : undefined;
  const signIns = signIn && secret ? cookieSigner(secret, SIGN_IN_COOKIE) : undefined;
  const secure = Boolean(signIn?.publicUrl.startsWith('https://'));

  const page = (res: ServerResponse, status: number, html: string, cookies: string[] = []) =>
    void res.writeHead(status, { ...HEADERS, ...(cookies.length ? { 'set-cookie': cookies } : {}) }).end(html);
  const refuse = (res: ServerResponse, status: number, title: string, message: string, cookies: string[] = []) =>
    page(res, status, refusalPageHtml(title, message), cookies);

  function startSignIn(res: ServerResponse, returnTo: string): void {
    if (!signIn || !signIns) return;
    const state: SignInState = {
      state: randomBytes(16).toString('base64url'),
      nonce: randomBytes(16).toString('base64url'),
      returnTo,
    };
    const cookie = signIns.seal(state, new Date(deps.now().getTime() + SIGN_IN_MS));
    res
      .writeHead(302, {
        location: authorizeUrl(deps.config.slack.apiUrl, signIn, state),
        'set-cookie': [setCookie(SIGN_IN_COOKIE, cookie, SIGN_IN_MS, secure), setCookie(SESSION_COOKIE, '', 0, secure)],
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      })
      .end();
  }

  async function showRun(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const session = sessions?.open<Session>(readCookies(req)[SESSION_COOKIE], deps.now());
    const team = await teamId();
    if (!session || typeof session.user !== 'string' || !team || session.team !== team)
      return startSignIn(res, `/runs/${id}`);
    const roles = await deps.roles.rolesOf(session.user);
    if (roles.length === 0) return refuse(res, 403, 'Not open to you', runReadRefusal(roles, '') ?? '');
    const report = await loadRunReport(deps.db, id);
    if (!report) return refuse(res, 404, 'No such run', `opsbot has no run ${id}.`);
    const refusal = runReadRefusal(roles, report.run.kind);
    if (refusal) return refuse(res, 403, 'Not open to you', refusal);
    const threadUrl = report.run.message && (await permalinkOf(deps, report.run.message).catch(() => undefined));
    deps.log.info({ runId: id, user: session.user }, 'run page shown');
    page(res, 200, runPageHtml(report, threadUrl));
  }

  async function callback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!signIn || !signIns || !sessions) return;
    const clear = setCookie(SIGN_IN_COOKIE, '', 0, secure);
    const started = signIns.open<SignInState>(readCookies(req)[SIGN_IN_COOKIE], deps.now());
    const again = 'Open the run link from Slack again to sign in.';
    if (!started || url.searchParams.get('state') !== started.state)
      return refuse(
        res,
        400,
        'Sign-in not recognised',
        `This sign-in was not started here or took too long. ${again}`,
        [clear],
      );
    const code = url.searchParams.get('code');
    if (!code) return refuse(res, 400, 'Sign-in cancelled', `Slack did not sign you in. ${again}`, [clear]);
    const result = await exchangeCode(
      { fetch: deps.fetch, apiUrl: deps.config.slack.apiUrl, signIn, timeoutMs: deps.config.slack.timeoutMs },
      code,
      { nonce: started.nonce, team: await teamId(), now: deps.now() },
    );
    if (!result.ok) {
      deps.log.warn({ reason: result.reason }, 'sign in with slack refused');
      return refuse(res, 403, 'Sign-in refused', result.reason, [clear]);
    }
    const session = sessions.seal(
      { user: result.user, team: result.team },
      new Date(deps.now().getTime() + SESSION_MS),
    );
    // Only a run page of this bot: the return path is ours (sealed), and checked again all the same.
    const returnTo = RUN_PATH.test(started.returnTo) ? started.returnTo : undefined;
    deps.log.info({ user: result.user }, 'signed in with slack');
    const cookies = [clear, setCookie(SESSION_COOKIE, session, SESSION_MS, secure)];
    if (!returnTo) return refuse(res, 200, 'Signed in', 'Open a run link from Slack to see its report.', cookies);
    res.writeHead(302, { location: returnTo, 'set-cookie': cookies, 'cache-control': 'no-store' }).end();
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (!signIn || req.method !== 'GET') return false;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === CALLBACK_PATH) {
      await callback(req, res, url);
      return true;
    }
    if (!url.pathname.startsWith('/runs/')) return false;
    const id = RUN_PATH.exec(url.pathname)?.[1];
    if (!id) refuse(res, 404, 'No such run', 'That is not a run id.');
    else await showRun(req, res, id);
    return true;
  };
}
