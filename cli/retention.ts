// `opsbot retention report [--json]` and `opsbot retention delete --report <id> [--json]`: the monthly dry run, and
// the deletion of what an approved report counted (refused, with the reason, without an approval recorded in opsbot).
import type { Config } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { createLogger } from '../src/log.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { deleteOperation, retentionReportOperation } from '../src/operate/retention.js';
import { deletionResultText, retentionReportText } from '../src/render/text/retention.js';
import { buildDeps, closeDeps } from '../src/wiring.js';
import { type CliCommand, type CliIo, cliActor, cliConfig, EXIT, parseCliArgs } from './io.js';

const USAGE = 'opsbot retention report [--json] | opsbot retention delete --report <id> [--json]';
const HELP = `Usage: ${USAGE}

  report              count what is past retention, per policy (nothing is deleted); exit 0
  delete --report ID  delete what report ID counted, in batches; only after Request deletion and a second
                      person's approval in Slack. Exit 0 done, 1 stopped or failed, 2 refused or bad input.`;

async function withDeps(config: Config, io: CliIo, fn: (deps: Deps) => Promise<number>): Promise<number> {
  const deps = await buildDeps(config, {
    log: createLogger('warn', { write: (line: string) => io.err(line.trimEnd()) }),
  });
  try {
    return await fn(deps);
  } finally {
    await closeDeps(deps);
  }
}

export const retentionCli: CliCommand = async (args, io) => {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(HELP);
    return sub ? EXIT.ok : EXIT.usage;
  }
  if (sub !== 'report' && sub !== 'delete') {
    io.err(`\`${sub}\` is not a retention command.\n${HELP}`);
    return EXIT.usage;
  }
  const options = {
    json: { type: 'boolean' as const },
    ...(sub === 'delete' ? { report: { type: 'string' as const } } : {}),
  };
  const parsed = parseCliArgs(rest, options, USAGE, io, HELP);
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length) {
    io.err(`\`${parsed.positionals.join(' ')}\` is extra.\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const json = Boolean(parsed.values.json);
  if (sub === 'report')
    return withDeps(config, io, async (deps) => {
      const outcome = await operate(deps, retentionReportOperation(deps, 'cli', cliActor()));
      if (outcome.outcome === 'busy') {
        io.err('A retention report is being taken right now; try again in a minute.');
        return EXIT.failed;
      }
      if (outcome.outcome !== 'done') rethrow(outcome);
      io.out(json ? JSON.stringify(outcome.report, null, 2) : retentionReportText(outcome.report).trimEnd());
      return EXIT.ok;
    });
  const reportId = parsed.values.report;
  if (typeof reportId !== 'string' || !/^rr_\w+$/.test(reportId)) {
    io.err(`Give the report's id: --report rr_… (it is in the report's JSON and its Slack message).\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  return withDeps(config, io, async (deps) => {
    const outcome = await operate(deps, deleteOperation(reportId, 'cli', cliActor(), deps), {
      onProgress: (p) => io.err(`${p.policy}: ${p.deleted} of ${p.total} deleted`),
    });
    if (outcome.outcome === 'refused') {
      io.err(`Refused: ${outcome.reason}. Nothing was deleted.`);
      return EXIT.usage;
    }
    if (outcome.outcome === 'busy') {
      io.err(`The deletion of report ${reportId} is running already.`);
      return EXIT.failed;
    }
    if (outcome.outcome !== 'done') rethrow(outcome);
    io.out(json ? JSON.stringify(outcome.report, null, 2) : deletionResultText(outcome.report));
    return outcome.report.status === 'done' ? EXIT.ok : EXIT.failed;
  });
};
