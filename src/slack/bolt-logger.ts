// Bolt's logger interface over pino, so Bolt's own messages land in the same JSON log.
// Bolt and the Web API share @slack/logger's interface; taken from @slack/web-api so that the CLI, which needs only the
// Web API, does not load Bolt (~0.5 s).
import { type Logger as BoltLogger, LogLevel } from '@slack/web-api';
import type { Logger } from 'pino';

export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
