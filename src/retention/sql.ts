// The SQL of a table policy: its cut-off condition, the counts, and the statements a deletion runs, children first.
import type { TablePolicy } from './policy.js';

const q = (name: string) => `"${name}"`;

/** `<column> < $1` plus the policy's own condition; $1 is the cut-off. */
export function pastCutoff(policy: TablePolicy, alias = ''): string {
  const column = `${alias ? `${alias}.` : ''}${q(policy.column)}`;
  return `${column} < $1${policy.where ? ` and (${policy.where})` : ''}`;
}

export function countParentSql(policy: TablePolicy): string {
  return `select count(*)::bigint as rows, min(${q(policy.column)})::text as oldest,
    coalesce(sum(pg_column_size(t.*)), 0)::bigint as bytes from ${q(policy.table)} t where ${pastCutoff(policy, 't')}`;
}

export function countChildSql(policy: TablePolicy, child: TablePolicy['children'][number]): string {
  return `select count(*)::bigint as rows, coalesce(sum(pg_column_size(c.*)), 0)::bigint as bytes
    from ${q(child.table)} c where c.${q(child.column)} in
      (select t.${q(child.references)} from ${q(policy.table)} t where ${pastCutoff(policy, 't')})`;
}

/** The statements a deletion is equivalent to, shown in the report with the cut-off written in. */
export function deleteStatements(policy: TablePolicy, cutoff: string): string[] {
  const condition = pastCutoff(policy).replace('$1', `'${cutoff}'`);
  return [
    ...policy.children.map(
      (child) =>
        `delete from ${q(child.table)} where ${q(child.column)} in (select ${q(child.references)} from ${q(policy.table)} where ${condition});`,
    ),
    `delete from ${q(policy.table)} where ${condition};`,
  ];
}

/**
 * One batch: the keys of up to $2 rows past the cut-off, locked, their children deleted, then the rows themselves.
 * Rows without a key column of their own go by ctid, which holds within the transaction that locked them.
 */
export function batchSql(policy: TablePolicy): { pick: string; children: string[]; parent: string; key: string } {
  const key = policy.children[0]?.references ?? 'ctid';
  const keyExpr = key === 'ctid' ? 'ctid' : q(key);
  return {
    key,
    pick: `select ${keyExpr}::text as key from ${q(policy.table)} where ${pastCutoff(policy)} limit $2 for update skip locked`,
    children: policy.children.map(
      (child) => `delete from ${q(child.table)} where ${q(child.column)}::text = any($1::text[])`,
    ),
    parent: `delete from ${q(policy.table)} where ${keyExpr}${key === 'ctid' ? '' : '::text'} = any($1::${key === 'ctid' ? 'tid' : 'text'}[])`,
  };
}
