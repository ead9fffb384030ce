// `opsbot evidence <YYYY-Qn> [--out DIR] [--json]` writes the quarter's evidence package; `opsbot evidence verify DIR`
// checks one offline. verify loads no configuration and opens no database: an auditor runs it on a laptop.
import { readdir } from 'node:fs/promises';
import { verifyEvidencePackage } from '../src/evidence/verify.js';
import { type CliCommand, type CliIo, parseCliArgs } from './args.js';
import { EXIT } from './exit.js';

const gapCount = (n: number) => `${n} gap${n === 1 ? '' : 's'}`;

const USAGE = `opsbot evidence <YYYY-Qn> [--out DIR] [--json]   write the quarter's evidence package (default DIR evidence-<quarter>)
opsbot evidence verify DIR                         check a package offline: every file, and the audit chain`;
const HELP = `${USAGE}

The package has a folder per control (restore drills, access reviews, GitHub posture, deploy approvals, uptime,
data retention, change control, the audit log), INDEX.md and index.json (per control: what the runbook requires,
what happened, every gap) and MANIFEST.sha256. verify needs no configuration, no database, no network.

Exit codes: 0 no gaps / package intact, 1 gaps / package changed, 2 usage or configuration.`;

async function verify(args: string[], io: CliIo): Promise<number> {
  if (args.length !== 1) {
    io.err(`\`evidence verify\` takes the package's folder.\nUsage:\n${USAGE}`);
    return EXIT.usage;
  }
  const dir = args[0]!;
  try {
    await readdir(dir);
  } catch {
    io.err(`\`${dir}\` is not a folder that can be read.`);
    return EXIT.usage;
  }
  const report = await verifyEvidencePackage(dir);
  for (const p of report.problems) io.out(`FAIL ${p.file}${p.seq === undefined ? '' : ` seq ${p.seq}`}: ${p.reason}`);
  if (report.ok) {
    io.out(
      `OK: ${report.files} files match MANIFEST.sha256; ${report.events} audit events chain to the head in index.json.`,
    );
    return EXIT.ok;
  }
  io.out(`The package in ${dir} does NOT verify: ${report.problems.length} problem(s).`);
  return EXIT.failed;
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

async function build(quarterText: string, out: string | undefined, json: boolean, io: CliIo): Promise<number> {
  const { parseQuarter } = await import('../src/access/evidence.js');
  const quarter = parseQuarter(quarterText);
  if (!quarter.ok) {
    io.err(`${quarter.reason.replace(/`/g, '')}\nUsage:\n${USAGE}`);
    return EXIT.usage;
  }
  const dir = out ?? `evidence-${quarter.quarter}`;
  if (!(await isEmptyOrMissing(dir))) {
    io.err(`\`${dir}\` is not empty: give a new folder with --out, so that no stale file ends up in the package.`);
    return EXIT.usage;
  }
  const { cliConfig, cliActor } = await import('./io.js');
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const [{ buildDeps, closeDeps }, { createLogger }, { operate, rethrow }, { evidenceOperation }, publish] =
    await Promise.all([
      import('../src/wiring.js'),
      import('../src/log.js'),
      import('../src/operate/operate.js'),
      import('../src/operate/evidence.js'),
      import('../src/publish/evidence-package.js'),
    ]);
  const deps = await buildDeps(config, { log: createLogger('warn', { write: (l: string) => io.err(l.trimEnd()) }) });
  try {
    const outcome = await operate(
      deps,
      evidenceOperation(deps, quarter.quarter, { trigger: 'cli', actor: cliActor() }, async (evidence) => {
        const files = publish.evidencePackageFiles(evidence);
        const bytes = await publish.writeEvidencePackage(files, dir);
        const { storeEvidencePackage } = await import('../src/publish/evidence-store.js');
        return { files: files.length, bytes, stored: await storeEvidencePackage(config, files, evidence.quarter) };
      }),
    );
    if (outcome.outcome === 'refused') {
      io.err(outcome.reason);
      return EXIT.failed;
    }
    if (outcome.outcome !== 'done') return rethrow(outcome);
    const { evidence, delivered } = outcome.report;
    if ('reason' in evidence) {
      io.err(evidence.reason.replace(/`/g, ''));
      return EXIT.usage;
    }
    const gaps = evidence.controls.flatMap((c) => c.gaps.map((g) => `${c.title}: ${g}`));
    if (json)
      io.out(JSON.stringify({ dir, ...delivered, controls: evidence.controls, head: evidence.audit.head }, null, 2));
    else
      io.out(
        [
          `Wrote the ${evidence.quarter} evidence package to ${dir}: ${delivered?.files} files, ${delivered?.bytes} bytes.`,
          ...evidence.controls.map(
            (c) => `  ${c.title}: ${!c.inUse ? 'not in use' : c.gaps.length ? gapCount(c.gaps.length) : 'no gap'}`,
          ),
          ...(gaps.length ? ['Gaps:', ...gaps.map((g) => `  ${g}`)] : []),
          ...(delivered?.stored ? [`Kept in object storage: ${delivered.stored}`] : []),
          `Check it with: opsbot evidence verify ${dir}`,
        ].join('\n'),
      );
    return gaps.length ? EXIT.failed : EXIT.ok;
  } finally {
    await closeDeps(deps);
  }
}

export const evidenceCli: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(args, { out: { type: 'string' }, json: { type: 'boolean' } }, USAGE, io, HELP);
  if (typeof parsed === 'number') return parsed;
  const [first, ...rest] = parsed.positionals;
  if (first === 'verify') return verify(rest, io);
  if (!first || rest.length) {
    io.err(`${first ? 'Give one quarter.' : 'Name a quarter, e.g. opsbot evidence 2026-Q3.'}\nUsage:\n${USAGE}`);
    return EXIT.usage;
  }
  return build(
    first,
    typeof parsed.values.out === 'string' ? parsed.values.out : undefined,
    parsed.values.json === true,
    io,
  );
};
