// A fake GitHub REST API on 127.0.0.1: org members with roles and 2FA, outside collaborators, org settings and issues;
// lists paginated with Link headers, an optional delay per request, the owner-only 2FA filter refused for other
// tokens, and secondary rate limits answered with retry-after, as GitHub does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeRepos } from './fake-github-pulls.js';

export interface FakeMember {
  login: string;
  role: 'admin' | 'member';
  twoFactor: boolean;
}
export interface FakeCollaborator {
  login: string;
  twoFactor: boolean;
}
export interface FakeToken {
  /** Only an org owner may use `filter=2fa_disabled` and see `two_factor_requirement_enabled`. */
  owner: boolean;
  /** Sent back in X-OAuth-Scopes, as for classic tokens. */
  scopes?: string[];
}
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  comments: string[];
  html_url: string;
}
/** An answer to a run waiting on a custom deployment protection rule. */
export interface FakeDeploymentReview {
  repo: string;
  runId: number;
  environment: string;
  state: string;
  comment: string;
  installationToken: string;
}
export interface GithubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  token: string | undefined;
}
export interface FakeGithubOptions {
  org?: string;
  members?: FakeMember[];
  outsideCollaborators?: FakeCollaborator[];
  twoFactorRequired?: boolean;
  tokens?: Record<string, FakeToken>;
  /** Added to every answer, to model a remote API's latency. */
  delayMs?: number;
  /** What GitHub answers a non-owner's `filter=2fa_disabled`: 422 ("Only owners can use this filter") or 403. */
  nonOwnerFilterStatus?: 403 | 422;
}

export const INSTALLATION_TOKEN = 'ghs_fakeInstallationToken0000000';
export const OWNER_TOKEN = 'ghp_fakeOwnerToken000000000000';
export const MEMBER_TOKEN = 'ghp_fakeMemberToken00000000000';

/** n members named `user-00001`…, every tenth an admin, none without 2FA unless said. */
export function generateMembers(count: number, options: { withoutTwoFactor?: number } = {}): FakeMember[] {
  return Array.from({ length: count }, (_, i) => ({
    login: `user-${String(i + 1).padStart(5, '0')}`,
    role: i % 10 === 0 ? 'admin' : 'member',
    twoFactor: i >= (options.withoutTwoFactor ?? 0),
  }));
}

export class FakeGithub {
  org: string;
  members: FakeMember[];
  outsideCollaborators: FakeCollaborator[];
  twoFactorRequired: boolean;
  tokens: Record<string, FakeToken>;
  delayMs: number;
  nonOwnerFilterStatus: 403 | 422;
  readonly requests: GithubRequest[] = [];
  /** owner/name -> its issues, numbered from 1. */
  readonly issues = new Map<string, FakeIssue[]>();
  /** Repositories with pull requests, reviews, checks and label events (fake-github-pulls.ts). */
  readonly repos = new FakeRepos();
  /** POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule, as received. */
  readonly deploymentReviews: FakeDeploymentReview[] = [];
  /** Users' public emails (login -> email), for GET /users/{login}. */
  readonly userEmails: Record<string, string> = {};
  /** The most requests that were being answered at the same moment. */
  maxInFlight = 0;
  url = '';
  private inFlight = 0;
  private rateLimited: { retryAfter: number; status: 403 | 429 }[] = [];
  private failing: number[] = [];
  private server: Server | undefined;

  constructor(options: FakeGithubOptions = {}) {
    this.org = options.org ?? 'acme';
    this.members = options.members ?? [];
    this.outsideCollaborators = options.outsideCollaborators ?? [];
    this.twoFactorRequired = options.twoFactorRequired ?? true;
    this.tokens = options.tokens ?? {
      [OWNER_TOKEN]: { owner: true, scopes: ['admin:org', 'repo'] },
      [MEMBER_TOKEN]: { owner: false, scopes: ['read:org', 'repo'] },
    };
    this.delayMs = options.delayMs ?? 0;
    this.nonOwnerFilterStatus = options.nonOwnerFilterStatus ?? 422;
  }

