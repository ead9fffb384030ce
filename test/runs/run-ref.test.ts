// The evidence line every run message ends with: the run id linked only to a URL that cannot break out of `<url|…>`.
import { describe, expect, it } from 'vitest';
import { runPageUrl } from '../../src/publish/run-links.js';
import { evidenceLine, runIdLink } from '../../src/render/blocks/run-ref.js';

describe('run references in messages', () => {
  it('links the run id to its page, or leaves it plain without one', () => {
    const url = runPageUrl(
      { signIn: { publicUrl: 'https://opsbot.test', clientId: '1.2', clientSecret: 'x' } },
      'r_a1',
    );
    expect(url).toBe('https://opsbot.test/runs/r_a1');
    expect(evidenceLine({ id: 'r_a1', url })).toBe(
      'Evidence: run <https://opsbot.test/runs/r_a1|`r_a1`> · in this thread',
    );
    expect(evidenceLine('r_a1', 'seed log in this thread')).toBe('Evidence: run `r_a1` · seed log in this thread');
    expect(runPageUrl({}, 'r_a1')).toBeUndefined();
  });

  it('never makes a link of a URL carrying |, > or spaces, nor of another scheme', () => {
    for (const url of ['https://x|<!channel>', 'https://x>y', 'https://a b', 'javascript:alert(1)', 'slack://x'])
      expect(runIdLink('r_a1', url)).toBe('`r_a1`');
  });
});
