// The bot's own subcommands: serve, migrate, config check, audit verify. Arguments first; the modules a command
// needs (Bolt, the database) are imported only once it is sure to run, so `--help` stays fast.
import type { Config } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { type CliCommand, type CliIo, parseCliArgs } from './args.js';
import { EXIT } from './exit.js';

const SERVE_HELP = `Usage: opsbot serve

Runs the bot: Slack (HTTP or Socket Mode), the schedule, /healthz, /readyz and /metrics on PORT.
Exit codes: 0 stopped cleanly, 1 failed, 2 configuration error.`;

export const serve: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(args, {}, 'opsbot serve', io, SERVE_HELP);
  if (typeof parsed === 'number') return parsed;
  const { ConfigError, loadConfig } = await import('../src/config.js');
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(error.message);
    return EXIT.usage;
  }
  // Slack's Bolt and every command are loaded only now: `serve --help` and the other subcommands stay fast.
  const { startService } = await import('../src/main.js');
  const service = await startService(config);
  const stop = (signal: string) => {
    service.deps.log.info({ signal }, 'stopping');
    // Kubernetes waits 30 s before SIGKILL: finish within 25 s whatever happens.
    setTimeout(() => process.exit(1), 25_000).unref();
    // 20 s for a post or job in flight; then claims and locks are handed back and connections closed.
    void service.stop(20_000).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return new Promise<number>(() => {});
};

/** Opens the bot's database (migrating it, as every opener does), runs fn, closes. */
async function withDeps(io: CliIo, fn: (deps: Deps) => Promise<number>) {
  const config = (await import('./io.js')).cliConfig(io);
  if (!config) return EXIT.usage;
  const [{ buildDeps, closeDeps }, { createLogger }] = await Promise.all([
    import('../src/wiring.js'),
    import('../src/log.js'),
  ]);
  const deps = await buildDeps(config, { log: createLogger('warn') });
  try {
    return await fn(deps);
  } finally {
    await closeDeps(deps);
  }
}

export const migrateCommand: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(
    args,
    {},
    'opsbot migrate',
    io,
    "Usage: opsbot migrate\n\nApplies the bot's database migrations.",
  );
  if (typeof parsed === 'number') return parsed;
  const config = (await import('./io.js')).cliConfig(io);
  if (!config) return EXIT.usage;
  // Not through buildDeps, which migrates on open: this command reports what it applied.
  const [{ openDb }, { migrate }] = await Promise.all([
    import('../src/store/open.js'),
    import('../src/store/migrate.js'),
  ]);
  const db = await openDb(config);
  try {
    const report = await migrate(db);
    io.out(
      report.applied.length ? `Applied ${report.applied.join(', ')}.` : `Up to date (${report.total} migrations).`,
    );
    return EXIT.ok;
  } finally {
    await db.close();
  }
};

export const configCommand: CliCommand = async (args, io) => {
  const usage = 'opsbot config check';
  const parsed = parseCliArgs(
    args,
    {},
    usage,
    io,
    `Usage: ${usage}\n\nPrints the resolved configuration, secrets masked; exit 2 on a problem.`,
  );
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.join(' ') !== 'check') {
    io.err(`Usage: ${usage}`);
    return EXIT.usage;
  }
  const { ConfigError, describeConfig, loadConfig } = await import('../src/config.js');
  const { uselessnessWarnings } = await import('../src/config-warnings.js');
  try {
    const config = loadConfig(io.env);
    io.out(JSON.stringify(describeConfig(config), null, 2));
    for (const warning of uselessnessWarnings(config)) io.err(`Warning: ${warning}`);
    io.out('Configuration OK.');
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(error.message);
    return EXIT.usage;
  }
};

const AUDIT_HELP = `Usage: opsbot audit verify
       opsbot audit export --from … --to … [--format jsonl|csv] [--out FILE]   (opsbot audit export --help)

Walks the audit chain (audit_events): every row's link and hash, and with AUDIT_KEY set, every row's mac from
the first keyed row on. Then compares the chain with its anchors: audit-anchors.jsonl in BACKUP_DIR, the objects
under _anchors/ in BACKUP_STORAGE when it is s3://…, and the anchors posted to SLACK_AUDIT_CHANNEL when it is set
and the bot token may read its history. Rows missing after an anchor, an anchored row whose hash changed, and a
truncated table are named. Without any anchor, only edits inside the chain can be detected.

Exit codes: 0 intact, 1 broken (or macs present that could not be checked), 2 usage or configuration error.`;

export const auditCommand: CliCommand = async (args, io) => {
  if (args[0] === 'export') return (await import('./audit-export.js')).auditExport(args.slice(1), io);
  const usage = 'opsbot audit verify | export --from … --to … [--format jsonl|csv] [--out FILE]';
  const parsed = parseCliArgs(args, {}, usage, io, AUDIT_HELP);
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.join(' ') !== 'verify') {
    io.err(`Usage: ${usage}`);
    return EXIT.usage;
  }
  return withDeps(io, async (deps) => {
    const [{ checkAuditChain }, { readAnchors }, { channelAnchors, storageAnchors }, { parseAuditKey }] =
      await Promise.all([
        import('../src/audit/verify.js'),
        import('../src/audit/anchors.js'),
        import('../src/publish/audit-anchor.js'),
        import('../src/store/audit-mac.js'),
      ]);
    const { config } = deps;
    const file = `${config.backup.dir}/audit-anchors.jsonl`;
    const sources = [
      await readAnchors(config.backup.dir).then(
        (anchors) => ({ name: file, anchors }),
        (error: Error) => ({ name: file, anchors: [], problem: error.message }),
      ),
    ];
    const kept = await storageAnchors(config);
    if (kept) sources.push(kept);
    if (config.audit.channel && config.slack.botToken)
      sources.push(await channelAnchors(deps.chat, config.audit.channel));
    const key = config.audit.key ? parseAuditKey(config.audit.key) : undefined;
    const report = await checkAuditChain(deps.db, { key, sources });
    const { chain, newest } = report;
    io.out(`Rows walked: ${chain.rowsWalked}\nHead hash: ${chain.headHash}`);
    if (chain.keyedFrom !== undefined)
      io.out(`Keyed from row ${chain.keyedFrom}: ${chain.macs === 'checked' ? 'macs checked' : 'macs not checked'}`);
    if (newest) io.out(`Newest anchor: row ${newest.anchor.seq} on ${newest.anchor.at} (${newest.source})`);
    for (const note of report.notes) io.err(`Note: ${note}`);
    if (report.problems.length === 0) {
      io.out('Audit chain OK.');
      return EXIT.ok;
    }
    for (const problem of report.problems)
      io.out(/^row \d+: /.test(problem) ? `BROKEN at ${problem}` : `BROKEN: ${problem}`);
    return EXIT.failed;
  });
};
