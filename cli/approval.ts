// `opsbot approval request|notify|evidence`: ask Slack for two approvals from a pipeline (and wait for them), record
// an emergency deploy, or write the quarter's evidence. With OPSBOT_URL and OPSBOT_API_TOKEN it talks to the bot's
// HTTP API and needs nothing else; otherwise it uses the database and Slack itself.

import { buildApprovalsEvidence } from '../src/approvals/evidence.js';
import type { ApprovalRequest, RequestInput } from '../src/approvals/request.js';
import { parseDuration, requestInput, splitPair } from '../src/approvals/request.js';
import type { Config } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { awaitDecision, openRequest } from '../src/publish/approvals.js';
import { writeApprovalsEvidence } from '../src/publish/approvals-evidence.js';
import { decisionLine } from '../src/render/text/approvals.js';
import { buildDeps, closeDeps } from '../src/wiring.js';
import { remoteRequest, remoteWait } from './approval-remote.js';
import { type CliCommand, type CliIo, cliActor, cliConfig, EXIT, parseCliArgs } from './io.js';

const USAGE =
  'opsbot approval request --env ENV --ref REF --sha SHA --title TEXT --requested-by LOGIN [--check name=passed …] [--link Name=https://… …] [--exempt REASON] [--wait] [--timeout 60m] [--json]\n' +
  '       opsbot approval notify --emergency --reason TEXT --env ENV --ref REF --sha SHA --title TEXT --requested-by LOGIN\n' +
  '       opsbot approval evidence <YYYY-Qn> [--out DIR] [--json]';
const HELP = `${USAGE}

  request    post the request to SLACK_DEPLOY_CHANNEL; with --wait, print the decision as soon as it is taken
  notify     an emergency deploy: posted without waiting, recorded as an exemption, approved after the fact
  evidence   every request of the quarter: checklist, approvers and times, rejections, exemptions, emergencies

Exit codes: 0 approved (or recorded, without --wait), 1 rejected or expired, 2 bad input or configuration.`;

const OPTIONS = {
  env: { type: 'string' },
  ref: { type: 'string' },
  sha: { type: 'string' },
  title: { type: 'string' },
  'requested-by': { type: 'string' },
  check: { type: 'string', multiple: true },
  link: { type: 'string', multiple: true },
  exempt: { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  emergency: { type: 'boolean' },
  reason: { type: 'string' },
  out: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;

/** The request the arguments describe, or every problem with them. */
export function inputFromArgs(values: Values, environments: string[] | undefined, defaultMinutes: number) {
  const timeout = typeof values.timeout === 'string' ? parseDuration(values.timeout) : defaultMinutes * 60;
  if (timeout === undefined)
    return { problems: [`\`--timeout ${values.timeout}\` is not a duration; use e.g. 90s, 60m or 2h.`] };
  const env = typeof values.env === 'string' ? values.env : undefined;
  const raw = {
    env,
    ref: values.ref,
    sha: values.sha,
    title: values.title,
    requestedBy: values['requested-by'],
    checklist: ((values.check as string[] | undefined) ?? [])
      .map(splitPair)
      .map((p) => ({ name: p.name, state: p.value })),
    links: ((values.link as string[] | undefined) ?? []).map(splitPair).map((p) => ({ name: p.name, url: p.value })),
    timeoutSeconds: timeout,
    exemption: values.exempt ?? values.reason,
  };
  // Talking to the bot, the CLI does not know ENVIRONMENTS: the bot checks the name.
  const parsed = requestInput(environments ?? (env ? [env] : [])).safeParse(raw);
  return parsed.success
    ? { input: parsed.data }
    : { problems: [...new Set(parsed.error.issues.map((i) => i.message))] };
}

function show(io: CliIo, request: ApprovalRequest, json: boolean): number {
  io.out(json ? JSON.stringify(request, null, 2) : decisionLine(request));
  return request.status === 'rejected' || request.status === 'expired' ? EXIT.failed : EXIT.ok;
}

async function request(values: Values, io: CliIo, config: Config, emergency: boolean): Promise<number> {
  const remote =
    config.remote.url && config.remote.token ? { url: config.remote.url, token: config.remote.token } : undefined;
  const environments = remote ? undefined : config.environments.map((e) => e.name);
  const built = inputFromArgs(values, environments, config.approvals.defaultTimeoutMinutes);
  if (emergency && !values.reason)
    built.problems = [...(built.problems ?? []), '`--reason` is required with --emergency.'];
  if (!built.input || built.problems) {
    io.err(`${(built.problems ?? []).join('\n')}\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const input: RequestInput = built.input;
  const json = Boolean(values.json);
  if (remote) {
    const opened = await remoteRequest(remote, { ...input, emergency }, io);
    if (typeof opened === 'number') return opened;
    if (!values.wait || emergency) return show(io, opened, json);
    const decided = await remoteWait(remote, opened.id, io);
    return typeof decided === 'number' ? decided : show(io, decided, json);
  }
  const deps = await buildDeps(config, {
    log: createLogger('warn', { write: (line: string) => void io.err(line.trimEnd()) }),
  });
  try {
    const outcome = await openRequest(deps, input, {
      actor: cliActor(),
      trigger: 'cli',
      source: emergency ? 'emergency' : 'cli',
      emergency,
    });
    if (outcome.outcome === 'refused') {
      io.err(outcome.reason.replace(/`/g, ''));
      return EXIT.usage;
    }
    if (outcome.outcome !== 'done') {
      io.err(
        `The request could not be recorded: ${'error' in outcome ? outcome.error : outcome.outcome}. Nothing changed.`,
      );
      return EXIT.failed;
    }
    if (!values.wait || emergency) return show(io, outcome.report, json);
    for (;;) {
      const current = await awaitDecision(deps, outcome.report.id, 30_000);
      if (current && current.status !== 'pending') return show(io, current, json);
    }
  } finally {
    await closeDeps(deps);
  }
}

