// Transport security: whether SMTP may skip certificate checks (SMTP_TLS_INSECURE), and how long an inbound HTTP
// request may take to arrive (HTTP_REQUEST_TIMEOUT_MS). Read by config.ts, which reports its problems with the others.
import { count, flag, type HttpConfig } from './config-model.js';

type Env = Record<string, string | undefined>;

export function readTransport(env: Env, problems: string[]): { smtpTlsInsecure: boolean; http: HttpConfig } {
  const insecure = flag.safeParse(env.SMTP_TLS_INSECURE || 'false');
  if (!insecure.success)
    problems.push(
      `SMTP_TLS_INSECURE: \`${env.SMTP_TLS_INSECURE}\` ${insecure.error.issues[0]?.message}. Example: SMTP_TLS_INSECURE=false`,
    );
  const timeout = count(1000)
    .max(300_000, 'must be at most 300000')
    .safeParse(env.HTTP_REQUEST_TIMEOUT_MS || '15000');
  if (!timeout.success)
    problems.push(
      `HTTP_REQUEST_TIMEOUT_MS: \`${env.HTTP_REQUEST_TIMEOUT_MS}\` ${timeout.error.issues[0]?.message}. Example: HTTP_REQUEST_TIMEOUT_MS=15000`,
    );
  return {
    smtpTlsInsecure: insecure.success ? insecure.data : false,
    http: { requestTimeoutMs: timeout.success ? timeout.data : 15_000 },
  };
}
