// Retention policies: what is kept how long, where. From RETENTION_POLICIES (a JSON or YAML file), or the runbook's
// defaults over the pilot schema of each RETENTION_ENVIRONMENTS database. Every problem in the file is reported at once.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const IDENT = /^[a-z_][a-z0-9_]*$/;
const ident = (what: string) =>
  z.string().regex(IDENT, `${what} must be a plain lowercase SQL name (letters, digits, _)`);

/** A table whose rows reference the policy's rows: deleted first, counted on its own line. */
export interface ChildTable {
  table: string;
  /** The column of the child that holds the parent's key. */
  column: string;
  /** The parent's column it references (default `id`). */
  references: string;
}
export interface TablePolicy {
  name: string;
  kind: 'table';
  /** An environment of ENVIRONMENTS (its N_DATABASE_URL), or `opsbot` for the bot's own database. */
  env: string;
  table: string;
  /** The timestamp (or date) column compared with the cut-off. */
  column: string;
  /** An extra condition, ANDed with the cut-off (e.g. `status = 'archived'`); opsbot's own SQL, never a user's. */
  where?: string;
  children: ChildTable[];
  days: number;
  deleteAllowed: boolean;
}
export interface FilePolicy {
  name: string;
  kind: 'files';
  folder: string;
  /** A glob over names relative to folder (`**\/*.log`); default every file. */
  glob: string;
  days: number;
  deleteAllowed: boolean;
}
export type RetentionPolicy = TablePolicy | FilePolicy;

const Child = z.object({
  table: ident('table'),
  column: ident('column'),
  references: ident('references').default('id'),
});
const Base = {
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'name must be 1-40 lowercase letters, digits, - or _'),
  days: z.number({ error: 'days must be a number' }).int('days must be whole').min(1, 'days must be at least 1'),
  deleteAllowed: z.boolean({ error: 'deleteAllowed must be true or false' }).default(false),
};
const PolicySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('table'),
    ...Base,
    env: z.string().min(1, 'env is required'),
    table: ident('table'),
    column: ident('column'),
    where: z.string().max(500).optional(),
    children: z.array(Child).default([]),
  }),
  z.object({
    kind: z.literal('files'),
    ...Base,
    folder: z.string().min(1, 'folder is required'),
    glob: z.string().min(1).default('**/*'),
  }),
]);

/** opsbot's own data that may go: delivered outbox items (the audit chain never goes; runs are evidence). */
export const OWN_POLICIES: RetentionPolicy[] = [
  {
    name: 'opsbot-outbox',
    kind: 'table',
    env: 'opsbot',
    table: 'outbox',
    column: 'delivered_at',
    where: 'delivered_at is not null',
    children: [],
    days: 30,
    deleteAllowed: true,
  },
];
/** Tables of the bot's own database no policy may name. */
const NEVER_DELETED = ['audit_events', 'schema_migrations'];

/** The runbook's policies over the pilot schema: receipts and analytics 365 days, application logs 30 days. */
export function defaultPolicies(environments: string[]): RetentionPolicy[] {
  return environments.flatMap((env): RetentionPolicy[] => [
    {
      name: `${env}-receipts`,
      kind: 'table',
      env,
      table: 'receipts',
      column: 'received_on',
      children: [{ table: 'receipt_fields', column: 'receipt_id', references: 'id' }],
      days: 365,
      deleteAllowed: true,
    },
    {
      name: `${env}-analytics`,
      kind: 'table',
      env,
      table: 'analytics_daily',
      column: 'day',
      children: [],
      days: 365,
      deleteAllowed: true,
    },
    {
      name: `${env}-app-logs`,
      kind: 'table',
      env,
      table: 'audit_log',
      column: 'created_at',
      children: [],
      days: 30,
      deleteAllowed: true,
    },
  ]);
}

/**
 * The policies of a RETENTION_POLICIES file, or every problem with it (each naming the policy and field). known: the
 * environment names a table policy may use.
 */
export function readPolicyFile(
  path: string,
  known: string[],
): { policies: RetentionPolicy[] } | { problems: string[] } {
  let data: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    data = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return { problems: [`RETENTION_POLICIES: cannot read \`${path}\`: ${reason}`] };
  }
  const list = Array.isArray(data) ? data : (data as { policies?: unknown })?.policies;
  if (!Array.isArray(list))
    return { problems: ['RETENTION_POLICIES: the file must hold a list of policies (or `policies:` with one)'] };
  const problems: string[] = [];
  const policies: RetentionPolicy[] = [];
  list.forEach((entry, i) => {
    const parsed = PolicySchema.safeParse(entry);
    const label = `RETENTION_POLICIES: policy ${i + 1}${(entry as { name?: string })?.name ? ` (${(entry as { name: string }).name})` : ''}`;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.');
        problems.push(
          `${label}: ${issue.code === 'invalid_union' ? 'kind must be table or files' : issue.message}${field && !issue.message.startsWith(field) ? ` (${field})` : ''}`,
        );
      }
      return;
    }
    const policy = parsed.data as RetentionPolicy;
    if (policy.kind === 'table' && !known.includes(policy.env) && policy.env !== 'opsbot')
      problems.push(`${label}: env \`${policy.env}\` is not in ENVIRONMENTS (${known.join(', ') || 'none'})`);
    if (policy.kind === 'table' && policy.env === 'opsbot' && NEVER_DELETED.includes(policy.table))
      problems.push(`${label}: \`${policy.table}\` is opsbot's audit chain (or its migrations) and is never deleted`);
    if (policies.some((p) => p.name === policy.name))
      problems.push(`${label}: the name \`${policy.name}\` is used twice`);
    policies.push(policy);
  });
  return problems.length ? { problems } : { policies };
}
