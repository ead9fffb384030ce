// The approvals API's event stream (server-sent events), which the CLI's --wait follows: the state at once,
// heartbeat comments while nothing happens, the decision as it is taken, and the end of the stream at the decision
// or at the request's expiry.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Bot } from '../support/bot.js';
import { describeWithPostgres } from '../support/infra.js';
import { API_TOKEN, clickApprove, PEOPLE, runRemote, SHA, startApprovalsBot } from './helpers.js';

interface Stream {
  /** Everything received so far, with the time each chunk arrived. */
  chunks: { at: number; text: string }[];
  text(): string;
  ended: Promise<number>;
  until(pattern: RegExp, timeoutMs?: number): Promise<number>;
}

async function follow(url: string, headers: Record<string, string> = {}): Promise<{ status: number; stream: Stream }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${API_TOKEN}`, ...headers } });
  const chunks: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  const waiters = new Set<() => void>();
  const ended = (async () => {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push({ at: performance.now(), text: decoder.decode(chunk, { stream: true }) });
      for (const wake of waiters) wake();
    }
    for (const wake of waiters) wake();
    return performance.now();
  })();
  const text = () => chunks.map((c) => c.text).join('');
  const until = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${JSON.stringify(text())}`)), timeoutMs);
      const check = () => {
        if (!pattern.test(text())) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(chunks.at(-1)!.at);
      };
      waiters.add(check);
      check();
    });
  return { status: res.status, stream: { chunks, text, ended, until } };
}

const events = (text: string) =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => ({
      event: /^event: (\w+)/.exec(block)![1],
      data: JSON.parse(/\ndata: (.*)/.exec(block)![1]!) as { request: { status: string; id: string }; line: string },
    }));

describeWithPostgres('the approvals event stream', () => {
  let bot: Bot;
  const open = async (body: Record<string, unknown> = {}) => {
    const res = await fetch(`${bot.url}/api/approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        env: 'production',
        ref: 'v3.0.0',
        sha: SHA,
        title: 'Release 3.0.0',
        requestedBy: 'octocat',
        timeoutSeconds: 3600,
        ...body,
      }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { request: { id: string } }).request.id;
  };

  beforeAll(async () => {
    bot = await startApprovalsBot();
  });
  afterAll(() => bot?.stop());

  it('sends the state at once, heartbeats while pending, and the decision within 1 s of the second approval', async () => {
    const id = await open();
    const { status, stream } = await follow(`${bot.url}/api/approvals/${id}/events?heartbeat=1`);
    expect(status).toBe(200);
    await stream.until(/event: state\n/);
    expect(events(stream.text())[0]).toMatchObject({ event: 'state', data: { request: { id, status: 'pending' } } });
    await stream.until(/\n: heartbeat /, 5_000);
    await clickApprove(bot, PEOPLE.ann, id);
    await clickApprove(bot, PEOPLE.bob, id);
    const clicked = performance.now();
    const decidedAt = await stream.until(/event: decision\n/);
    expect(decidedAt - clicked).toBeLessThan(1000);
    const decision = events(stream.text()).at(-1)!;
    expect(decision.data.request.status).toBe('approved');
    expect(decision.data.line).toContain('Approved: production v3.0.0');
    expect(await stream.ended).toBeGreaterThanOrEqual(decidedAt);
  });

  it('serves the same stream for `Accept: text/event-stream` and ends it at the expiry', async () => {
    const id = await open({ timeoutSeconds: 2 });
    const { status, stream } = await follow(`${bot.url}/api/approvals/${id}`, { accept: 'text/event-stream' });
    expect(status).toBe(200);
    await stream.ended;
    expect(events(stream.text()).map((e) => [e.event, e.data.request.status])).toEqual([
      ['state', 'pending'],
      ['decision', 'expired'],
    ]);
    const [row] = await bot.db.query('select status from approval_requests where id = $1', [id]);
    expect(row).toEqual({ status: 'expired' });
  });

  it('ends at once with the decision for a request already decided, and refuses bad input', async () => {
    const id = await open({ timeoutSeconds: 1 });
    await follow(`${bot.url}/api/approvals/${id}/events`).then(({ stream }) => stream.ended);
    const { stream } = await follow(`${bot.url}/api/approvals/${id}/events`);
    await stream.ended;
    expect(events(stream.text()).map((e) => e.event)).toEqual(['decision']);
    const missing = await fetch(`${bot.url}/api/approvals/a_nothing/events`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(missing.status).toBe(404);
    const badBeat = await fetch(`${bot.url}/api/approvals/${id}/events?heartbeat=0`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(badBeat.status).toBe(400);
    const noToken = await fetch(`${bot.url}/api/approvals/${id}/events`);
    expect(noToken.status).toBe(401);
  });

  it('lets the CLI --wait (through OPSBOT_URL) print the decision within 1 s of the second approval', async () => {
    const before = bot.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C_DEPLOY').length;
    const cli = runRemote(bot, [
      'approval',
      'request',
      '--env',
      'production',
      '--ref',
      'v3.1.0',
      '--sha',
      SHA,
      '--title',
      'Release 3.1.0',
      '--requested-by',
      'octocat',
      '--wait',
    ]);
    const posts = await bot.slack.waitFor('chat.postMessage', before + 1);
    const [row] = await bot.db.query<{ id: string }>("select id from approval_requests where ref = 'v3.1.0'");
    expect(posts.length).toBeGreaterThan(before);
    await clickApprove(bot, PEOPLE.ann, row!.id);
    await clickApprove(bot, PEOPLE.bob, row!.id);
    const clicked = performance.now();
    expect(await cli.exited).toBe(0);
    expect(performance.now() - clicked).toBeLessThan(1000);
    expect(cli.stdout()).toContain('Approved: production v3.1.0');
  });

  it('binds approvals to env + ref + sha: a request for another sha of the same ref stays pending', async () => {
    const first = await open({ ref: 'v6.0.0' });
    const other = await open({ ref: 'v6.0.0', sha: 'f'.repeat(40) });
    expect(other).not.toBe(first);
    await clickApprove(bot, PEOPLE.ann, first);
    await clickApprove(bot, PEOPLE.bob, first);
    const { stream } = await follow(`${bot.url}/api/approvals/${first}/events`);
    await stream.ended;
    expect(events(stream.text()).at(-1)!.data.request.status).toBe('approved');
    const rows = await bot.db.query<{ id: string; status: string; votes: number }>(
      `select r.id, r.status, (select count(*)::int from approval_votes v where v.request_id = r.id) as votes
         from approval_requests r where r.ref = 'v6.0.0' order by r.sha`,
    );
    expect(rows).toEqual([
      { id: first, status: 'approved', votes: 2 },
      { id: other, status: 'pending', votes: 0 },
    ]);
  });
});
