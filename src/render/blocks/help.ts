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
  '/change-control': {
    summary: 'merged changes checked against the PR gate, reviewed weekly',
    lines: [
      {
        line: "`/change-control [run]` — last week's merged pull requests, grouped and posted for review",
        role: 'reviewer',
      },
      { line: '`/change-control latest` — the last digest and its decision' },
      {
        line: "`/change-control evidence <YYYY-Qn>` — the quarter's evidence package, e.g. `2026-Q3`",
        role: 'reviewer',
      },
      { line: '`/change-control help` — this text' },
    ],
  },
  '/uptime': {
    summary: 'availability, latency, outages and error budget of an environment',
    lines: [
      { line: '`/uptime [env]` — 24 h, 7 d and 30 d of env (default `staging`) against the SLO' },
      { line: '`/uptime help` — this text' },
    ],
  },
  '/maintenance': {
    summary: 'maintenance windows: alerts held, samples left out of the SLO',
    lines: [
      {
        line: '`/maintenance <env> <duration> <reason>` — e.g. `/maintenance staging 30m database upgrade`',
        role: 'operator',
      },
      { line: '`/maintenance end <env>` — end the window of env now', role: 'operator' },
      { line: '`/maintenance list` — the windows open now' },
      { line: '`/maintenance help` — this text' },
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
  '/evidence': {
    summary: "a quarter's evidence package for auditors: every control, its gaps, the audit log",
    lines: [
      {
        line: "`/evidence <YYYY-Qn>` — build the quarter's package and upload it here, e.g. `/evidence 2026-Q3`",
        role: 'reviewer',
      },
      { line: '`/evidence help` — this text' },
    ],
  },
  '/opsbot': {
    summary: 'what you may run here, and what needs you',
    lines: [
      { line: '`/opsbot [help]` — every command you may run, with examples' },
      { line: "`/opsbot status` — the App Home's summary as a message: alerts, windows, approvals, backups, drills" },
    ],
  },
};

export const slashCommands = Object.keys(USAGE);

const isHelpLine = (u: Usage) => /^`\/[\w-]+ help`/.test(u.line);

/** The commands the caller may run, each with only the lines their roles allow (its own `help` line left out). */
export function runnableCommands(roles: readonly Role[]): { command: string; summary: string; lines: string[] }[] {
  const allowed = (line: Usage) => !line.role || roles.includes(line.role) || roles.includes('admin');
  return Object.entries(USAGE)
    .map(([command, usage]) => ({
      command,
      summary: usage.summary,
      lines: usage.lines.filter((u) => allowed(u) && !isHelpLine(u)).map((u) => u.line),
    }))
    .filter((c) => c.lines.length > 0);
}

/**
 * One help for all of opsbot: each command the caller may run, with examples. A command with nothing but its own
 * `help` left (`/seed` for someone with no role) is left out, and a note says how many.
 */
export function opsbotHelpText(roles: readonly Role[], problem?: string): string {
  const runnable = runnableCommands(roles);
  const hidden = slashCommands.length - runnable.length;
  return [
    ...(problem ? [problem, ''] : []),
    ...runnable.flatMap((c) => [`*${c.command}* — ${c.summary}`, ...c.lines.map((line) => `• ${line}`)]),
    '',
    '_Add `help` to any command for its details, e.g. `/smoke help`._',
    ...(hidden > 0 ? [`_${hidden} more command${hidden === 1 ? ' needs' : 's need'} a role you do not have._`] : []),
  ].join('\n');
}

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
