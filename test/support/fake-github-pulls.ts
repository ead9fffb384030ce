// The fake GitHub's repositories: default branches, pull requests with reviews, head-commit check runs and statuses,
// issue events (who added a label), and the issue search that finds merged pull requests, paginated as GitHub does.

export interface FakeReview {
  login: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  submittedAt: string;
}
export interface FakePull {
  number: number;
  title: string;
  body: string;
  author: string;
  labels: string[];
  /** ISO time; null: not merged. */
  mergedAt: string | null;
  /** Default: the repository's default branch. */
  base?: string;
  headSha: string;
  reviews: FakeReview[];
  checkRuns: { name: string; conclusion: string | null }[];
  statuses: { context: string; state: 'success' | 'failure' | 'error' | 'pending' }[];
  /** Issue events; `labeled` ones say who added which label. */
  events: { event: string; actor: string; label?: string; createdAt: string }[];
}
export interface FakeRepo {
  defaultBranch: string;
  pulls: FakePull[];
}

type Answer = (status: number, payload: unknown, headers?: Record<string, string>) => true;

/** A pull request with every rule met unless overrides say otherwise. */
export function fakePull(number: number, overrides: Partial<FakePull> = {}): FakePull {
  return {
    number,
    title: `Change ${number}`,
    body: [
      'Issue URL: https://tickets.example.com/browse/OPS-1',
      '## Risk/Impact',
      'Low: one endpoint.',
      '## Rollback Plan',
      'Revert the commit.',
      '## Tests/Evidence',
      'Unit tests, CI green.',
    ].join('\n'),
    author: 'alice',
    labels: ['has-ticket'],
    mergedAt: '2026-11-25T10:00:00Z',
    headSha: `sha${number}`,
    reviews: [{ login: 'bob', state: 'APPROVED', submittedAt: '2026-11-25T09:00:00Z' }],
    checkRuns: [{ name: 'ci', conclusion: 'success' }],
    statuses: [],
    events: [],
    ...overrides,
  };
}

export class FakeRepos {
  readonly repos = new Map<string, FakeRepo>();
  /** Repositories GitHub refuses, with the status and message it answers every request about them with. */
  readonly refused = new Map<string, { status: number; message: string }>();

  add(repo: string, pulls: FakePull[], defaultBranch = 'main'): void {
    this.repos.set(repo, { defaultBranch, pulls });
  }

