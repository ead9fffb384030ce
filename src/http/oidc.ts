// Sign in with Slack (OpenID Connect, code flow): the authorize URL, and the code exchanged through the Web API method
// openid.connect.token for the signed-in person's user and workspace ids.
import type { SignInConfig } from '../config-model.js';

const DEFAULT_API_URL = 'https://slack.com/api/';
export const CALLBACK_PATH = '/auth/slack/callback';

/** Slack's authorize page lives beside its Web API (https://slack.com/api/ -> https://slack.com/openid/connect/authorize). */
export function authorizeUrl(
  apiUrl: string | undefined,
  signIn: SignInConfig,
  { state, nonce }: { state: string; nonce: string },
): string {
  const url = new URL('../openid/connect/authorize', apiUrl ?? DEFAULT_API_URL);
  url.search = new URLSearchParams({
    response_type: 'code',
    scope: 'openid profile',
    client_id: signIn.clientId,
    redirect_uri: `${signIn.publicUrl}${CALLBACK_PATH}`,
    state,
    nonce,
  }).toString();
  return url.toString();
}

export type SignInResult = { ok: true; user: string; team: string } | { ok: false; reason: string };

/**
 * The code -> who signed in. The id_token's signature is not checked: it came straight from Slack over the connection
 * opsbot opened to the token endpoint (OpenID Connect Core 3.1.3.7, item 6); its nonce, audience and workspace are.
 */
export async function exchangeCode(
  deps: { fetch: typeof fetch; apiUrl: string | undefined; signIn: SignInConfig; timeoutMs: number },
  code: string,
  expected: { nonce: string; team: string | undefined; now: Date },
): Promise<SignInResult> {
  const response = await deps
    .fetch(new URL('openid.connect.token', deps.apiUrl ?? DEFAULT_API_URL), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: deps.signIn.clientId,
        client_secret: deps.signIn.clientSecret,
        code,
        grant_type: 'authorization_code',
        redirect_uri: `${deps.signIn.publicUrl}${CALLBACK_PATH}`,
      }),
      signal: AbortSignal.timeout(deps.timeoutMs),
    })
    .catch(() => undefined);
  // Down, slow or failing (5xx, rate limited): nothing about the sign-in itself, so the person may simply retry.
  if (!response || response.status >= 500 || response.status === 429)
    return { ok: false, reason: 'Slack did not answer the sign-in; try again in a moment.' };
  const body = (await response.json().catch(() => undefined)) as
    | { ok?: boolean; error?: string; id_token?: string }
    | undefined;
  if (!body?.ok || typeof body.id_token !== 'string')
    return {
      ok: false,
      reason: body
        ? `Slack did not accept the sign-in (${String(body.error ?? 'no id_token').slice(0, 60)}); open the run link again.`
        : 'Slack did not answer the sign-in; try again in a moment.',
    };
  const claims = idTokenClaims(body.id_token);
  if (!claims) return { ok: false, reason: 'Slack answered with an id_token opsbot cannot read.' };
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.nonce !== expected.nonce) return { ok: false, reason: 'The sign-in does not match the one started here.' };
  if (!audience.includes(deps.signIn.clientId)) return { ok: false, reason: 'The sign-in was meant for another app.' };
  if (typeof claims.exp === 'number' && claims.exp * 1000 < expected.now.getTime())
    return { ok: false, reason: 'That sign-in has expired; open the run link again.' };
  const user = claims['https://slack.com/user_id'] ?? claims.sub;
  const team = claims['https://slack.com/team_id'];
  if (typeof user !== 'string' || typeof team !== 'string')
    return { ok: false, reason: 'Slack did not say who signed in.' };
  // auth.test failed (Slack unreachable): the workspace can't be confirmed, which is not the person's doing.
  if (!expected.team)
    return { ok: false, reason: 'opsbot could not confirm its own workspace with Slack; try again in a moment.' };
  if (team !== expected.team) return { ok: false, reason: "You signed in to another workspace than opsbot's." };
  return { ok: true, user, team };
}

function idTokenClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return claims && typeof claims === 'object' ? claims : undefined;
  } catch {
    return undefined;
  }
}
