// pino JSON logs: secret-named fields are redacted at any depth, and every string logged (message, field, error) has
// URL passwords and token-shaped text masked. Written to stderr: stdout belongs to what a command answers.
import { type Logger, pino } from 'pino';
import { maskDeep, maskSecrets } from './redact.js';

const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'clientSecret',
  'client_secret',
  'secretAccessKey',
  'sessionToken',
  'password',
  'secret',
  'authorization',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'config.slack',
  'config.smtp.password',
  'config.github.token',
];
const SECRET_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createLogger(
  level = 'info',
  destination?: pino.DestinationStream,
  extraSecrets: string[] = [],
): Logger {
  return pino(
    {
      level,
      base: { app: 'opsbot' },
      redact: { paths: SECRET_PATHS, censor: '****' },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => maskDeep(object, extraSecrets) as Record<string, unknown>,
      },
      hooks: {
        // The message itself: an error text that quotes a connection URL, say.
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskSecrets(arg, extraSecrets) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
      serializers: {
        // An error's text given as `err` (many callers pass String(error)) is masked as it is, never dereferenced.
        err: (error: unknown) =>
          error instanceof Error
            ? {
                type: error.name,
                message: maskSecrets(String(error.message), extraSecrets),
                stack: error.stack && maskSecrets(error.stack, extraSecrets),
              }
            : maskSecrets(String(error), extraSecrets),
      },
    },
    // stderr by default: stdout is for what a command answers (JSON reports, audit verify), never log lines.
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