  async start(): Promise<this> {
    this.server = createServer(
      (req, res) => void this.handle(req, res).catch((error) => send(res, 500, { message: String(error) })),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The next `times` requests get GitHub's secondary rate limit answer: 403 (or 429) with retry-after. */
  rateLimitNext(times = 1, retryAfterSeconds = 1, status: 403 | 429 = 403): void {
    this.rateLimited.push(...Array.from({ length: times }, () => ({ retryAfter: retryAfterSeconds, status })));
  }

  /** The next `times` requests get a server error (502 unless told): GitHub having a bad moment. */
  failNext(times = 1, status = 502): void {
    this.failing.push(...Array.from({ length: times }, () => status));
  }

  /** Requests whose path starts with prefix (all of them without one). */
  requestsTo(prefix = '', method?: string): GithubRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method));
  }

  issuesOf(repo: string): FakeIssue[] {
    return this.issues.get(repo) ?? [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<Answered> {
    const url = new URL(req.url ?? '/', this.url);
    const auth = String(req.headers.authorization ?? '');
    const token = auth.replace(/^(token|bearer)\s+/i, '') || undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString() || '{}') : {};
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      token,
    });
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const failing = this.failing.shift();
      if (failing !== undefined) return send(res, failing, { message: 'Server Error' });
      const limited = this.rateLimited.shift();
      if (limited !== undefined) {
        return send(
          res,
          limited.status,
          { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
          { 'retry-after': String(limited.retryAfter) },
        );
      }
      // A GitHub App signs a JWT (three base64url parts) to get an installation token.
      const appPath = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
      if (req.method === 'POST' && appPath) {
        if (token?.split('.').length !== 3) return send(res, 401, { message: 'A JSON web token could not be decoded' });
        this.tokens[INSTALLATION_TOKEN] = { owner: false, scopes: [] };
        return send(res, 201, {
          token: INSTALLATION_TOKEN,
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          permissions: { deployments: 'write', actions: 'read' },
          repository_selection: 'all',
        });
      }
      const holder = token ? this.tokens[token] : undefined;
      if (!holder) return send(res, 401, { message: 'Bad credentials' });
      const scopes = { 'x-oauth-scopes': (holder.scopes ?? []).join(', ') };
      return this.route(req.method ?? 'GET', url, body, holder, (status, payload, headers = {}) =>
        send(res, status, payload, { ...scopes, ...headers }),
      );
    } finally {
      this.inFlight -= 1;
    }
  }

  private route(
    method: string,
    url: URL,
    body: Record<string, unknown>,
    holder: FakeToken,
    answer: (status: number, payload: unknown, headers?: Record<string, string>) => Answered,
  ): Answered {
    const repos = this.repos.route(method, url, answer);
    if (repos) return repos;
    const parts = url.pathname.split('/').filter(Boolean);
    const q = url.searchParams;
    if (parts[0] === 'orgs' && parts[1] !== this.org) return answer(404, { message: 'Not Found' });
    if (method === 'GET' && parts[0] === 'orgs' && parts.length === 2) {
      return answer(200, {
        login: this.org,
        id: 1,
        ...(holder.owner ? { two_factor_requirement_enabled: this.twoFactorRequired } : {}),
      });
    }
    if (
      method === 'GET' &&
      parts[0] === 'orgs' &&
      (parts[2] === 'members' || parts[2] === 'outside_collaborators') &&
      parts.length === 3
    ) {
      const filter = q.get('filter') ?? 'all';
      if (filter === '2fa_disabled' && !holder.owner) {
        return answer(this.nonOwnerFilterStatus, { message: 'Only owners can use this filter.' });
      }
      let list: { login: string; twoFactor: boolean; role?: string }[] =
        parts[2] === 'members' ? this.members : this.outsideCollaborators;
      const role = q.get('role') ?? 'all';
      if (parts[2] === 'members' && role !== 'all') list = list.filter((m) => m.role === role);
      if (filter === '2fa_disabled') list = list.filter((m) => !m.twoFactor);
      const page = paginate(list, url);
      return answer(
        200,
        page.items.map((m, i) => ({ login: m.login, id: i + 1, type: 'User', site_admin: false })),
        page.headers,
      );
    }
    if (method === 'GET' && parts[0] === 'users' && parts.length === 2) {
      return answer(200, { login: parts[1], id: 7, type: 'User', email: this.userEmails[parts[1]!] ?? null });
    }
    const rule = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(url.pathname);
    if (method === 'POST' && rule) {
      if (body.state !== 'approved' && body.state !== 'rejected') return answer(422, { message: 'Invalid state' });
      this.deploymentReviews.push({
        repo: `${rule[1]}/${rule[2]}`,
        runId: Number(rule[3]),
        environment: String(body.environment_name ?? ''),
        state: String(body.state),
        comment: String(body.comment ?? ''),
        installationToken: INSTALLATION_TOKEN,
      });
      return answer(204, '');
    }
    if (parts[0] === 'repos' && parts[3] === 'issues')
      return this.routeIssues(method, `${parts[1]}/${parts[2]}`, parts.slice(4), body, answer);
    return answer(404, { message: 'Not Found' });
  }

  private routeIssues(
    method: string,
    repo: string,
    rest: string[],
    body: Record<string, unknown>,
    answer: (status: number, payload: unknown) => Answered,
  ): Answered {
    const issues = this.issues.get(repo) ?? [];
    this.issues.set(repo, issues);
    if (method === 'POST' && rest.length === 0) {
      if (!body.title)
        return answer(422, { message: 'Validation Failed', errors: [{ field: 'title', code: 'missing_field' }] });
      const number = issues.length + 1;
      const issue: FakeIssue = {
        number,
        title: String(body.title),
        body: String(body.body ?? ''),
        state: 'open',
        state_reason: null,
        labels: (body.labels as string[] | undefined) ?? [],
        comments: [],
        html_url: `https://github.test/${repo}/issues/${number}`,
      };
      issues.push(issue);
      return answer(201, issue);
    }
    const issue = issues.find((i) => i.number === Number(rest[0]));
    if (!issue) return answer(404, { message: 'Not Found' });
    if (method === 'GET' && rest.length === 1) return answer(200, issue);
    if (method === 'PATCH' && rest.length === 1) {
      if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
      if (typeof body.state_reason === 'string') issue.state_reason = body.state_reason;
      if (typeof body.body === 'string') issue.body = body.body;
      return answer(200, issue);
    }
    if (method === 'POST' && rest[1] === 'comments') {
      issue.comments.push(String(body.body ?? ''));
      return answer(201, {
        id: issue.comments.length,
        body: body.body,
        html_url: `${issue.html_url}#comment-${issue.comments.length}`,
      });
    }
    return answer(404, { message: 'Not Found' });
  }
}

function paginate<T>(list: T[], url: URL): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
  const last = Math.max(1, Math.ceil(list.length / perPage));
  const link = (n: number, rel: string) => {
    const target = new URL(url);
    target.searchParams.set('page', String(n));
    target.searchParams.set('per_page', String(perPage));
    return `<${target}>; rel="${rel}"`;
  };
  const links = [
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
  ];
  return {
    items: list.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}

/** What a route returns once it has answered: every path through a route answers exactly once. */
type Answered = true;

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): Answered {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-ratelimit-remaining': '4999',
    ...headers,
  });
  res.end(JSON.stringify(payload));
  return true;
}

export async function startFakeGithub(options: FakeGithubOptions = {}): Promise<FakeGithub> {
  return new FakeGithub(options).start();
}
