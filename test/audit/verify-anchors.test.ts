// `opsbot audit verify` against the chain's anchors: rows deleted from the end, the newest row rewritten and
// re-hashed, and a truncated table are each named once an anchor exists; an edit in the middle still is.
import { afterEach, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/infra.js';
import { type Chain, createChain, forge } from './helpers.js';

describeWithPostgres('opsbot audit verify with anchors', { timeout: 60_000 }, () => {
  const chains: Chain[] = [];
  afterEach(async () => {
    for (const chain of chains.splice(0)) await chain.drop();
  });
  /** 12 events, anchored at row 12 by the anchor job. */
  async function anchoredChain(): Promise<Chain> {
    const chain = await createChain();
    chains.push(chain);
    await chain.append(12);
    await chain.anchor();
    return chain;
  }

  it('says only edits inside the chain can be detected while no anchor exists, and passes an intact chain', async () => {
    const chain = await createChain();
    chains.push(chain);
    await chain.append(3);
    const result = await chain.verify();
    expect(result.code).toBe(0);
    expect(result.out).toContain('Audit chain OK.');
    expect(result.err).toContain('only edits inside the chain can be detected');
  });

  it('passes an anchored chain that grew after its anchor, naming the anchor', async () => {
    const chain = await anchoredChain();
    await chain.append(2);
    const result = await chain.verify();
    expect(result.out).toContain('Newest anchor: row 12 on ');
    expect(result.out).toContain('audit-anchors.jsonl');
    expect(result.code, result.out).toBe(0);
  });

  it.each([1, 2, 10])('fails naming the gap when the newest %i rows are deleted', async (deleted) => {
    const chain = await anchoredChain();
    await chain.tamper(`delete from audit_events where seq > ${12 - deleted}`);
    const result = await chain.verify();
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      new RegExp(`BROKEN: the chain ends at row ${12 - deleted} but was anchored at row 12 on \\d{4}-\\d\\d-\\d\\dT`),
    );
    expect(result.out).toContain(`rows ${13 - deleted}–12 are missing`);
    expect(result.out).not.toContain('Audit chain OK');
  });

  it('fails naming the row when the newest row is rewritten and re-hashed with the chain function', async () => {
    const chain = await anchoredChain();
    await forge(chain, 12, 'rewritten');
    const result = await chain.verify();
    expect(result.code).toBe(1);
    expect(result.out).toContain('BROKEN: row 12 differs from its anchor of ');
  });

  it('fails naming the truncation when the table is emptied', async () => {
    const chain = await anchoredChain();
    await chain.tamper('truncate audit_events');
    const result = await chain.verify();
    expect(result.code).toBe(1);
    expect(result.out).toContain('Rows walked: 0');
    expect(result.out).toContain('BROKEN: the audit table is empty (truncated?) but was anchored at row 12 on ');
  });

  it('still fails naming the row edited in the middle of the chain', async () => {
    const chain = await anchoredChain();
    await chain.tamper("update audit_events set outcome = 'edited' where seq = 5");
    const result = await chain.verify();
    expect(result.code).toBe(1);
    expect(result.out).toContain('BROKEN at row 5: the row was changed after it was written');
  });
});
