// GitHub -> PullRequestFacts: one pull request with its reviews and head-commit checks, and who added a label.
import type { Octokit } from '@octokit/rest';
import { listAllPages, PER_PAGE } from '../github/pages.js';
import type { PullRequestCheck, PullRequestFacts, PullRequestReview } from './rules.js';

export const splitRepo = (repo: string) => {
  const [owner = '', name = ''] = repo.split('/');
  return { owner, repo: name };
};

interface PullData {
  number: number;
  title: string;
  html_url: string;
  body: string | null;
  user: { login: string } | null;
  labels: { name?: string }[];
  merged_at: string | null;
  base: { ref: string };
  head: { sha: string };
}

/** A pull request as the rules read it; rejects with GitHub's 404 when there is no such pull request. */
export async function fetchPullRequest(octokit: Octokit, repo: string, number: number): Promise<PullRequestFacts> {
  const where = splitRepo(repo);
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    ...where,
    pull_number: number,
  });
  const pull = data as unknown as PullData;
  const [reviews, checks] = await Promise.all([
    fetchReviews(octokit, repo, number),
    fetchChecks(octokit, repo, pull.head.sha),
  ]);
  return {
    repo,
    number: pull.number,
    title: pull.title,
    url: pull.html_url,
    author: pull.user?.login ?? 'ghost',
    body: pull.body ?? '',
    labels: pull.labels.map((l) => l.name ?? '').filter(Boolean),
    mergedAt: pull.merged_at,
    baseRef: pull.base.ref,
    headSha: pull.head.sha,
    reviews,
    checks,
  };
}

async function fetchReviews(octokit: Octokit, repo: string, number: number): Promise<PullRequestReview[]> {
  const reviews = await listAllPages<{ user: { login: string } | null; state: string; submitted_at?: string | null }>(
    octokit,
    'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    { ...splitRepo(repo), pull_number: number },
  );
  return reviews.map((r) => ({ login: r.user?.login ?? 'ghost', state: r.state, submittedAt: r.submitted_at ?? null }));
}

/** Check runs and commit statuses of the head commit; the combined status already keeps each context's latest. */
async function fetchChecks(octokit: Octokit, repo: string, sha: string): Promise<PullRequestCheck[]> {
  const where = { ...splitRepo(repo), ref: sha };
  const runs: PullRequestCheck[] = [];
  // Check runs come wrapped ({ total_count, check_runs }), so listAllPages does not fit; few commits have over 100.
  for (let page = 1; ; page++) {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      ...where,
      per_page: PER_PAGE,
      page,
    });
    for (const run of data.check_runs) runs.push({ name: run.name, kind: 'check-run', result: run.conclusion });
    if (data.check_runs.length < PER_PAGE || runs.length >= data.total_count) break;
  }
  const { data: combined } = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/status', where);
  const statuses = combined.statuses.map(
    (s): PullRequestCheck => ({ name: s.context, kind: 'status', result: s.state }),
  );
  return [...runs, ...statuses];
}

/** Who last added label to the issue or pull request, and when, from its events; undefined when no event says. */
export async function whoLabelled(
  octokit: Octokit,
  repo: string,
  number: number,
  label: string,
): Promise<{ login: string; at: string } | undefined> {
  const events = await listAllPages<{
    event: string;
    actor: { login: string } | null;
    label?: { name: string };
    created_at: string;
  }>(octokit, 'GET /repos/{owner}/{repo}/issues/{issue_number}/events', { ...splitRepo(repo), issue_number: number });
  const added = events.filter((e) => e.event === 'labeled' && e.label?.name.toLowerCase() === label.toLowerCase());
  const last = added.at(-1);
  return last ? { login: last.actor?.login ?? 'ghost', at: last.created_at } : undefined;
}
