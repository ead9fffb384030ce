#!/usr/bin/env node
// The `opsbot` command line: serve (default), migrate, config check, audit verify, and each capability's commands.
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Config, ConfigError, describeConfig, loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startService } from '../src/main.js';
import { verifyAuditChain } from '../src/store/audit.js';
import { migrate } from '../src/store/migrate.js';
import { buildDeps, closeDeps } from '../src/wiring.js';
import { accessCli } from './access-review.js';
import { approvalCli } from './approval.js';
import { drillCli } from './drill.js';
import { type CliCommand, type CliIo, cliConfig, EXIT } from './io.js';
import { retentionCli } from './retention.js';
import { seedCli } from './seed.js';
import { smokeCli } from './smoke.js';

const HELP = `opsbot — runs the operations runbook from Slack, a schedule, or this command line

Usage: opsbot <command> [options]

  serve                                   run the bot (the default)
  migrate                                 apply the bot's database migrations
  config check                            print the resolved configuration, secrets masked
  audit verify                            walk the audit chain; exit 1 on a break
  smoke [env] [--json]                    health checks; exit 0 healthy, 1 failing, 2 config error
  seed pilots --confirm I_UNDERSTAND ...  seed pilot tenants (see opsbot seed --help)
  backup [env]                            take a backup now
  drill restore [env] [--json]            restore drill; drill evidence <YYYY-Qn> [--out DIR]
  access-review run|latest|evidence <YYYY-Qn> [--out DIR] [--json]
  retention report [--json] | delete --report <id>   data past retention; delete after a second approval
  approval request|notify|evidence        deploy approvals in Slack (see opsbot approval --help)

Configuration comes from the environment, and from ./.env when present.`;

const serve: CliCommand = async (_args, io) => {
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return EXIT.failed;
    }
    throw error;
  }
  const service = await startService(config);
  const stop = (signal: string) => {
    service.deps.log.info({ signal }, 'stopping');
    // Kubernetes waits 30 s before SIGKILL: finish within 25 s whatever happens.
    setTimeout(() => process.exit(1), 25_000).unref();
    void service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return new Promise<number>(() => {});
};

const migrateCommand: CliCommand = async (_args, io) => {
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const deps = await buildDeps(config, { log: createLogger('warn') });
  try {
    const report = await migrate(deps.db);
    io.out(
      report.applied.length ? `Applied ${report.applied.join(', ')}.` : `Up to date (${report.total} migrations).`,
    );
    return EXIT.ok;
  } finally {
    await closeDeps(deps);
  }
};

const configCommand: CliCommand = async (args, io) => {
  if (args[0] !== 'check') {
    io.err('Usage: opsbot config check');
    return EXIT.usage;
  }
  try {
    io.out(JSON.stringify(describeConfig(loadConfig(io.env)), null, 2));
    io.out('Configuration OK.');
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(error.message);
    return EXIT.failed;
  }
};

const auditCommand: CliCommand = async (args, io) => {
  if (args[0] !== 'verify') {
    io.err('Usage: opsbot audit verify');
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const deps = await buildDeps(config, { log: createLogger('warn') });
  try {
    const report = await verifyAuditChain(deps.db);
    io.out(`Rows walked: ${report.rowsWalked}\nHead hash: ${report.headHash}`);
    if (report.ok) {
      io.out('Audit chain OK.');
      return EXIT.ok;
    }
    io.out(`BROKEN at row ${report.brokenAt?.seq}: ${report.brokenAt?.reason}`);
    return EXIT.failed;
  } finally {
    await closeDeps(deps);
  }
};

const COMMANDS: Record<string, CliCommand> = {
  serve,
  migrate: migrateCommand,
  config: configCommand,
  audit: auditCommand,
  smoke: smokeCli,
  seed: seedCli,
  backup: (args, io) => drillCli(['backup', ...args], io),
  drill: drillCli,
  'access-review': accessCli,
  retention: retentionCli,
  approval: approvalCli,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name = 'serve', ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`Unknown command \`${name}\`.\n\n${HELP}`);
    return EXIT.usage;
  }
  return command(args, io);
}

// Through the npm bin symlink too: compare real paths.
const isEntryPoint = Boolean(process.argv[1]) && realpathSync(process.argv[1]!) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const io: CliIo = {
    env: process.env,
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      io.err(`opsbot failed: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
