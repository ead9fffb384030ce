// `opsbot uptime [env] [--json]` and `opsbot maintenance start|end|list` for pipelines: the same reports and windows
// as /uptime and /maintenance, on the bot's database; a window is announced in the alert channel when Slack is set.
import type { Deps } from '../src/deps.js';
import { createLogger } from '../src/log.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { endMaintenanceOperation, startMaintenanceOperation, uptimeOperation } from '../src/operate/uptime.js';
import { maintenanceEnded, maintenanceLine, maintenanceStarted, uptimeText } from '../src/render/text/uptime.js';
import { openWindows } from '../src/uptime/maintenance.js';
import { checkMaintenanceRequest } from '../src/uptime/maintenance-input.js';
import { buildDeps, closeDeps } from '../src/wiring.js';
import { type CliCommand, type CliIo, cliActor, cliConfig, EXIT, parseCliArgs } from './io.js';

const UPTIME_USAGE = 'opsbot uptime [env] [--json]   (env defaults to staging)';
const MAINTENANCE_USAGE = 'opsbot maintenance start <env> --for 30m --reason "deploy" | end <env> | list [--json]';

async function withDeps(io: CliIo, work: (deps: Deps) => Promise<number>): Promise<number> {
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  // Log lines go to stderr, so stdout stays the report (`--json` piped into jq).
  const deps = await buildDeps(config, {
    log: createLogger('warn', { write: (line: string) => io.err(line.trimEnd()) }),
  });
  try {
    return await work(deps);
  } finally {
    await closeDeps(deps);
  }
}

async function announce(deps: Deps, text: string, io: CliIo): Promise<void> {
  const channel = deps.config.slack.alertChannel;
  if (!channel || !deps.config.slack.botToken)
    return io.err('Not announced in Slack: SLACK_BOT_TOKEN or SLACK_ALERT_CHANNEL is not set.');
  await deps.chat
    .post(channel, { text })
    .catch(() => io.err('Not announced in Slack: posting to the alert channel failed.'));
}

export const uptimeCli: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(args, { json: { type: 'boolean' } }, UPTIME_USAGE, io);
  if (typeof parsed === 'number') return parsed;
  return withDeps(io, async (deps) => {
    const name = parsed.positionals[0] ?? 'staging';
    if (parsed.positionals.length > 1 || !deps.config.environments.some((e) => e.name === name)) {
      io.err(`\`${name}\` is not a configured environment.\nUsage: ${UPTIME_USAGE}`);
      return EXIT.usage;
    }
    const outcome = await operate(deps, uptimeOperation(name, { trigger: 'cli', actor: cliActor() }, deps));
    if (outcome.outcome !== 'done') rethrow(outcome);
    const report = outcome.report;
    io.out(
      parsed.values.json
        ? JSON.stringify(
            { env: report.env, slo: report.slo, at: report.at, ...report.periods, hourly: report.hourly },
            null,
            2,
          )
        : uptimeText(report),
    );
    return EXIT.ok;
  });
};

export const maintenanceCli: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(
    args,
    { for: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' } },
    MAINTENANCE_USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const [verb, env, ...rest] = parsed.positionals;
  if (rest.length || !['start', 'end', 'list'].includes(verb ?? '')) {
    io.err(`Usage: ${MAINTENANCE_USAGE}`);
    return EXIT.usage;
  }
  return withDeps(io, async (deps) => {
    const ask = { trigger: 'cli' as const, actor: cliActor() };
    if (verb === 'list') {
      const windows = await openWindows(deps.db, deps.now());
      io.out(
        parsed.values.json
          ? JSON.stringify(windows, null, 2)
          : windows.map((w) => maintenanceLine(w, 'plain')).join('\n') || 'No maintenance window is open.',
      );
      return EXIT.ok;
    }
    if (verb === 'end') {
      if (!deps.config.environments.some((e) => e.name === env)) {
        io.err(`Say which configured environment, e.g. opsbot maintenance end staging.\nUsage: ${MAINTENANCE_USAGE}`);
        return EXIT.usage;
      }
      const outcome = await operate(deps, endMaintenanceOperation(env!, ask, deps));
      if (outcome.outcome !== 'done') rethrow(outcome);
      if (!outcome.report) {
        io.err(`${env} has no open maintenance window; nothing changed.`);
        return EXIT.failed;
      }
      await announce(deps, maintenanceEnded(outcome.report), io);
      io.out(`Maintenance of ${env} ended.`);
      return EXIT.ok;
    }
    const request = checkMaintenanceRequest(
      { env, duration: parsed.values.for as string | undefined, reason: parsed.values.reason as string | undefined },
      deps.config,
    );
    if ('problem' in request) {
      io.err(`${request.problem}\nUsage: ${MAINTENANCE_USAGE}`);
      return EXIT.usage;
    }
    const outcome = await operate(deps, startMaintenanceOperation(request, ask, deps));
    if (outcome.outcome !== 'done') rethrow(outcome);
    if (outcome.report.outcome === 'refused') {
      io.err(`${outcome.report.reason} Nothing changed.`);
      return EXIT.failed;
    }
    await announce(deps, maintenanceStarted(outcome.report.window), io);
    io.out(`Maintenance of ${request.env} until ${outcome.report.window.endsAt}.`);
    return EXIT.ok;
  });
};
