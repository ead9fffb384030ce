// `opsbot backup [env]`, `opsbot drill restore [env|history] [--json]`, `opsbot drill evidence <YYYY-Qn> [--out DIR]`:
// the same backups and drills as Slack and the schedule; exit 0 on PASS, 1 on FAIL, 2 on a usage or configuration error.

import type { Config } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { recentDrills } from '../src/drill/history.js';
import { formatAge, formatBytes, formatMs } from '../src/format.js';
import { createLogger } from '../src/log.js';
import { backupOperation, drillOperation } from '../src/operate/drill.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { exportDrillEvidence, parseQuarter } from '../src/publish/drill-evidence.js';
import { busyText } from '../src/render/text/busy.js';
import { drillReportText } from '../src/render/text/drill.js';
import { PHASE_TITLES } from '../src/render/text/drill-phases.js';
import { type DrillTarget, resolveTarget } from '../src/targets/target.js';
import { buildDeps, closeDeps } from '../src/wiring.js';
import { type CliCommand, type CliIo, cliActor, cliConfig, EXIT, parseCliArgs } from './io.js';

const USAGE = `opsbot backup [env] [--json]                 back up env (default: every environment of BACKUP_ENVIRONMENTS)
opsbot drill restore [env] [--json]          restore drill of env's newest backup (default staging; opsbot = the bot's own database)
opsbot drill restore history [--json]        the last drills
opsbot drill evidence <YYYY-Qn> [--out DIR]  write the quarter's drill reports and an index for an auditor`;

function targetsOf(names: string[], config: Config, io: CliIo): DrillTarget[] | undefined {
  const resolved = names.map((name) => resolveTarget(name.toLowerCase(), config));
  const problems = resolved.flatMap((r) => (r.ok ? [] : [r.problem]));
  if (problems.length) {
    io.err(problems.join('\n'));
    return undefined;
  }
  return resolved.flatMap((r) => (r.ok ? [r.target] : []));
}

/** Builds deps for one command and keeps the runs it starts heartbeating, so no janitor takes them for dead. */
async function withDeps(config: Config, io: CliIo, fn: (deps: Deps) => Promise<number>): Promise<number> {
  const deps = await buildDeps(config, {
    log: createLogger('warn', { write: (line: string) => io.err(line.trimEnd()) }),
  });
  const heartbeat = setInterval(
    () => void deps.runs.heartbeat().catch(() => {}),
    (config.runs.staleSeconds * 1000) / 3,
  );
  try {
    return await fn(deps);
  } finally {
    clearInterval(heartbeat);
    await closeDeps(deps);
  }
}

const backup: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(args, { json: { type: 'boolean' } }, 'opsbot backup [env] [--json]', io);
  if (typeof parsed === 'number') return parsed;
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const names = parsed.positionals.length ? parsed.positionals : config.backup.environments;
  if (names.length === 0) {
    io.err(
      'Name an environment (`opsbot backup staging`) or set BACKUP_ENVIRONMENTS, e.g. BACKUP_ENVIRONMENTS=staging,opsbot.',
    );
    return EXIT.usage;
  }
  const targets = targetsOf(names, config, io);
  if (!targets) return EXIT.usage;
  return withDeps(config, io, async (deps) => {
    let failed = false;
    const reports = [];
    for (const target of targets) {
      const outcome = await operate(deps, backupOperation(target, { trigger: 'cli', actor: cliActor() }, deps));
      if (outcome.outcome === 'busy' || outcome.outcome === 'refused') {
        io.err(outcome.outcome === 'busy' ? busyText(target.name, outcome.holder) : outcome.reason);
        failed = true;
        continue;
      }
      if (outcome.outcome !== 'done') rethrow(outcome);
      const r = outcome.report;
      failed ||= r.verdict === 'FAIL';
      reports.push(r);
      if (parsed.values.json) continue;
      io.out(
        r.verdict === 'PASS'
          ? `PASS backup ${r.backupId} of ${r.env}: ${r.path} · ${formatBytes(r.sizeBytes ?? 0)} · ${r.tableCount} tables, ` +
              `${r.rowCount} rows · sha256 ${r.sha256} · ${formatMs(r.timings.totalMs)}${r.pruned.length ? ` · pruned ${r.pruned.join(', ')}` : ''}` +
              `${r.kept.length ? ` · kept under object lock ${r.kept.join(', ')}` : ''}`
          : `FAIL backup of ${r.env}: ${r.reasons.join(' ')}`,
      );
    }
    if (parsed.values.json) io.out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
    return failed ? EXIT.failed : EXIT.ok;
  });
};

