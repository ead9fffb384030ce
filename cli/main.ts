#!/usr/bin/env node
// The `opsbot` command line: serve (default), migrate, config check, audit verify, and each capability's commands.
// Each subcommand's module is imported only when it runs: `opsbot --help` loads nothing but this file.
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT } from './exit.js';
import type { CliCommand, CliIo } from './io.js';
import { didYouMean } from './suggest.js';

const HELP = `opsbot — runs the operations runbook from Slack, a schedule, or this command line

Usage: opsbot <command> [options]        (opsbot <command> --help for each)

  serve                                   run the bot (the default)
  migrate                                 apply the bot's database migrations
  config check                            print the resolved configuration, secrets masked
  audit verify                            walk the audit chain; exit 1 on a break
  audit export --from D --to D [--format jsonl|csv] [--out FILE]   the audit log of a period
  evidence <YYYY-Qn> [--out DIR]          the quarter's evidence package for auditors
  evidence verify DIR                     check a package offline (needs no configuration)
  smoke [env] [--json]                    health checks; exit 0 healthy, 1 failing, 2 config error
  seed pilots --confirm I_UNDERSTAND ...  seed pilot tenants (see opsbot seed --help)
  backup [env]                            take a backup now
  drill restore [env] [--json]            restore drill; drill evidence <YYYY-Qn> [--out DIR]
  access-review run|latest|evidence <YYYY-Qn> [--out DIR] [--json]
  retention report [--json] | delete --report <id>   data past retention; delete after a second approval
  change-control check --pr N [--repo owner/name] [--json]   one PR against the PR gate; exit 0 pass, 1 fail, 2 error
  change-control run|latest|evidence <YYYY-Qn> [--out DIR]   the weekly digest and the quarter's evidence
  uptime [env] [--json]                   availability, latency, outages, error budget (24h, 7d, 30d)
  maintenance start <env> --for 30m --reason "deploy" | end <env> | list
  approval request|notify|evidence        deploy approvals in Slack (see opsbot approval --help)

Exit codes: 0 success, 1 failure, 2 usage or configuration error.
Configuration comes from the environment, and from ./.env when present.`;

const COMMANDS: Record<string, () => Promise<CliCommand>> = {
  serve: async () => (await import('./admin.js')).serve,
  migrate: async () => (await import('./admin.js')).migrateCommand,
  config: async () => (await import('./admin.js')).configCommand,
  audit: async () => (await import('./admin.js')).auditCommand,
  smoke: async () => (await import('./smoke.js')).smokeCli,
  seed: async () => (await import('./seed.js')).seedCli,
  backup: async () => {
    const { drillCli } = await import('./drill.js');
    return (args, io) => drillCli(['backup', ...args], io);
  },
  drill: async () => (await import('./drill.js')).drillCli,
  'access-review': async () => (await import('./access-review.js')).accessCli,
  retention: async () => (await import('./retention.js')).retentionCli,
  'change-control': async () => (await import('./change-control.js')).changeControlCli,
  uptime: async () => (await import('./uptime.js')).uptimeCli,
  maintenance: async () => (await import('./uptime.js')).maintenanceCli,
  approval: async () => (await import('./approval.js')).approvalCli,
  // Loads no configuration itself: `evidence verify` runs with none (the build path loads its own).
  evidence: async () => (await import('./evidence.js')).evidenceCli,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name = 'serve', ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return EXIT.ok;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    const what = name.startsWith('-') ? `Unknown option \`${name}\`` : `Unknown command \`${name}\``;
    io.err(`${what}.${didYouMean(name, Object.keys(COMMANDS))}\n\n${HELP}`);
    return EXIT.usage;
  }
  return (await load())(args, io);
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
      process.exitCode = EXIT.failed;
    },
  );
}
