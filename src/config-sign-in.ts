// Sign in with Slack for the /runs/<id> report pages: OPSBOT_PUBLIC_URL, SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, all
// three or none (two of three would start a bot whose links lead to a page that cannot sign anyone in).
import { z } from 'zod';
import { type Config, httpUrl } from './config-model.js';
import type { Env, Reader } from './config-read.js';

const VARIABLES = ['OPSBOT_PUBLIC_URL', 'SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET'] as const;

export function readSignIn(env: Env, { read }: Reader, problems: string[]): Pick<Config, 'signIn'> {
  const given = VARIABLES.filter((name) => env[name]);
  if (given.length === 0) return {};
  const publicUrl = read(
    'OPSBOT_PUBLIC_URL',
    httpUrl.refine((url) => !/[?#]/.test(url), 'must be a base URL without ? or #'),
    'https://opsbot.example.com',
  );
  // Slack shows the client id as digits and a dot: 1234567890.0987654321.
  const clientId = read(
    'SLACK_CLIENT_ID',
    z.string().regex(/^\d+\.\d+$/, 'is not a Slack client id (digits, a dot, digits)'),
    '1234567890.0987654321',
  );
  const clientSecret = read('SLACK_CLIENT_SECRET', z.string().min(16, 'is too short'), '8f3c2b1e…');
  for (const name of VARIABLES.filter((n) => !env[n]))
    problems.push(
      `${name}: is not set but ${given.join(' and ')} ${given.length === 1 ? 'is' : 'are'}; report pages need all three (OPSBOT_PUBLIC_URL, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET) or none. README: "Report pages"`,
    );
  if (!publicUrl || !clientId || !clientSecret) return {};
  return { signIn: { publicUrl: publicUrl.replace(/\/+$/, ''), clientId, clientSecret } };
}