  /** Answers the repository routes; undefined for any other path (the caller routes it). */
  route(method: string, url: URL, answer: Answer): true | undefined {
    if (method !== 'GET') return undefined;
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] === 'search' && parts[1] === 'issues') return this.search(url, answer);
    if (parts[0] !== 'repos') return undefined;
    const refusal = this.refused.get(`${parts[1]}/${parts[2]}`);
    if (refusal) return answer(refusal.status, { message: refusal.message });
    const repo = this.repos.get(`${parts[1]}/${parts[2]}`);
    if (!repo)
      return parts[3] === 'issues' && parts[5] !== 'events' ? undefined : answer(404, { message: 'Not Found' });
    const rest = parts.slice(3);
    // Issues themselves (GITHUB_REPO's review issues) are the main fake's.
    if (rest[0] === 'issues' && rest[2] !== 'events') return undefined;
    const name = `${parts[1]}/${parts[2]}`;
    if (rest.length === 0) return answer(200, { full_name: name, default_branch: repo.defaultBranch });
    if (rest[0] === 'pulls') {
      const pull = repo.pulls.find((p) => p.number === Number(rest[1]));
      if (!pull) return answer(404, { message: 'Not Found' });
      if (rest.length === 2) return answer(200, pullJson(name, repo, pull));
      if (rest[2] === 'reviews')
        return page(
          pull.reviews.map((r, i) => ({
            id: i + 1,
            user: { login: r.login },
            state: r.state,
            submitted_at: r.submittedAt,
          })),
          url,
          answer,
        );
    }
    if (rest[0] === 'commits') {
      const pull = repo.pulls.find((p) => p.headSha === rest[1]);
      if (!pull) return answer(404, { message: 'No commit found for SHA' });
      if (rest[2] === 'check-runs') {
        const runs = pull.checkRuns.map((c, i) => ({
          id: i + 1,
          name: c.name,
          status: 'completed',
          conclusion: c.conclusion,
        }));
        const { items, headers } = slice(runs, url);
        return answer(200, { total_count: runs.length, check_runs: items }, headers);
      }
      if (rest[2] === 'status') {
        const state = pull.statuses.some((s) => s.state === 'failure' || s.state === 'error') ? 'failure' : 'success';
        return answer(200, { state, statuses: pull.statuses.map((s, i) => ({ id: i + 1, ...s })) });
      }
    }
    if (rest[0] === 'issues' && rest[2] === 'events') {
      const pull = repo.pulls.find((p) => p.number === Number(rest[1]));
      if (!pull) return answer(404, { message: 'Not Found' });
      return page(
        pull.events.map((e, i) => ({
          id: i + 1,
          event: e.event,
          actor: { login: e.actor },
          created_at: e.createdAt,
          ...(e.label ? { label: { name: e.label } } : {}),
        })),
        url,
        answer,
      );
    }
    return answer(404, { message: 'Not Found' });
  }

  /** `repo:o/r is:pr is:merged base:main merged:FROM..TO`, as the digest asks. */
  private search(url: URL, answer: Answer): true {
    const q = url.searchParams.get('q') ?? '';
    const term = (key: string) => new RegExp(`(?:^|\\s)${key}:(\\S+)`).exec(q)?.[1];
    const repoName = term('repo');
    const repo = repoName ? this.repos.get(repoName) : undefined;
    if (!repo || !/\bis:pr\b/.test(q) || !/\bis:merged\b/.test(q))
      return answer(422, { message: 'Validation Failed', errors: [{ message: `unsupported query: ${q}` }] });
    const [from = '', to = ''] = (term('merged') ?? '..').split('..');
    const base = term('base');
    const found = repo.pulls
      .filter(
        (p) => p.mergedAt && Date.parse(p.mergedAt) >= Date.parse(from) && Date.parse(p.mergedAt) <= Date.parse(to),
      )
      .filter((p) => !base || (p.base ?? repo.defaultBranch) === base)
      .map((p) => ({ ...pullJson(repoName!, repo, p), pull_request: { merged_at: p.mergedAt } }));
    const { items, headers } = slice(found, url);
    return answer(200, { total_count: found.length, incomplete_results: false, items }, headers);
  }
}

function pullJson(name: string, repo: FakeRepo, p: FakePull) {
  return {
    number: p.number,
    title: p.title,
    body: p.body,
    html_url: `https://github.test/${name}/pull/${p.number}`,
    user: { login: p.author },
    labels: p.labels.map((l, i) => ({ id: i + 1, name: l })),
    merged_at: p.mergedAt,
    base: { ref: p.base ?? repo.defaultBranch },
    head: { sha: p.headSha },
  };
}

function page(list: unknown[], url: URL, answer: Answer): true {
  const { items, headers } = slice(list, url);
  return answer(200, items, headers);
}

function slice<T>(list: T[], url: URL): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
  const current = Math.max(1, Number(url.searchParams.get('page') ?? 1));
  const last = Math.max(1, Math.ceil(list.length / perPage));
  const link = (n: number, rel: string) => {
    const target = new URL(url);
    target.searchParams.set('page', String(n));
    target.searchParams.set('per_page', String(perPage));
    return `<${target}>; rel="${rel}"`;
  };
  const links = current < last ? [link(current + 1, 'next'), link(last, 'last')] : [];
  return {
    items: list.slice((current - 1) * perPage, current * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}
