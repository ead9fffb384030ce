// /smoke [env]: runs one environment's health checks and posts the result in the channel. A second /smoke of the
// same environment while one runs joins it: in this process through SingleFlight, across replicas through a lock.
import type { RespondFn } from '@slack/bolt';
import type { Environment } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { type Outcome, operate, rethrow } from '../src/operate/operate.js';
import { smokeOperation, smokeRiderOperation } from '../src/operate/smoke.js';
import { runPageUrl } from '../src/publish/run-links.js';
import { smokeResultMessage, smokeUsage } from '../src/render/blocks/smoke.js';
import { slackErrorCode } from '../src/slack/chat.js';
import type { Surfaces } from '../src/slack/router.js';
import { type SmokeReport, smokeProblem } from '../src/smoke/check.js';
import { SingleFlight } from '../src/smoke/single-flight.js';

interface Rider {
  user: string;
  channel: string;
  respond: RespondFn;
}
type Parsed = { env: Environment } | { usage: string };

/** Pure: the environment to check, or the usage to answer with (help, unknown names, extra words). */
export function parseSmokeText(text: string, environments: readonly Environment[]): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 1 && /^(help|-h|--help)$/i.test(words[0]!)) return { usage: smokeUsage(environments) };
  if (words.length > 1)
    return {
      usage: smokeUsage(environments, `\`/smoke ${text.trim()}\`: give one environment, e.g. \`/smoke staging\`.`),
    };
  const name = words[0] ?? 'staging';
  const env = environments.find((e) => e.name === name.toLowerCase());
  return env ? { env } : { usage: smokeUsage(environments, `\`${name}\` is not a configured environment.`) };
}

/** ownRun: false when the run is another replica's, which keeps its own message on the run record. */
async function postResults(
  deps: Deps,
  riders: Rider[],
  report: SmokeReport,
  runId: string,
  ownRun: boolean,
): Promise<void> {
  const channels = [...new Set(riders.map((rider) => rider.channel))];
  for (const channel of channels) {
    const here = riders.filter((rider) => rider.channel === channel);
    const message = smokeResultMessage(report, { id: runId, url: runPageUrl(deps.config, runId) }, [
      ...new Set(here.map((rider) => rider.user)),
    ]);
    try {
      const ref = await deps.chat.post(channel, message);
      if (ownRun && channel === riders[0]!.channel) await deps.runs.setMessage(runId, ref);
    } catch (error) {
      // Where the bot is not a member (or chat.postMessage fails), the slash command's response_url still works.
      deps.log.warn(
        { runId, channel, reason: slackErrorCode(error) },
        'smoke result not posted; answering through response_url',
      );
      await here[0]!.respond({ response_type: 'in_channel', replace_original: false, ...message });
    }
  }
}

export function registerSmoke(app: Surfaces, deps: Deps): void {
  const flights = new SingleFlight<Outcome<SmokeReport>, Rider>();

  app.command('/smoke', async ({ command, ack, respond }) => {
    const parsed = parseSmokeText(command.text, deps.config.environments);
    if ('usage' in parsed) return ack({ response_type: 'ephemeral', text: parsed.usage });
    const { env } = parsed;
    const problem = smokeProblem(env);
    if (problem) return ack({ response_type: 'ephemeral', text: problem });
    const running = flights.starter(env.name);
    await ack({
      response_type: 'ephemeral',
      text: running ? `Checking ${env.name}… (joining the check <@${running.user}> started)` : `Checking ${env.name}…`,
    });

    const started = performance.now();
    const actor = { user: command.user_id, channel: command.channel_id };
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    // Whether another replica is checking env needs the lock, so that is known only after the ack: a second note.
    const onJoin = (startedBy: string) =>
      tell(`Checking ${env.name}… (joining the check <@${startedBy}> started)`).then(
        () => {},
        // Only a courtesy: the result still comes, so a failed note is logged rather than failing the request.
        (error) => deps.log.warn({ env: env.name, reason: slackErrorCode(error) }, 'smoke join note not sent'),
      );
    const flight = flights.join(env.name, { ...actor, respond }, () =>
      operate(deps, smokeOperation(env, { trigger: 'slash', actor, onJoin }, deps)),
    );
    const outcome = flight.joined
      ? await operate(deps, smokeRiderOperation(env, actor, flight.result, deps))
      : await flight.result;
    if (outcome.outcome === 'refused') return void (await tell(outcome.reason));
    if (outcome.outcome !== 'done') rethrow(outcome);
    // A rider whose starter never checked (refused, or a fault) checked for itself, and posts that itself.
    if (flight.joined && (await flight.result).outcome !== 'done')
      await postResults(deps, [{ ...actor, respond }], outcome.report, outcome.runId ?? 'unrecorded', false);
    if (!flight.joined) {
      const { report } = outcome;
      const runId = outcome.runId ?? '';
      await postResults(deps, flight.riders, report, runId, !outcome.joined);
      deps.log
        .child({ runId, command: '/smoke', user: actor.user })
        .info(
          { env: env.name, verdict: report.verdict, ms: report.durationMs, riders: flight.riders.length },
          'smoke finished',
        );
    }
    deps.metrics.commandSeconds.observe({ command: '/smoke' }, (performance.now() - started) / 1000);
  });
}
