// bench/approvals: 100 concurrent requests through the HTTP API and 400 Approve clicks from 20 people, spread over two
// replicas sharing Postgres and Redis: every request ends approved by exactly two people, every click leaves exactly
// one audit event and one reply, and the time from the first click to the last decision is reported.
import { randomInt } from 'node:crypto';
import { type Bot, startBot } from '../test/support/bot.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../test/support/infra.js';
import type { BenchResult } from './run.js';

const REQUESTS = 100;
const CLICKS_PER_REQUEST = 4;
const PEOPLE = Array.from({ length: 20 }, (_, i) => `U0P${String(i).padStart(2, '0')}`);
const TOKEN = 'bench-token-0123456789abcdef';
const IN_FLIGHT = 100;
const SHA = 'b'.repeat(40);

async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

export async function run(): Promise<BenchResult> {
  if (!TEST_DATABASE_URL || !TEST_REDIS_URL)
    throw new Error('bench/approvals needs TEST_DATABASE_URL and TEST_REDIS_URL');
  const env = {
    ENVIRONMENTS: 'production',
    SEED_ENVIRONMENTS: 'production',
    PRODUCTION_APPROVERS: PEOPLE.join(','),
    SLACK_DEPLOY_CHANNEL: 'C_DEPLOY',
    OPSBOT_API_TOKENS: `bench=${TOKEN}`,
    OPSBOT_API_RATE_PER_MIN: '100000',
    LOG_LEVEL: 'warn',
  };
  const a = await startBot({ env });
  const b = await startBot({ env, slack: a.slack, databaseUrl: a.databaseUrl, redisPrefix: a.redisPrefix });
  const replicas: Bot[] = [a, b];
  try {
    const opened = await pool(
      Array.from({ length: REQUESTS }, (_, i) => async () => {
        const res = await fetch(`${replicas[i % 2]!.url}/api/approvals`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            env: 'production',
            ref: `v${i}`,
            sha: SHA,
            title: `Release ${i}`,
            requestedBy: 'octocat',
            timeoutSeconds: 3600,
          }),
        });
        if (res.status !== 201) throw new Error(`request ${i} answered ${res.status}: ${await res.text()}`);
        return ((await res.json()) as { request: { id: string } }).request.id;
      }),
      IN_FLIGHT,
    );
    // Four clicks per request by people picked at random (repeats included), shuffled, each to a random replica.
    const clicks = opened.flatMap((id) =>
      Array.from({ length: CLICKS_PER_REQUEST }, () => ({ id, user: PEOPLE[randomInt(PEOPLE.length)]! })),
    );
    for (let i = clicks.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [clicks[i], clicks[j]] = [clicks[j]!, clicks[i]!];
    }
    const started = performance.now();
    const statuses = await pool(
      clicks.map(
        (c) => async () =>
          (
            await replicas[randomInt(2)]!.action({
              actionId: 'approvals.approve',
              value: c.id,
              user: c.user,
              channel: 'C_DEPLOY',
            })
          ).status,
      ),
      IN_FLIGHT,
    );
    await a.slack.waitFor('response_url', clicks.length, 120_000);
    const lastDecisionMs = performance.now() - started;

    const distinct = new Map<string, Set<string>>();
    for (const c of clicks) distinct.set(c.id, (distinct.get(c.id) ?? new Set()).add(c.user));
    const expectApproved = [...distinct.values()].filter((s) => s.size >= 2).length;
    const [row] = await a.db.query<{ approved: number; votes: number; over: number; events: number }>(
      `select (select count(*)::int from approval_requests where status = 'approved') as approved,
              (select count(*)::int from approval_votes) as votes,
              (select count(*)::int from (select request_id from approval_votes group by request_id having count(*) > 2) x) as over,
              (select count(*)::int from audit_events where action = 'approval.approve') as events`,
    );
    const expectVotes = [...distinct.values()].reduce((n, s) => n + Math.min(2, s.size), 0);
    const verdicts = await a.db.query<{ outcome: string; n: number }>(
      `select outcome, count(*)::int as n from audit_events where action = 'approval.approve' group by outcome order by outcome`,
    );
    const exact =
      row!.approved === expectApproved &&
      row!.votes === expectVotes &&
      row!.over === 0 &&
      row!.events === clicks.length &&
      statuses.every((s) => s === 200);
    return {
      name: 'approvals',
      figures: {
        requests: REQUESTS,
        clicks: clicks.length,
        approved: row!.approved,
        expectedApproved: expectApproved,
        votes: row!.votes,
        expectedVotes: expectVotes,
        auditEvents: row!.events,
        lastDecisionMs: Math.round(lastDecisionMs),
      },
      goal: 'every click audited once, every request with 2 distinct people approved once, none lost',
      met: exact,
      notes: [
        ...(
          await a.db.query<{ e: string; n: number }>(
            "select params->>'error' as e, count(*)::int as n from audit_events where outcome = 'error' group by 1",
          )
        ).map((r) => `error x${r.n}: ${r.e}`),
        `two replicas sharing Postgres and Redis; requests ${IN_FLIGHT} in flight, clicks one at a time per person; click outcomes: ${verdicts.map((v) => `${v.outcome} ${v.n}`).join(', ')}`,
      ],
    };
  } finally {
    await b.stop();
    await a.stop();
  }
}
