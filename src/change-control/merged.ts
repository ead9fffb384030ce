// The pull requests merged into a repository's default branch in a week, through GitHub's search (paginated; the
// client's throttling keeps search to GitHub's pace).
import type { Octokit } from '@octokit/rest';
import { PER_PAGE } from '../github/pages.js';
import { splitRepo } from './pull-requests.js';
import type { Week } from './week.js';

/** GitHub's search returns at most 1000 results per query: a busier window is searched again a day at a time. */
const SEARCH_CAP = 1000;
const DAY_MS = 86_400_000;

export interface MergedList {
  repo: string;
  defaultBranch: string;
  numbers: number[];
  /** Set when even a single day held more than GitHub's search returns. */
  incomplete?: string;
}

const stamp = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

async function search(octokit: Octokit, q: string): Promise<{ total: number; numbers: number[] }> {
  const page = (n: number) =>
    octokit.request('GET /search/issues', { q, per_page: PER_PAGE, page: n, sort: 'created', order: 'asc' });
  const first = await page(1);
  const total = first.data.total_count;
  const numbers = first.data.items.map((i) => i.number);
  const pages = Math.ceil(Math.min(total, SEARCH_CAP) / PER_PAGE);
  for (let n = 2; n <= pages; n++) numbers.push(...(await page(n)).data.items.map((i) => i.number));
  return { total, numbers };
}

export async function mergedInWeek(octokit: Octokit, repo: string, week: Week): Promise<MergedList> {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}', splitRepo(repo));
  const defaultBranch = data.default_branch;
  const query = (from: Date, to: Date) =>
    `repo:${repo} is:pr is:merged base:${defaultBranch} merged:${stamp(from)}..${stamp(new Date(to.getTime() - 1000))}`;
  const whole = await search(octokit, query(week.start, week.end));
  if (whole.total <= SEARCH_CAP) return { repo, defaultBranch, numbers: unique(whole.numbers) };
  const numbers: number[] = [];
  let incomplete: string | undefined;
  for (let day = week.start.getTime(); day < week.end.getTime(); day += DAY_MS) {
    const found = await search(octokit, query(new Date(day), new Date(day + DAY_MS)));
    if (found.total > SEARCH_CAP)
      incomplete = `over ${SEARCH_CAP} merges on ${stamp(new Date(day)).slice(0, 10)}: only the first ${SEARCH_CAP} are listed`;
    numbers.push(...found.numbers);
  }
  return { repo, defaultBranch, numbers: unique(numbers), ...(incomplete ? { incomplete } : {}) };
}

const unique = (numbers: number[]) => [...new Set(numbers)].sort((a, b) => a - b);
