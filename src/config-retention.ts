// The data-retention part of the configuration: policies (a file, or the runbook's defaults), who approves deletions,
// and the batch size. Read by config.ts, which reports its problems with every other one.
import { count, list, type RetentionConfig } from './config-model.js';
import { defaultPolicies, OWN_POLICIES, readPolicyFile } from './retention/policy.js';

type Env = Record<string, string | undefined>;

export function readRetention(env: Env, knownEnvironments: string[], problems: string[]): RetentionConfig {
  const batch = count(1)
    .max(1_000_000, 'must be at most 1000000')
    .safeParse(env.RETENTION_BATCH ?? '5000');
  if (!batch.success)
    problems.push(
      `RETENTION_BATCH: \`${env.RETENTION_BATCH}\` ${batch.error.issues[0]?.message}. Example: RETENTION_BATCH=5000`,
    );
  const approvers = list(env.RETENTION_APPROVERS);
  for (const entry of approvers)
    if (!/^[UW][A-Z0-9]+$/.test(entry))
      problems.push(
        `RETENTION_APPROVERS: \`${entry}\` is not a Slack user id. Example: RETENTION_APPROVERS=U0123ABCD,U0456EFGH`,
      );
  const base = {
    approvers,
    batchRows: batch.success ? batch.data : 5000,
  };
  if (env.RETENTION_POLICIES) {
    const read = readPolicyFile(env.RETENTION_POLICIES, knownEnvironments);
    if ('problems' in read) problems.push(...read.problems);
    return { ...base, policies: 'policies' in read ? read.policies : [], source: env.RETENTION_POLICIES };
  }
  const envs = list(env.RETENTION_ENVIRONMENTS ?? (knownEnvironments.includes('staging') ? 'staging' : ''));
  for (const name of envs)
    if (!knownEnvironments.includes(name))
      problems.push(
        `RETENTION_ENVIRONMENTS: \`${name}\` is not in ENVIRONMENTS (${knownEnvironments.join(', ') || 'none'}). Example: RETENTION_ENVIRONMENTS=${knownEnvironments[0] ?? 'staging'}`,
      );
  return {
    ...base,
    policies: [...defaultPolicies(envs.filter((n) => knownEnvironments.includes(n))), ...OWN_POLICIES],
    source: 'defaults',
  };
}
