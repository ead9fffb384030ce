// GitHub issues of GITHUB_REPO: the weekly review's issue is opened, commented and closed here.
import type { Octokit } from '@octokit/rest';
import { cutText } from '../format.js';

export interface IssueRef {
  number: number;
  url: string;
}

/** GitHub refuses issue bodies over 65 536 characters. */
const MAX_BODY = 60_000;
// A cut never splits an emoji or a flag (no lone surrogate).
const withinLimit = (body: string) => cutText(body, MAX_BODY);

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
