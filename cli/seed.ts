// `opsbot seed pilots`: the same guards, lock, steps and audit as /seed pilots, with the seed log on stdout.
import { createLogger } from '../src/log.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { seedOperation } from '../src/operate/seed.js';
import { dbSummaryText, dryRunText } from '../src/render/text/seed.js';
import { CONFIRM_WORD, DEFAULT_COUNT, DEFAULT_PREFIX, SeedForm } from '../src/seed/form.js';
import { checkSeedTarget } from '../src/seed/guards.js';
import { planSeed } from '../src/seed/summary.js';
import { buildDeps, closeDeps } from '../src/wiring.js';
import { type CliCommand, cliActor, cliConfig, EXIT, parseCliArgs } from './io.js';

const USAGE = 'opsbot seed pilots [--env staging] [--prefix pilot] [--count 3] --confirm I_UNDERSTAND [--dry-run]';
const HELP = `${USAGE}

Seeds pilot tenants (autopost off, threshold 0.90) and their demo data into an environment of SEED_ENVIRONMENTS,
after the guards (no SQLite, no prod, no unlisted or own database). --dry-run prints the guards' verdict and the
rows each table would receive, and writes nothing. Exit codes: 0 seeded, 1 seeding failed or busy, 2 refused or usage.`;

export const seedCli: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(
    args,
    {
      env: { type: 'string' },
      prefix: { type: 'string' },
      count: { type: 'string' },
      confirm: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    USAGE,
    io,
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals[0] !== 'pilots' || positionals.length > 1) {
    io.err(`${positionals.length ? `\`${positionals.join(' ')}\` is not a seed command. ` : ''}Usage: ${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const dryRun = values['dry-run'] === true;
  const str = (value: string | boolean | undefined, fallback: string) => (typeof value === 'string' ? value : fallback);
  const form = SeedForm(config.seed).safeParse({
    env: str(values.env, 'staging'),
    prefix: str(values.prefix, DEFAULT_PREFIX),
    count: str(values.count, String(DEFAULT_COUNT)),
    // A dry run writes nothing, so it needs no confirmation.
    confirm: dryRun ? CONFIRM_WORD : str(values.confirm, ''),
  });
  if (!form.success) {
    for (const issue of form.error.issues) io.err(`--${String(issue.path[0])}: ${issue.message}`);
    io.err(`Usage: ${USAGE}`);
    return EXIT.usage;
  }
  const { env, prefix, count } = form.data;
  if (dryRun) {
    const verdict = checkSeedTarget(env, config);
    io.out(dryRunText(planSeed(verdict, env, prefix, count)));
    return verdict.ok ? EXIT.ok : EXIT.usage;
  }

  // Warnings go to stderr, so stdout is the seed log alone.
  const deps = await buildDeps(config, {
    log: createLogger('warn', { write: (line: string) => io.err(line.trimEnd()) }),
  });
  try {
    const actor = cliActor();
    const outcome = await operate(deps, seedOperation(form.data, actor, 'cli', deps), {
      onProgress: (update) => {
        if ('line' in update) io.out(update.line);
      },
    });
    if (outcome.outcome === 'refused') {
      io.err(`Refused: ${outcome.reason}`);
      return EXIT.usage;
    }
    if (outcome.outcome === 'busy') {
      const holder = outcome.holder;
      io.err(
        `Seeding of ${env} is already running${holder ? `: started by ${String(holder.owner.user)} at ${holder.acquiredAt}` : ''}.`,
      );
      return EXIT.failed;
    }
    if (outcome.outcome !== 'done') rethrow(outcome);
    io.out(`\n${dbSummaryText(outcome.report)}\nRun: ${outcome.runId}`);
    return outcome.report.verdict === 'passed' ? EXIT.ok : EXIT.failed;
  } finally {
    await closeDeps(deps);
  }
};
