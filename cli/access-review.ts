// `opsbot access-review run|latest|evidence <YYYY-Qn> [--out DIR] [--json]`: the same review, decision record and
// evidence package as /access-review, as text or JSON, with files written to --out.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildEvidence, parseQuarter } from '../src/access/evidence.js';
import { latestReview } from '../src/access/store.js';
import type { Config } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { createLogger } from '../src/log.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { evidenceIndexMarkdown, writeEvidence } from '../src/publish/access-evidence.js';
import { reviewOperation } from '../src/publish/access-thread.js';
import { anomalyLines, latestReviewText } from '../src/render/blocks/access.js';
import { mrkdwnToPlain } from '../src/render/escape.js';
import { countLines } from '../src/render/text/access-counts.js';
import { buildDeps, closeDeps } from '../src/wiring.js';
import { type CliCommand, type CliIo, cliActor, cliConfig, EXIT, parseCliArgs } from './io.js';

const USAGE = 'opsbot access-review run|latest|evidence <YYYY-Qn> [--out DIR] [--json]';
const HELP = `${USAGE}

  run                take a snapshot now, store it, and post it to SLACK_REVIEW_CHANNEL when Slack is configured;
                     --out DIR also writes access_snapshot_YYYYMMDD.csv and .json there
  latest             the last review and its decision
  evidence 2026-Q3   the quarter's evidence: every week, its reviews, gaps; --out DIR writes the package

Exit codes: 0 no anomalies (run) / no gaps (evidence), 1 anomalies or gaps (or no review yet), 2 usage or configuration.`;

const plain = mrkdwnToPlain;

function cliLogger(io: CliIo) {
  // Logs go to stderr so that --json output on stdout stays parseable.
  return createLogger('warn', { write: (line: string) => void io.err(line.trimEnd()) });
}

async function run(deps: Deps, config: Config, io: CliIo, out: string | undefined, json: boolean): Promise<number> {
  const publish = Boolean(config.slack.botToken && config.slack.reviewChannel);
  const result = await operate(deps, reviewOperation(deps, 'cli', cliActor(), { publish }));
  if (result.outcome === 'busy') {
    io.err(
      `An access review is already being taken (since ${result.holder?.acquiredAt ?? 'a moment ago'}); nothing new was started.`,
    );
    return EXIT.failed;
  }
  if (result.outcome !== 'done') rethrow(result);
  const { run: taken, published } = result.report;
  const review = published?.review ?? taken.review;
  if (out) {
    await mkdir(out, { recursive: true });
    for (const file of [taken.files.csv, taken.files.json]) await writeFile(join(out, file.filename), file.content);
  }
  if (json)
    io.out(JSON.stringify({ ...review, files: [taken.files.csv.filename, taken.files.json.filename] }, null, 2));
  else {
    io.out(
      [
        `Access review ${review.id} taken ${review.takenAt}`,
        ...countLines(review.counts).map((l) => `  ${plain(l)}`),
        `${review.diff.changes.length} changes, ${review.anomalies.length} anomalies`,
        ...review.diff.changes.slice(0, 50).map((c) => `  ${plain(c.detail)}`),
        ...anomalyLines(review, 50).map((l) => `  ${plain(l)}`),
        published?.ref
          ? `Posted to Slack (${published.ref.channel}).`
          : 'Not posted to Slack: SLACK_BOT_TOKEN and SLACK_REVIEW_CHANNEL are needed.',
        ...(published?.issueError ? [published.issueError] : []),
        ...(out ? [`Wrote ${taken.files.csv.filename} and ${taken.files.json.filename} to ${out}.`] : []),
        `CSV sha256 ${review.csvSha256}`,
      ].join('\n'),
    );
  }
  return review.anomalies.length ? EXIT.failed : EXIT.ok;
}

async function evidence(
  deps: Deps,
  quarter: string,
  io: CliIo,
  out: string | undefined,
  json: boolean,
): Promise<number> {
  const pkg = await buildEvidence(deps, quarter);
  if ('reason' in pkg) {
    io.err(plain(pkg.reason));
    return EXIT.usage;
  }
  if (out) {
    const folder = await writeEvidence(pkg, out);
    if (!json)
      io.out(`Wrote the ${pkg.index.quarter} evidence package (${pkg.snapshots.length} snapshots) to ${folder}.`);
  }
  if (json) io.out(JSON.stringify(pkg.index, null, 2));
  else if (!out) io.out(evidenceIndexMarkdown(pkg.index));
  if (!json)
    io.out(
      `${pkg.index.reviewedWeeks} weeks reviewed, ${pkg.index.gapWeeks} gaps, ${pkg.index.pendingWeeks} not due yet.`,
    );
  return pkg.index.gapWeeks ? EXIT.failed : EXIT.ok;
}

export const accessCli: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(args, { out: { type: 'string' }, json: { type: 'boolean' } }, USAGE, io, HELP);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [sub, ...rest] = positionals;
  const problem = usageProblem(sub, rest);
  if (problem) {
    io.err(`${problem}\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const deps = await buildDeps(config, { log: cliLogger(io) });
  const out = typeof values.out === 'string' ? values.out : undefined;
  const json = values.json === true;
  try {
    if (sub === 'run') return await run(deps, config, io, out, json);
    if (sub === 'evidence') return await evidence(deps, rest[0]!, io, out, json);
    const review = await latestReview(deps.db);
    io.out(json ? JSON.stringify(review ?? null, null, 2) : plain(latestReviewText(review)));
    return review ? EXIT.ok : EXIT.failed;
  } finally {
    await closeDeps(deps);
  }
};

/** What is wrong with the arguments, in words; undefined when they are usable. */
function usageProblem(sub: string | undefined, rest: string[]): string | undefined {
  if (!sub) return 'Say what to do.';
  if (sub !== 'run' && sub !== 'latest' && sub !== 'evidence') return `${sub} is not an access-review command.`;
  if (sub !== 'evidence') return rest.length ? `${sub} takes no arguments; ${rest.join(' ')} is extra.` : undefined;
  if (rest.length > 1) return `evidence takes one quarter; ${rest.slice(1).join(' ')} is extra.`;
  const quarter = parseQuarter(rest[0] ?? '');
  return quarter.ok ? undefined : plain(quarter.reason);
}
