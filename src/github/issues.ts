// GitHub issues of GITHUB_REPO: the weekly review's issue is opened, commented and closed here.
import type { Octokit } from '@octokit/rest';

export interface IssueRef {
  number: number;
  url: string;
}

/** GitHub refuses issue bodies over 65 536 characters. */
const MAX_BODY = 60_000;
// A cut never leaves half of a surrogate pair behind.
const withinLimit = (body: string) =>
  body.length <= MAX_BODY ? body : `${body.slice(0, MAX_BODY - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;

function split(repo: string): { owner: string; repo: string } {
  const [owner = '', name = ''] = repo.split('/');
  return { owner, repo: name };
}

export async function openIssue(
  octokit: Octokit,
  repo: string,
  title: string,
  body: string,
  labels: string[] = [],
): Promise<IssueRef> {
  const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues', {
    ...split(repo),
    title,
    body: withinLimit(body),
    labels,
  });
  return { number: data.number, url: data.html_url };
}

export async function commentOnIssue(octokit: Octokit, repo: string, number: number, body: string): Promise<void> {
  await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    ...split(repo),
    issue_number: number,
    body: withinLimit(body),
  });
}

/** Comments, then closes as completed: the comment is the record of who closed it and why. */
export async function closeIssue(octokit: Octokit, repo: string, number: number, comment: string): Promise<void> {
  await commentOnIssue(octokit, repo, number, comment);
  await octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
    ...split(repo),
    issue_number: number,
    state: 'closed',
    state_reason: 'completed',
  });
}
