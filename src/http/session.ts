// Signed cookies for the report pages: the sign-in session (who, which workspace, until when) and the short-lived
// state of a sign-in under way. HMAC-SHA256 with a key derived from SLACK_SIGNING_SECRET, so no new secret is needed
// and the signing secret itself never signs anything but Slack's requests. Each cookie has a key of its own: a value
// sealed as one cookie never opens as the other.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'opsbot_session';
export const SIGN_IN_COOKIE = 'opsbot_sign_in';
export const SESSION_MS = 12 * 3_600_000;
// Long enough to pick an account on Slack's consent screen, short enough that a stolen state is soon useless.
export const SIGN_IN_MS = 10 * 60_000;

export interface Session {
  user: string;
  team: string;
}
export interface SignInState {
  state: string;
  nonce: string;
  /** The local path to return to (always under /runs/). */
  returnTo: string;
}

export interface CookieSigner {
  /** value (JSON), with its expiry, as `payload.mac` in base64url. */
  seal(value: object, expiresAt: Date): string;
  /** The value of a cookie sealed by seal; undefined when forged, damaged or expired. */
  open<T>(cookie: string | undefined, now: Date): T | undefined;
}

/** The signer of the cookie called name (SESSION_COOKIE, SIGN_IN_COOKIE). */
export function cookieSigner(signingSecret: string, name: string): CookieSigner {
  const key = Buffer.from(hkdfSync('sha256', signingSecret, 'opsbot', `opsbot report pages cookie ${name} v2`, 32));
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    seal(value, expiresAt) {
      const payload = Buffer.from(JSON.stringify({ v: value, exp: expiresAt.getTime() })).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    open<T>(cookie: string | undefined, now: Date): T | undefined {
      const [payload, given, ...rest] = (cookie ?? '').split('.');
      if (!payload || !given || rest.length > 0) return undefined;
      const expected = mac(payload);
      const actual = Buffer.from(given, 'base64url');
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
      try {
        const { v, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { v: T; exp: number };
        return typeof exp === 'number' && exp > now.getTime() && v && typeof v === 'object' ? v : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The cookies of a request, by name (the first of a repeated name wins). */
export function readCookies(req: IncomingMessage): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    if (!(name in cookies)) cookies[name] = part.slice(at + 1).trim();
  }
  return cookies;
}

/** A Set-Cookie value: HttpOnly, SameSite=Lax (the callback arrives by a top-level redirect from Slack), Secure on https. */
export function setCookie(name: string, value: string, maxAgeMs: number, secure: boolean): string {
  return [
    `${name}=${value}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
