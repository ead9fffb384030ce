// What a deploy approval request is, and the rules its input follows, whichever way it arrives (CLI, API, GitHub).
import { z } from 'zod';

export const CHECK_STATES = ['passed', 'failed', 'pending', 'skipped'] as const;
export type CheckState = (typeof CHECK_STATES)[number];
export interface CheckItem {
  name: string;
  state: CheckState;
}
export interface Link {
  name: string;
  url: string;
}
export interface GithubTarget {
  owner: string;
  repo: string;
  runId: number;
  installationId: number;
  environment: string;
  deliveryId: string;
}
export type ApprovalSource = 'cli' | 'api' | 'github' | 'emergency';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export interface ApprovalRequest {
  id: string;
  env: string;
  ref: string;
  sha: string;
  title: string;
  requestedBy: string;
  requesterSlack: string | null;
  checklist: CheckItem[];
  links: Link[];
  exemption: string | null;
  emergency: boolean;
  source: ApprovalSource;
  required: number;
  status: ApprovalStatus;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  rejectedBy: string | null;
  rejectReason: string | null;
  retroApprovedBy: string | null;
  retroApprovedAt: string | null;
  slack: { channel: string; ts: string } | null;
  github: GithubTarget | null;
  approvals: { by: string; at: string }[];
}

export const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

/** The input of a request; its messages are read by whoever typed the command or wrote the pipeline. */
export function requestInput(environments: readonly string[]) {
  return z.object({
    env: z.string({ error: '`--env` is required.' }).refine((name) => environments.includes(name), {
      error: (issue) => `\`${String(issue.input)}\` is not an environment; use one of: ${environments.join(', ')}.`,
    }),
    ref: z
      .string({ error: '`--ref` is required.' })
      .trim()
      .min(1, '`--ref` is empty.')
      .max(200, '`--ref` is over 200 characters.'),
    sha: z
      .string({ error: '`--sha` is required.' })
      .regex(/^[0-9a-fA-F]{40}$/, '`--sha` must be the full commit sha: 40 hex characters.')
      .transform((sha) => sha.toLowerCase()),
    title: z
      .string({ error: '`--title` is required.' })
      .trim()
      .min(1, '`--title` is empty.')
      .max(300, '`--title` is over 300 characters.'),
    requestedBy: z
      .string({ error: '`--requested-by` is required.' })
      .trim()
      .regex(/^[A-Za-z0-9][\w.@-]{0,99}$/, '`--requested-by` is a GitHub login or Slack user id, e.g. octocat.'),
    checklist: z
      .array(
        z.object({
          name: z.string().regex(/^[\w.-]{1,40}$/, 'A check is name=state, the name in letters, digits, . _ -.'),
          state: z.enum(CHECK_STATES, { error: `A check's state is one of ${CHECK_STATES.join(', ')}.` }),
        }),
      )
      .max(20, 'At most 20 checks.')
      .default([]),
    links: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(60, 'A link name is at most 60 characters.'),
          url: z.url({ protocol: /^https?$/, error: 'A link is Name=https://…' }),
        }),
      )
      .max(10, 'At most 10 links.')
      .default([]),
    timeoutSeconds: z
      .number()
      .int()
      .min(1, 'The timeout is at least 1 s.')
      .max(MAX_TIMEOUT_SECONDS, 'The timeout is at most 7 days.'),
    exemption: z.string().trim().min(3, 'Say why the exemption is needed.').max(500).optional(),
  });
}
export type RequestInput = z.output<ReturnType<typeof requestInput>>;

/** `90s`, `60m`, `2h`, or bare minutes: seconds, or undefined when it is none of these. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})\s*(s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  return match[2] === 's' ? n : match[2] === 'h' ? n * 3600 : n * 60;
}

/** `name=state` and `Name=https://…` pairs, as the CLI and API take them. */
export function splitPair(pair: string): { name: string; value: string } {
  const at = pair.indexOf('=');
  return at < 0 ? { name: pair, value: '' } : { name: pair.slice(0, at), value: pair.slice(at + 1) };
}

export const failingChecks = (request: Pick<ApprovalRequest, 'checklist'>) =>
  request.checklist.filter((c) => c.state !== 'passed');
export const shortSha = (sha: string) => sha.slice(0, 7);
