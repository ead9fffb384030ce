// Logs never carry secrets: secret-named fields, URL passwords, token-shaped text, the configured secrets themselves.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

function capture(extraSecrets: string[] = []) {
  const lines: string[] = [];
  const log = createLogger('info', { write: (line: string) => void lines.push(line) }, extraSecrets);
  return { log, text: () => lines.join('') };
}

describe('log redaction', () => {
  it('redacts secret-named fields at the top and nested', () => {
    const { log, text } = capture();
    log.info(
      {
        token: 'tok-1',
        config: { smtp: { password: 'smtp-pw-2' } },
        req: { headers: { authorization: 'Bearer abc-3' } },
      },
      'x',
    );
    expect(text()).not.toMatch(/tok-1|smtp-pw-2|abc-3/);
  });

  it('masks connection-URL passwords and tokens inside any field, message or error', () => {
    const { log, text } = capture();
    log.info(
      { source: { url: 'postgres://app:pw-url-4@db:5432/app' }, list: ['see xoxb-123-456-secretish'] },
      'dumping',
    );
    log.warn('failed: redis://:pw-msg-5@cache:6379');
    log.error({ err: new Error('connect to postgresql://u:pw-err-6@h/db refused') }, 'boom');
    expect(text()).not.toMatch(/pw-url-4|secretish|pw-msg-5|pw-err-6/);
    expect(text()).toContain('postgres://app:****@db:5432/app');
  });

  it('redacts secret-named fields at any depth and in any case', () => {
    const { log, text } = capture();
    log.info(
      { run: { params: { env: { password: 'deep-pw-8' } } }, req: { headers: { Authorization: 'Bearer cap-9' } } },
      'x',
    );
    log.info({ a: { b: { c: { d: { e: { f: 'postgres://u:deep-url-10@h/db' } } } } } }, 'y');
    expect(text()).not.toMatch(/deep-pw-8|cap-9|deep-url-10/);
  });

  it('masks the configured secrets wherever they appear', () => {
    const { log, text } = capture(['signing-secret-7']);
    log.info({ note: 'the secret is signing-secret-7' }, 'echo signing-secret-7');
    expect(text()).not.toContain('signing-secret-7');
  });
});
