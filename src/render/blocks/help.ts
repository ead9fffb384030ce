// Usage text for every slash command; help lists only what the caller may run.
import type { Role } from '../../roles.js';

interface Usage {
  line: string;
  role?: Role;
}

const USAGE: Record<string, { summary: string; lines: Usage[] }> = {
  '/smoke': {
    summary: 'health checks of an environment',
    lines: [
      { line: '`/smoke [env]` — check env (default `staging`): every health path, its status and latency' },
      { line: '`/smoke help` — this text' },
    ],
  },
  '/seed': {
    summary: 'seed pilot tenants into a staging database',
    lines: [
      {
        line: '`/seed pilots [prefix] [count]` — open the confirmation modal, e.g. `/seed pilots demo 5`',
        role: 'operator',
      },
      { line: '`/seed help` — this text' },
    ],
  },
  '/drill': {
    summary: 'prove that backups restore',
    lines: [
      {
        line: "`/drill restore [env]` — restore env's newest backup into a throw-away database and verify it (default `staging`; `opsbot` is the bot's own database)",
        role: 'operator',
      },
      { line: '`/drill restore history` — the last drills and their results' },
      { line: '`/drill help` — this text' },
    ],
  },
  '/access-review': {
    summary: 'weekly access reviews and quarterly evidence',
    lines: [
      { line: '`/access-review [run]` — take a snapshot now and post it for review', role: 'reviewer' },
      { line: '`/access-review latest` — the last review and its decision' },
      {
        line: "`/access-review evidence <YYYY-Qn>` — the quarter's evidence package, e.g. `2026-Q3`",
        role: 'reviewer',
      },
      { line: '`/access-review help` — this text' },
    ],
  },
  '/retention': {
    summary: 'what is past retention, and deleting it with a second approval',
    lines: [
      {
        line: '`/retention [run]` — count what is past retention and post the report (nothing is deleted)',
        role: 'operator',
      },
      { line: '`/retention latest` — the last report' },
      { line: '`/retention help` — this text' },
    ],
  },
  '/approvals': {
    summary: 'two distinct approvers gate a production deploy',
    lines: [
      { line: '`/approvals` — the deploys waiting for your approval' },
      { line: "`/approvals evidence <YYYY-Qn>` — the quarter's approvals evidence, e.g. `2026-Q3`", role: 'reviewer' },
      { line: '`/approvals help` — this text' },
    ],
  },
};

export const slashCommands = Object.keys(USAGE);

/** The usage of command, limited to what roles allow; a note says when some subcommands are hidden. */
export function usageText(
  command: string,
  roles: readonly Role[] = ['admin', 'operator', 'reviewer'],
  problem?: string,
): string {
  const usage = USAGE[command];
  if (!usage) return `opsbot does not know \`${command}\`.`;
  const allowed = (line: Usage) => !line.role || roles.includes(line.role) || roles.includes('admin');
  const visible = usage.lines.filter(allowed);
  const hidden = usage.lines.length - visible.length;
  return [
    ...(problem ? [problem, ''] : []),
    `*${command}* — ${usage.summary}`,
    ...visible.map((u) => `• ${u.line}`),
    ...(hidden > 0 ? [`_${hidden} more need${hidden === 1 ? 's' : ''} a role you do not have._`] : []),
  ].join('\n');
}
