// The PR gate's rules, judged on a pull request's body, labels, reviews and checks: one verdict line per rule.
import type { Config } from '../config.js';
import { bodySections, findSection, isPlaceholder, sectionText } from './sections.js';

export type ChangeRules = Config['changeControl'];
export type RuleId = 'ticket' | 'label' | 'sections' | 'approval' | 'checks';

export interface PullRequestReview {
  login: string;
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING, as GitHub names them. */
  state: string;
  submittedAt: string | null;
}
export interface PullRequestCheck {
  name: string;
  kind: 'check-run' | 'status';
  /** A check run's conclusion (null while it runs) or a commit status's state. */
  result: string | null;
}
/** What the rules read of a pull request; GitHub's answers reduced to plain data. */
export interface PullRequestFacts {
  repo: string;
  number: number;
  title: string;
  url: string;
  author: string;
  body: string;
  labels: string[];
  mergedAt: string | null;
  baseRef: string;
  headSha: string;
  reviews: PullRequestReview[];
  checks: PullRequestCheck[];
}
export interface RuleVerdict {
  rule: RuleId;
  ok: boolean;
  /** In words a PR author understands: what was found, or what is missing. */
  detail: string;
}
export interface ChangeVerdict {
  repo: string;
  number: number;
  title: string;
  url: string;
  author: string;
  /** Carries the exempt label: it passes whatever the other rules say, and says so. */
  exempt: boolean;
  passed: boolean;
  rules: RuleVerdict[];
}

export const ISSUE_URL_SECTION = 'Issue URL';
const FAILING_CHECK = new Set(['failure', 'timed_out', 'cancelled', 'action_required', 'startup_failure', 'error']);
const URL = /https?:\/\/[^\s<>()[\]"'`]+/g;

export function judgeTicket(body: string, rules: Pick<ChangeRules, 'ticketPattern'>): RuleVerdict {
  const section = findSection(bodySections(body, [ISSUE_URL_SECTION]), ISSUE_URL_SECTION);
  if (!section) return { rule: 'ticket', ok: false, detail: 'no "Issue URL:" section in the description' };
  const urls = sectionText(section.content).match(URL) ?? [];
  const pattern = new RegExp(rules.ticketPattern);
  const ticket = urls.find((url) => pattern.test(url));
  if (ticket) return { rule: 'ticket', ok: true, detail: `ticket ${ticket}` };
  if (urls.length === 0) return { rule: 'ticket', ok: false, detail: 'the "Issue URL:" section has no URL' };
  return {
    rule: 'ticket',
    ok: false,
    detail: `no URL in the "Issue URL:" section matches CHANGE_TICKET_PATTERN (${rules.ticketPattern})`,
  };
}

export function judgeLabels(
  labels: readonly string[],
  rules: Pick<ChangeRules, 'labels' | 'exemptLabel'>,
): RuleVerdict {
  const has = (name: string) => labels.some((l) => l.toLowerCase() === name.toLowerCase());
  const found = [...rules.labels, rules.exemptLabel].filter(has);
  if (found.length) return { rule: 'label', ok: true, detail: `label ${found.join(', ')}` };
  return { rule: 'label', ok: false, detail: `none of the labels ${[...rules.labels, rules.exemptLabel].join(', ')}` };
}

export function judgeSections(body: string, rules: Pick<ChangeRules, 'requiredSections'>): RuleVerdict {
  const found = bodySections(body, rules.requiredSections);
  const missing: string[] = [];
  const placeholders: string[] = [];
  for (const name of rules.requiredSections) {
    const section = findSection(found, name);
    if (!section) missing.push(name);
    else if (isPlaceholder(section.content)) placeholders.push(name);
  }
  if (!missing.length && !placeholders.length)
    return { rule: 'sections', ok: true, detail: `sections ${rules.requiredSections.join(', ')} filled in` };
  const parts = [
    ...(missing.length ? [`missing ${missing.join(', ')}`] : []),
    ...(placeholders.length ? [`left as the template's placeholder: ${placeholders.join(', ')}`] : []),
  ];
  return { rule: 'sections', ok: false, detail: parts.join('; ') };
}

/** The latest review of each reviewer counts; comments change nobody's verdict, as on GitHub itself. */
export function judgeApproval(author: string, reviews: readonly PullRequestReview[]): RuleVerdict {
  const latest = new Map<string, PullRequestReview>();
  const ordered = [...reviews].sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''));
  for (const review of ordered) {
    if (review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    latest.set(review.login.toLowerCase(), review);
  }
  const approvers = [...latest.values()]
    .filter((r) => r.state === 'APPROVED' && r.login.toLowerCase() !== author.toLowerCase())
    .map((r) => r.login);
  if (approvers.length) return { rule: 'approval', ok: true, detail: `approved by ${approvers.join(', ')}` };
  const byAuthor = latest.get(author.toLowerCase())?.state === 'APPROVED';
  return {
    rule: 'approval',
    ok: false,
    detail: byAuthor ? 'approved only by its author' : 'no approving review by someone other than the author',
  };
}

export function judgeChecks(checks: readonly PullRequestCheck[]): RuleVerdict {
  const failing = checks.filter((c) => c.result !== null && FAILING_CHECK.has(c.result.toLowerCase()));
  if (failing.length)
    return {
      rule: 'checks',
      ok: false,
      detail: `failing on the head commit: ${failing.map((c) => `${c.name} (${c.result})`).join(', ')}`,
    };
  return { rule: 'checks', ok: true, detail: checks.length ? `${checks.length} checks, none failing` : 'no checks' };
}

export function judgePullRequest(pr: PullRequestFacts, rules: ChangeRules): ChangeVerdict {
  const verdicts = [
    judgeTicket(pr.body, rules),
    judgeLabels(pr.labels, rules),
    judgeSections(pr.body, rules),
    judgeApproval(pr.author, pr.reviews),
    judgeChecks(pr.checks),
  ];
  const exempt = pr.labels.some((l) => l.toLowerCase() === rules.exemptLabel.toLowerCase());
  return {
    repo: pr.repo,
    number: pr.number,
    title: pr.title,
    url: pr.url,
    author: pr.author,
    exempt,
    passed: exempt || verdicts.every((v) => v.ok),
    rules: verdicts,
  };
}
