// approval_requests and approval_votes: rows in, ApprovalRequest out.
import type { Db } from '../store/db.js';
import type { ApprovalRequest, ApprovalSource, GithubTarget, RequestInput } from './request.js';

interface Row {
  id: string;
  env: string;
  ref: string;
  sha: string;
  title: string;
  requested_by: string;
  requester_slack: string | null;
  checklist: ApprovalRequest['checklist'];
  links: ApprovalRequest['links'];
  exemption: string | null;
  emergency: boolean;
  source: ApprovalSource;
  required: number;
  status: ApprovalRequest['status'];
  created_at: Date;
  expires_at: Date;
  decided_at: Date | null;
  rejected_by: string | null;
  reject_reason: string | null;
  retro_approved_by: string | null;
  retro_approved_at: Date | null;
  slack_channel: string | null;
  slack_ts: string | null;
  github: GithubTarget | null;
}
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function fromRow(row: Row, votes: { approver: string; at: Date }[]): ApprovalRequest {
  return {
    id: row.id,
    env: row.env,
    ref: row.ref,
    sha: row.sha,
    title: row.title,
    requestedBy: row.requested_by,
    requesterSlack: row.requester_slack,
    checklist: row.checklist,
    links: row.links,
    exemption: row.exemption,
    emergency: row.emergency,
    source: row.source,
    required: row.required,
    status: row.status,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at)!,
    decidedAt: iso(row.decided_at),
    rejectedBy: row.rejected_by,
    rejectReason: row.reject_reason,
    retroApprovedBy: row.retro_approved_by,
    retroApprovedAt: iso(row.retro_approved_at),
    slack: row.slack_channel && row.slack_ts ? { channel: row.slack_channel, ts: row.slack_ts } : null,
    github: row.github,
    approvals: votes.map((v) => ({ by: v.approver, at: iso(v.at)! })),
  };
}

export interface NewRequest extends RequestInput {
  id: string;
  requesterSlack: string | null;
  required: number;
  source: ApprovalSource;
  emergency?: boolean;
  github?: GithubTarget;
  at: Date;
}

export async function insertRequest(db: Db, r: NewRequest): Promise<ApprovalRequest> {
  const expires = new Date(r.at.getTime() + r.timeoutSeconds * 1000);
  // An emergency deploy is not waited for: it is recorded as decided, and approved after the fact.
  const status = r.emergency ? 'approved' : 'pending';
  await db.query(
    `insert into approval_requests (id, env, ref, sha, title, requested_by, requester_slack, checklist, links,
       exemption, emergency, source, required, status, created_at, expires_at, decided_at, github)
     values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb)`,
    [
      r.id,
      r.env,
      r.ref,
      r.sha,
      r.title,
      r.requestedBy,
      r.requesterSlack,
      JSON.stringify(r.checklist),
      JSON.stringify(r.links),
      r.exemption ?? null,
      Boolean(r.emergency),
      r.source,
      r.required,
      status,
      r.at,
      expires,
      r.emergency ? r.at : null,
      r.github ? JSON.stringify(r.github) : null,
    ],
  );
  return (await getRequest(db, r.id))!;
}

/** One request with its approvals; forUpdate locks the row until the transaction ends (every decision does). */
export async function getRequest(db: Db, id: string, forUpdate = false): Promise<ApprovalRequest | undefined> {
  const [row] = await db.query<Row>(`select * from approval_requests where id = $1${forUpdate ? ' for update' : ''}`, [
    id,
  ]);
  if (!row) return undefined;
  const votes = await db.query<{ approver: string; at: Date }>(
    'select approver, at from approval_votes where request_id = $1 order by at, approver',
    [id],
  );
  return fromRow(row, votes);
}

export async function listRequests(db: Db, where: string, params: unknown[]): Promise<ApprovalRequest[]> {
  const rows = await db.query<Row>(`select * from approval_requests where ${where} order by created_at`, params);
  if (rows.length === 0) return [];
  const votes = await db.query<{ request_id: string; approver: string; at: Date }>(
    'select request_id, approver, at from approval_votes where request_id = any($1) order by at, approver',
    [rows.map((r) => r.id)],
  );
  return rows.map((row) =>
    fromRow(
      row,
      votes.filter((v) => v.request_id === row.id),
    ),
  );
}

export const pendingRequests = (db: Db) => listRequests(db, "status = 'pending'", []);

export async function setMessage(db: Db, id: string, ref: { channel: string; ts: string }): Promise<void> {
  await db.query('update approval_requests set slack_channel = $2, slack_ts = $3 where id = $1', [
    id,
    ref.channel,
    ref.ts,
  ]);
}

/** Marks the GitHub answer sent, once: true for the one caller that should send it. */
export async function claimGithubReport(db: Db, id: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    'update approval_requests set github_reported_at = $2 where id = $1 and github_reported_at is null returning id',
    [id, at],
  );
  return rows.length === 1;
}

/** Records a webhook delivery id: false when it was handled before (GitHub's Redeliver reuses it). */
export async function firstDelivery(db: Db, id: string, event: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    'insert into github_deliveries (id, event, received_at) values ($1, $2, $3) on conflict do nothing returning id',
    [id, event, at],
  );
  return rows.length === 1;
}

/** Records who the requester is in Slack, once it is known: false when it was known already. */
export async function learnRequester(db: Db, id: string, slack: string): Promise<boolean> {
  const rows = await db.query(
    'update approval_requests set requester_slack = $2 where id = $1 and requester_slack is null returning id',
    [id, slack],
  );
  return rows.length === 1;
}
