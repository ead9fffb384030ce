// The alert actions' part of the configuration: the "still on it?" timeout, escalation after how long and to whom.
// Read by config.ts, which reports its problems with every other one.
import { type AlertActionsConfig, count } from './config-model.js';

type Env = Record<string, string | undefined>;

const ONCALL = /^(@?[a-z0-9][a-z0-9._-]*|S[A-Z0-9]+|[UW][A-Z0-9]+)$/;

export function readAlertActions(env: Env, problems: string[]): AlertActionsConfig {
  const minutes = (name: string, fallback: number) => {
    const raw = env[name] || String(fallback);
    const parsed = count(0).max(10_080, 'must be at most 10080 (a week)').safeParse(raw);
    if (parsed.success) return parsed.data;
    problems.push(
      `${name}: \`${raw}\` ${parsed.error.issues[0]?.message}. Example: ${name}=${fallback} (0 turns it off)`,
    );
    return fallback;
  };
  const group = env.ALERT_ONCALL_GROUP?.trim() || undefined;
  if (group && !ONCALL.test(group))
    problems.push(
      `ALERT_ONCALL_GROUP: \`${group}\` is not a user-group handle or id. Example: ALERT_ONCALL_GROUP=@oncall (or S0123ABCD)`,
    );
  return {
    ackTimeoutMinutes: minutes('ALERT_ACK_TIMEOUT_MINUTES', 240),
    escalateMinutes: minutes('ALERT_ESCALATE_MINUTES', 30),
    oncallGroup: group && ONCALL.test(group) ? group : undefined,
  };
}