const restore: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(args, { json: { type: 'boolean' } }, 'opsbot drill restore [env|history] [--json]', io);
  if (typeof parsed === 'number') return parsed;
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  if (parsed.positionals.length > 1) {
    io.err(`Give one environment.\nUsage:\n${USAGE}`);
    return EXIT.usage;
  }
  const name = parsed.positionals[0] ?? 'staging';
  if (name === 'history') {
    return withDeps(config, io, async (deps) => {
      const runs = await recentDrills(deps.db, 20);
      if (parsed.values.json) io.out(JSON.stringify(runs, null, 2));
      else if (runs.length === 0) io.out('No restore drill has run yet.');
      else
        for (const r of runs)
          io.out(
            `${r.startedAt.toISOString()}  ${r.env.padEnd(12)} ${r.outcome.padEnd(11)} ${r.runId}  ${r.report?.reasons[0] ?? r.error ?? ''}`.trimEnd(),
          );
      return EXIT.ok;
    });
  }
  const target = targetsOf([name], config, io)?.[0];
  if (!target) return EXIT.usage;
  return withDeps(config, io, async (deps) => {
    const said = new Set<string>();
    const outcome = await operate(deps, drillOperation(target, { trigger: 'cli', actor: cliActor() }, deps), {
      onProgress: (report) => {
        for (const phase of report.phases) {
          const line = `${phase.status.padEnd(7)} ${PHASE_TITLES[phase.name]}${phase.detail ? `: ${phase.detail}` : ''}`;
          if (phase.status !== 'pending' && !said.has(line)) io.err(line.replace(/`/g, ''));
          said.add(line);
        }
      },
    });
    if (outcome.outcome === 'busy' || outcome.outcome === 'refused') {
      io.err(outcome.outcome === 'busy' ? busyText(target.name, outcome.holder) : outcome.reason);
      return EXIT.failed;
    }
    if (outcome.outcome !== 'done') rethrow(outcome);
    const { report } = outcome;
    io.out(parsed.values.json ? JSON.stringify(report, null, 2) : drillReportText(report).trimEnd());
    if (!parsed.values.json && report.backup)
      io.err(`Backup age ${formatAge(report.backup.ageSeconds)}; run ${outcome.runId}.`);
    return report.verdict === 'PASS' ? EXIT.ok : EXIT.failed;
  });
};

const evidence: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(args, { out: { type: 'string' } }, 'opsbot drill evidence <YYYY-Qn> [--out DIR]', io);
  if (typeof parsed === 'number') return parsed;
  const quarter = parseQuarter(parsed.positionals[0] ?? '');
  if (!quarter || parsed.positionals.length !== 1) {
    io.err(
      `\`${parsed.positionals.join(' ') || '(nothing)'}\` is not a quarter: give it as YYYY-Qn, e.g. opsbot drill evidence 2025-Q3`,
    );
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const dir = typeof parsed.values.out === 'string' ? parsed.values.out : `drill-evidence-${quarter.label}`;
  return withDeps(config, io, async (deps) => {
    const result = await exportDrillEvidence(deps.db, quarter, dir, deps.now());
    io.out(
      `Wrote ${result.files.length} files to ${dir}: ${result.drills} drill${result.drills === 1 ? '' : 's'} in ${quarter.label}, ${result.passed} PASS.`,
    );
    if (result.withoutPass.length) io.out(`No passing drill this quarter for: ${result.withoutPass.join(', ')}.`);
    if (result.drills === 0) io.out('No drill ran in this quarter: INDEX.txt says so.');
    return EXIT.ok;
  });
};

export const drillCli: CliCommand = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === 'backup') return backup(rest, io);
  if (sub === 'restore') return restore(rest, io);
  if (sub === 'evidence') return evidence(rest, io);
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    io.out(USAGE);
    return EXIT.ok;
  }
  io.err(`${sub ? `\`${sub}\` is not an opsbot drill command.` : 'Name a drill command.'}\nUsage:\n${USAGE}`);
  return EXIT.usage;
};
