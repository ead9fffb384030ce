// `opsbot audit export --from … --to … [--format jsonl|csv] [--out FILE]`: the audit log of a period, both days
// inclusive, as the evidence package's JSON lines (re-checkable as a chain) or as a formula-safe CSV.
import { writeFile } from 'node:fs/promises';
import { toCsvTable } from '../src/access/export.js';
import { type AuditLine, auditJsonl, auditLinesFromTo } from '../src/evidence/audit-lines.js';
import { parseAuditRange } from '../src/evidence/audit-range.js';
import { createLogger } from '../src/log.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { canonicalJson } from '../src/store/audit.js';
import { buildDeps, closeDeps } from '../src/wiring.js';
import { type CliCommand, cliActor, cliConfig, EXIT, parseCliArgs } from './io.js';

const USAGE = 'opsbot audit export --from YYYY-MM-DD --to YYYY-MM-DD [--format jsonl|csv] [--out FILE]';
const HELP = `Usage: ${USAGE}

Writes the audit events from --from to --to (both inclusive; days, or timestamps such as 2026-07-01T09:30:00Z,
UTC when no zone is given) to stdout, or to FILE. jsonl (the default) carries every field the chain hash covers,
so the lines can be re-walked as a chain; csv is for spreadsheets.`;

const COLUMNS = ['seq', 'at', 'actor', 'channel', 'action', 'params', 'outcome', 'prev_hash', 'hash'];

export function auditCsv(lines: AuditLine[]): string {
  return toCsvTable(
    COLUMNS,
    lines.map((l) => [
      l.seq,
      l.at,
      l.actor,
      l.channel,
      l.action,
      canonicalJson(l.params),
      l.outcome,
      l.prev_hash,
      l.hash,
    ]),
  );
}

export const auditExport: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(
    args,
    { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    USAGE,
    io,
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (parsed.positionals.length) {
    io.err(`\`${parsed.positionals.join(' ')}\` is extra.\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const format = (values.format as string | undefined) ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') {
    io.err(`\`--format ${format}\` is not a format: use jsonl or csv.\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const range = parseAuditRange(values.from as string | undefined, values.to as string | undefined);
  if ('problem' in range) {
    io.err(`${range.problem}\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const out = typeof values.out === 'string' ? values.out : undefined;
  const deps = await buildDeps(config, { log: createLogger('warn', { write: (l: string) => io.err(l.trimEnd()) }) });
  try {
    const outcome = await operate(deps, {
      kind: 'audit.export',
      action: 'audit.export',
      trigger: 'cli',
      actor: cliActor(),
      record: false,
      params: { from: range.from, to: range.to, format, ...(out ? { out } : {}) },
      run: async () => {
        const lines = await auditLinesFromTo(deps.db, range.from, range.to);
        const text = format === 'csv' ? auditCsv(lines) : auditJsonl(lines);
        if (out) await writeFile(out, text);
        else if (text) io.out(text.replace(/\n$/, ''));
        return { events: lines.length };
      },
      auditParams: (r) => r,
      auditOutcome: () => 'exported',
    });
    if (outcome.outcome !== 'done') return rethrow(outcome);
    io.err(
      `${outcome.report.events} audit events from ${range.from} to ${range.to}${out ? ` written to ${out}` : ''}.`,
    );
    return EXIT.ok;
  } finally {
    await closeDeps(deps);
  }
};
