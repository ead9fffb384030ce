// bench/access-review: the GitHub snapshot of a 10 000-member org (100 per page, 50 ms per request) against a
// sequential octokit.paginate of the same members in the same run. Goal: at most 0.3× the sequential time.
import { takeSnapshot } from '../src/access/sources.js';
import { loadConfig } from '../src/config.js';
import { createGithub } from '../src/github/client.js';
import { createLogger } from '../src/log.js';
import { generateMembers, OWNER_TOKEN, startFakeGithub } from '../test/support/fake-github.js';
import type { BenchResult } from './run.js';

const MEMBERS = 10_000;
const DELAY_MS = 50;
const ROUNDS = 3;
const GOAL = 0.3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<BenchResult> {
  const github = await startFakeGithub({
    members: generateMembers(MEMBERS, { withoutTwoFactor: 250 }),
    delayMs: DELAY_MS,
  });
  try {
    const config = loadConfig(
      { GITHUB_TOKEN: OWNER_TOKEN, GITHUB_ORG: 'acme', GITHUB_API_URL: github.url },
      { requireSlack: false },
    );
    const log = createLogger('silent');
    const octokit = createGithub(config.github, log)!;
    const deps = { config, github: octokit, log, now: () => new Date() };
    await octokit.request('GET /orgs/{org}', { org: 'acme' }); // warm the connection for both sides alike
    const sequential: number[] = [];
    const snapshot: number[] = [];
    let requests = 0;
    // Alternated, so a slow moment of the machine does not land on one side only.
    for (let round = 0; round < ROUNDS; round++) {
      let started = performance.now();
      const listed = await octokit.paginate('GET /orgs/{org}/members', { org: 'acme', per_page: 100 });
      sequential.push(performance.now() - started);
      if (listed.length !== MEMBERS) throw new Error(`paginate listed ${listed.length} members, not ${MEMBERS}`);
      const before = github.requests.length;
      started = performance.now();
      const taken = await takeSnapshot(deps);
      snapshot.push(performance.now() - started);
      requests = github.requests.length - before;
      const members = taken.github_member.entries.length;
      if (members !== MEMBERS)
        throw new Error(`the snapshot listed ${members} members, not ${MEMBERS}: ${taken.github_member.note}`);
    }
    const ratio = median(snapshot) / median(sequential);
    return {
      name: 'access-review',
      figures: {
        members: MEMBERS,
        perPage: 100,
        delayMs: DELAY_MS,
        sequentialMs: Math.round(median(sequential)),
        snapshotMs: Math.round(median(snapshot)),
        ratio: Number(ratio.toFixed(3)),
        snapshotRequests: requests,
        maxInFlight: github.maxInFlight,
      },
      goal: `ratio ≤ ${GOAL}`,
      met: ratio <= GOAL,
      notes: [
        `medians of ${ROUNDS} alternated rounds; the snapshot also reads admins, 2FA-disabled members, outside collaborators and the org`,
        "pages after the first are fetched 8 at a time per list, under the throttling plugin's limit of 10 in flight",
      ],
    };
  } finally {
    await github.stop();
  }
}
