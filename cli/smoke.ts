// `opsbot smoke [env] [--json]`: the same checks as /smoke, as text or JSON; exit 0 healthy, 1 failing, 2 config error.
// It touches nothing but the environment's health endpoints (no bot database, no Slack), so any CI job can run it.

import { checkLines, formatLatency } from '../src/render/text/smoke.js';
import { checkEnvironment, type SmokeReport, smokeProblem } from '../src/smoke/check.js';
import { type CliCommand, cliConfig, EXIT, parseCliArgs } from './io.js';

const USAGE = 'opsbot smoke [env] [--json]   (env defaults to staging)';

export function smokeText(report: SmokeReport): string {
  const mark = report.verdict === 'passed' ? '✅' : '❌';
  return [
    `${mark} ${report.env} ${report.verdict} — ${report.baseUrl} (${formatLatency(report.durationMs)})`,
    ...checkLines(report.checks, 'plain').map((line) => `  ${line}`),
  ].join('\n');
}

export const smokeCli: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(args, { json: { type: 'boolean' } }, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length > 1) {
    io.err(`Give one environment, not ${parsed.positionals.length}.\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const name = parsed.positionals[0] ?? 'staging';
  const env = config.environments.find((e) => e.name === name);
  if (!env) {
    const names = config.environments.map((e) => e.name).join(', ') || 'none';
    io.err(`\`${name}\` is not a configured environment (configured: ${names}).\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const problem = smokeProblem(env);
  if (problem) {
    io.err(problem);
    return EXIT.usage;
  }
  const report = await checkEnvironment(env, { config, fetch, now: () => new Date() });
  io.out(parsed.values.json ? JSON.stringify(report, null, 2) : smokeText(report));
  return report.verdict === 'passed' ? EXIT.ok : EXIT.failed;
};
