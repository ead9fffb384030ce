// AUDIT_KEY: every row from the `audit.key.enabled` event on carries HMAC(key, hash), so a writer with database access
// alone cannot re-hash the chain into a valid one; set on an existing chain, the switch itself is an event.
import { createHash } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { describeWithPostgres } from '../support/infra.js';
import { AUDIT_KEY, type Chain, createChain, forge } from './helpers.js';

const keyed = { AUDIT_KEY };

describeWithPostgres('the keyed audit chain', { timeout: 60_000 }, () => {
  const chains: Chain[] = [];
  afterEach(async () => {
    for (const chain of chains.splice(0)) await chain.drop();
  });
  const fresh = async () => {
    const chain = await createChain();
    chains.push(chain);
    return chain;
  };

  it('records the key switch on an existing chain as audit.key.enabled, keying the rows from it on', async () => {
    const chain = await fresh();
    await chain.append(3);
    await chain.append(2, keyed);
    const rows = await chain.database.query<{ seq: number; action: string; params: any; mac: string | null }>(
      'select seq::int as seq, action, params, mac from audit_events order by seq',
    );
    expect(rows.map((r) => [r.seq, r.action, r.mac !== null])).toEqual([
      [1, 'test.event', false],
      [2, 'test.event', false],
      [3, 'test.event', false],
      [4, 'audit.key.enabled', true],
      [5, 'test.event', true],
      [6, 'test.event', true],
    ]);
    const keyId = createHash('sha256').update(Buffer.from(AUDIT_KEY, 'hex')).digest('hex').slice(0, 12);
    expect(rows[3]?.params).toEqual({ keyId });
    const result = await chain.verify(keyed);
    expect(result.out).toContain('Keyed from row 4: macs checked');
    expect(result.code, result.out).toBe(0);
  });

  it('catches a full re-hash forgery by its macs, which the plain chain cannot', async () => {
    const chain = await fresh();
    await chain.append(6, keyed);
    await forge(chain, 3, 'forged');
    expect((await chain.verify(keyed)).out).toContain(
      'BROKEN at row 3: its mac does not match AUDIT_KEY: the row was rewritten by someone without the key',
    );
    expect((await chain.verify(keyed)).code).toBe(1);
  });

  it('says the macs could not be checked when AUDIT_KEY is not set, rather than OK', async () => {
    const chain = await fresh();
    await chain.append(2, keyed);
    const result = await chain.verify();
    expect(result.code).toBe(1);
    expect(result.out).toContain('rows from 1 on carry macs, but AUDIT_KEY is not set: the macs could not be checked');
    expect(result.out).not.toContain('Audit chain OK');
  });

  it('fails when the macs were stripped from a keyed chain and it was re-hashed', async () => {
    const chain = await fresh();
    await chain.append(4, keyed);
    await chain.tamper('update audit_events set mac = null');
    await forge(chain, 2, 'forged');
    const result = await chain.verify(keyed);
    expect(result.code).toBe(1);
    expect(result.out).toContain('AUDIT_KEY is set, but no row carries a mac');
  });

  it('refuses an AUDIT_KEY that is too short or not hex or base64, without echoing it', async () => {
    for (const bad of [
      'abcdef0123',
      'not a key at all, not even close to it!!',
      Buffer.alloc(16, 7).toString('base64'),
    ]) {
      const err: string[] = [];
      const code = await runCli(['config', 'check'], {
        env: { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'a-signing-secret', AUDIT_KEY: bad },
        out: () => {},
        err: (t) => err.push(t),
      });
      expect(code).toBe(2);
      expect(err.join('\n')).toContain('AUDIT_KEY: is not at least 32 random bytes as hex');
      expect(err.join('\n')).not.toContain(bad);
    }
  });
});
