// maskUrl and maskSecrets: every form of a connection password that pg accepts is hidden.
import { describe, expect, it } from 'vitest';
import { maskSecrets, maskUrl } from '../../src/redact.js';

describe('masking secrets', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/app', 'postgres://app:****@db:5432/app'],
    ['postgresql://app:p@ss@db/app', 'postgresql://app:****@db/app'],
    ['postgresql://app@db/app?password=hunter22', 'postgresql://app@db/app?password=****'],
    [
      'postgresql://app@db/app?sslmode=require&sslpassword=keypass&x=1',
      'postgresql://app@db/app?sslmode=require&sslpassword=****&x=1',
    ],
    ['redis://:r3dis@cache:6379/0', 'redis://:****@cache:6379/0'],
    ['postgres://app@db/app', 'postgres://app@db/app'],
    ['https://staging.example.com/healthz', 'https://staging.example.com/healthz'],
  ])('maskUrl(%s) is %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('masks URLs, tokens and given secrets inside free text', () => {
    const text =
      'pg_dump: connection to postgresql://app:pw1@h/db?password=pw2 failed; token xoxb-1-2-abc; key=sekrit99';
    const masked = maskSecrets(text, ['sekrit99']);
    expect(masked).not.toMatch(/pw1|pw2|xoxb-1-2-abc|sekrit99/);
    expect(masked).toContain('postgresql://app:****@h/db?password=****');
  });
});
