// pino JSON logs; secrets are redacted by path and URL passwords masked in every string that is logged.
import { type Logger, pino } from 'pino';
import { maskSecrets } from './redact.js';

const SECRET_PATHS = [
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.password',
  '*.secret',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-slack-signature"]',
  'config.slack',
  'config.smtp.password',
  'config.github.token',
].flatMap((path) => [path, `*.${path}`]);

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
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Catches secrets inside free text: an error message that quotes a connection URL, say.
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskSecrets(arg, extraSecrets) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (error: Error) => ({
          type: error.name,
          message: maskSecrets(error.message, extraSecrets),
          stack: error.stack && maskSecrets(error.stack, extraSecrets),
        }),
      },
    },
    destination,
  );
}
