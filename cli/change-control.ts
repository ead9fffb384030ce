// `opsbot change-control check --pr N [--repo owner/name] [--json]` for CI (needs only GitHub), and run|latest|
// evidence <YYYY-Qn> [--out DIR] [--json], the same digest and evidence as /change-control.

import { parseQuarter } from '../src/access/evidence.js';
import { buildChangeEvidence } from '../src/change-control/evidence.js';
import { fetchPullRequest } from '../src/change-control/pull-requests.js';
import { judgePullRequest } from '../src/change-control/rules.js';
import { latestDigest } from '../src/change-control/store.js';
import { createGithubClient } from '../src/github/client.js';
import { createLogger } from '../src/log.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { digestOperation } from '../src/publish/change-digest.js';
import { changeEvidenceFiles, writeChangeEvidence } from '../src/publish/change-evidence.js';
import { maskSecrets } from '../src/redact.js';
import { latestDigestText } from '../src/render/blocks/change-control.js';
import { verdictText } from '../src/render/text/change-control.js';
import { buildDeps, closeDeps } from '../src/wiring.js';
import { type CliCommand, type CliIo, cliActor, cliConfig, EXIT, parseCliArgs } from './io.js';

const USAGE =
  'opsbot change-control check --pr N [--repo owner/name] [--json] | run | latest | evidence <YYYY-Qn> [--out DIR]';
const HELP = `Usage: ${USAGE}

  check --pr 42      judge one pull request against the PR gate (GITHUB_REPO, or --repo owner/name); needs only
                     GITHUB_TOKEN (and GITHUB_API_URL for GitHub Enterprise Server): no Slack, database or org
  run                last week's digest of CHANGE_REPOS, stored, and posted when Slack is configured
  latest             the last digest and its decision
  evidence 2026-Q3   the quarter's evidence; --out DIR writes the package

Exit codes: 0 pass (an exempt PR passes), 1 fail (or non-compliant changes, evidence gaps), 2 bad input, a pull
request that does not exist, GitHub unreachable, or configuration.`;

const REPO = /^[\w.-]+\/[\w.-]+$/;
const plain = (text: string) => text.replace(/[*`]/g, '').replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)');
const cliLogger = (io: CliIo) => createLogger('warn', { write: (line: string) => void io.err(line.trimEnd()) });

async function check(io: CliIo, values: Record<string, string | boolean | undefined>, rest: string[]): Promise<number> {
  const pr = String(values.pr ?? '');
  const problem = rest.length
    ? `check takes no arguments; ${rest.join(' ')} is extra.`
    : !/^[1-9]\d{0,9}$/.test(pr)
      ? `--pr needs a pull request number, e.g. --pr 42${values.pr === undefined ? '' : `; ${pr} is not one`}.`
      : typeof values.repo === 'string' && !REPO.test(values.repo)
        ? `--repo ${values.repo} is not owner/name, e.g. --repo acme/web.`
        : undefined;
  if (problem) {
    io.err(`${problem}\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const repo = typeof values.repo === 'string' ? values.repo : config.github.repo;
  if (!repo) {
    io.err('Say which repository: --repo owner/name, or set GITHUB_REPO. Example: GITHUB_REPO=acme/web');
    return EXIT.usage;
  }
  // One retry: CI wants an answer, and a GitHub that is down now is down a few seconds from now too.
  const github = createGithubClient(config.github, cliLogger(io), { retries: 1 });
  if (!github) {
    io.err('GITHUB_TOKEN: is not set. Example: GITHUB_TOKEN=ghp_… (a token that can read the repository)');
    return EXIT.usage;
  }
  let facts: Awaited<ReturnType<typeof fetchPullRequest>>;
  try {
    facts = await fetchPullRequest(github, repo, Number(pr));
  } catch (error) {
    const e = error as { status?: number; message?: string };
    const why =
      e.status === 404
        ? `${repo}#${pr} does not exist, or the token cannot see it.`
        : e.status === 401
          ? 'GitHub refused GITHUB_TOKEN (401 Bad credentials).'
          : `GitHub could not be reached: ${maskSecrets(e.message ?? String(error), [config.github.token])}`;
    io.err(why);
    return EXIT.usage;
  }
  const verdict = judgePullRequest(facts, config.changeControl);
  io.out(values.json ? JSON.stringify(verdict, null, 2) : verdictText(verdict));
  return verdict.passed ? EXIT.ok : EXIT.failed;
}

export const changeControlCli: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(
    args,
    { pr: { type: 'string' }, repo: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' } },
    USAGE,
    io,
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [sub, ...rest] = positionals;
  if (sub === 'check') return check(io, values, rest);
  const problem = !sub
    ? 'Say what to do.'
    : !['run', 'latest', 'evidence'].includes(sub)
      ? `${sub} is not a change-control command.`
      : sub !== 'evidence'
        ? rest.length
          ? `${sub} takes no arguments; ${rest.join(' ')} is extra.`
          : undefined
        : rest.length !== 1
          ? 'evidence takes one quarter, e.g. evidence 2026-Q3.'
          : (() => {
              const q = parseQuarter(rest[0]!);
              return q.ok ? undefined : plain(q.reason);
            })();
  if (problem) {
    io.err(`${problem}\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  const deps = await buildDeps(config, { log: cliLogger(io) });
  try {
    if (sub === 'latest') {
      const digest = await latestDigest(deps.db);
      io.out(values.json ? JSON.stringify(digest ?? null, null, 2) : plain(latestDigestText(digest)));
      return digest ? EXIT.ok : EXIT.failed;
    }
    if (sub === 'evidence') {
      const pkg = await buildChangeEvidence(deps, rest[0]!);
      if ('reason' in pkg) {
        io.err(plain(pkg.reason));
        return EXIT.usage;
      }
      if (typeof values.out === 'string') io.err(`Wrote ${await writeChangeEvidence(pkg, values.out)}.`);
      const [markdown] = changeEvidenceFiles(pkg);
      io.out(values.json ? JSON.stringify(pkg.index, null, 2) : String(markdown?.content ?? ''));
      return pkg.index.gapWeeks ? EXIT.failed : EXIT.ok;
    }
    const result = await operate(deps, digestOperation(deps, 'cli', cliActor()));
    if (result.outcome === 'refused') {
      io.err(plain(result.reason));
      return EXIT.usage;
    }
    if (result.outcome === 'busy') {
      io.err('A change-control digest is already being taken; nothing new was started.');
      return EXIT.failed;
    }
    if (result.outcome !== 'done') rethrow(result);
    const { digest, updated, ref } = result.report;
    const c = digest.report.counts;
    io.out(
      values.json
        ? JSON.stringify(digest, null, 2)
        : `Digest ${digest.week} ${updated ? 'updated' : 'stored'}${ref ? ' and posted to Slack' : ''}: ${c.total} merged, ${c.compliant} compliant, ${c.exempted} exempted, ${c.nonCompliant} non-compliant.`,
    );
    return c.nonCompliant ? EXIT.failed : EXIT.ok;
  } finally {
    await closeDeps(deps);
  }
};
