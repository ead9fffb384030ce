// The weekly digest: every pull request merged into CHANGE_REPOS' default branches in a week, judged and grouped.
import type { Octokit } from '@octokit/rest';
import { mapConcurrent, PAGE_CONCURRENCY } from '../github/pages.js';
import { mergedInWeek } from './merged.js';
import { fetchPullRequest, whoLabelled } from './pull-requests.js';
import { type ChangeRules, judgePullRequest, type RuleVerdict } from './rules.js';
import type { Week } from './week.js';

export type ChangeGroup = 'compliant' | 'exempted' | 'non-compliant';
export interface DigestEntry {
  repo: string;
  number: number;
  title: string;
  url: string;
  author: string;
  mergedAt: string | null;
  group: ChangeGroup;
  /** The rules it broke (for exempted ones too: what the exemption covered). */
  failing: RuleVerdict[];
  /** Who added the exempt label and when; absent when the events do not say. */
  exemptedBy?: string;
  exemptedAt?: string;
}
export interface DigestCounts {
  total: number;
  compliant: number;
  exempted: number;
  nonCompliant: number;
}
export interface ChangeDigestReport {
  week: string;
  weekStart: string;
  weekEnd: string;
  repos: { repo: string; defaultBranch: string; merged: number; incomplete?: string }[];
  entries: DigestEntry[];
  counts: DigestCounts;
  generatedAt: string;
}

export function countGroups(entries: readonly Pick<DigestEntry, 'group'>[]): DigestCounts {
  const of = (group: ChangeGroup) => entries.filter((e) => e.group === group).length;
  return {
    total: entries.length,
    compliant: of('compliant'),
    exempted: of('exempted'),
    nonCompliant: of('non-compliant'),
  };
}

/** GitHub is read PAGE_CONCURRENCY pull requests at a time; the client's throttling paces each request. */
export async function buildDigest(
  deps: { github: Octokit; now: () => Date },
  rules: ChangeRules,
  week: Week,
): Promise<ChangeDigestReport> {
  const lists = [];
  for (const repo of rules.repos) lists.push(await mergedInWeek(deps.github, repo, week));
  const targets = lists.flatMap((list) => list.numbers.map((number) => ({ repo: list.repo, number })));
  const entries = await mapConcurrent(targets, PAGE_CONCURRENCY, async ({ repo, number }): Promise<DigestEntry> => {
    const pr = await fetchPullRequest(deps.github, repo, number);
    const verdict = judgePullRequest(pr, rules);
    const group: ChangeGroup = verdict.exempt ? 'exempted' : verdict.passed ? 'compliant' : 'non-compliant';
    const labelled = verdict.exempt ? await whoLabelled(deps.github, repo, number, rules.exemptLabel) : undefined;
    return {
      repo,
      number,
      title: pr.title,
      url: pr.url,
      author: pr.author,
      mergedAt: pr.mergedAt,
      group,
      failing: verdict.rules.filter((r) => !r.ok),
      ...(labelled ? { exemptedBy: labelled.login, exemptedAt: labelled.at } : {}),
    };
  });
  return {
    week: week.label,
    weekStart: week.start.toISOString(),
    weekEnd: week.end.toISOString(),
    repos: lists.map((l) => ({
      repo: l.repo,
      defaultBranch: l.defaultBranch,
      merged: l.numbers.length,
      ...(l.incomplete ? { incomplete: l.incomplete } : {}),
    })),
    entries,
    counts: countGroups(entries),
    generatedAt: deps.now().toISOString(),
  };
}
