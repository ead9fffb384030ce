// Sign in with Slack as a browser does it: fetch with manual redirects and a cookie jar, through the fake Slack's
// authorize page and back to the bot; the public URL's origin is mapped onto the bot's local one.
import type { Bot } from '../support/bot.js';

export const PUBLIC_URL = 'https://opsbot.test';
export const CLIENT_ID = '1111111111.2222222222';
export const CLIENT_SECRET = 'client-secret-0123456789abcdef';
export const signInEnv = {
  OPSBOT_PUBLIC_URL: PUBLIC_URL,
  SLACK_CLIENT_ID: CLIENT_ID,
  SLACK_CLIENT_SECRET: CLIENT_SECRET,
};

export class Browser {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie header seen, as sent. */
  readonly setCookies: string[] = [];
  constructor(private readonly bot: Bot) {}

  /** One request, no redirect followed; the public URL's origin goes to the bot. */
  async get(url: string): Promise<Response> {
    const target = url.startsWith(PUBLIC_URL) ? `${this.bot.url}${url.slice(PUBLIC_URL.length)}` : url;
    const absolute = target.startsWith('/') ? `${this.bot.url}${target}` : target;
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(absolute, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    if (absolute.startsWith(this.bot.url)) {
      for (const line of res.headers.getSetCookie()) {
        this.setCookies.push(line);
        const [pair = ''] = line.split(';');
        const at = pair.indexOf('=');
        const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
        if (/Max-Age=0\b/.test(line) || !value) this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
    }
    return res;
  }

  /** Follows redirects (at most 6), returning every response in order. */
  async follow(url: string): Promise<Response[]> {
    const seen: Response[] = [];
    let next: string | undefined = url;
    while (next && seen.length < 6) {
      const res = await this.get(next);
      seen.push(res);
      next = res.status >= 300 && res.status < 400 ? (res.headers.get('location') ?? undefined) : undefined;
    }
    return seen;
  }
}