async function evidence(positionals: string[], values: Values, io: CliIo, config: Config): Promise<number> {
  if (positionals.length !== 1) {
    io.err(`\`evidence\` takes one quarter, e.g. 2026-Q3.\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const deps = await buildDeps(config, { log: createLogger('warn') });
  try {
    const pkg = await buildApprovalsEvidence(deps.db, positionals[0]!, deps.now());
    if ('reason' in pkg) {
      io.err(pkg.reason.replace(/`/g, ''));
      return EXIT.usage;
    }
    if (typeof values.out === 'string') await writeApprovalsEvidence(pkg, values.out);
    const c = pkg.counts;
    if (values.json) io.out(JSON.stringify(pkg, null, 2));
    else
      io.out(
        `${pkg.quarter}: ${c.requests} requests, ${c.approved} approved, ${c.rejected} rejected, ${c.expired} expired, ${c.emergencies} emergency deploys (${c.retroMissing} without a retrospective approval)${typeof values.out === 'string' ? `; written to ${values.out}` : ''}.`,
      );
    return c.retroMissing > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    await closeDeps(deps);
  }
}

export const approvalCli: CliCommand = async (args, io) => {
  const parsed = parseCliArgs(args, OPTIONS, USAGE, io, HELP);
  if (typeof parsed === 'number') return parsed;
  const [sub, ...rest] = parsed.positionals;
  const values = parsed.values as Values;
  if (sub !== 'request' && sub !== 'notify' && sub !== 'evidence') {
    io.err(
      `${sub ? `\`${sub}\` is not an approval command.` : 'Say what to do: request, notify or evidence.'}\nUsage: ${USAGE}`,
    );
    return EXIT.usage;
  }
  if (sub !== 'evidence' && rest.length > 0) {
    io.err(`\`${sub}\` takes options only; \`${rest.join(' ')}\` is extra.\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  if (sub === 'notify' && !values.emergency) {
    io.err(`\`notify\` is for emergency deploys: pass --emergency --reason "…".\nUsage: ${USAGE}`);
    return EXIT.usage;
  }
  const config = cliConfig(io);
  if (!config) return EXIT.usage;
  if (sub === 'evidence') return evidence(rest, values, io, config);
  return request(values, io, config, sub === 'notify');
};
