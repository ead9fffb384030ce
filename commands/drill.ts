// /drill restore [env|history]: restores env's newest backup into a throw-away database and proves it, as one
// progress message in the channel that ends in the verdict, with the evidence report (.txt, .json) in its thread.
import type { Deps } from '../src/deps.js';
import { recentDrills } from '../src/drill/history.js';
import type { DrillReport } from '../src/drill/report.js';
import { initialPhases } from '../src/drill/report.js';
import { drillOperation } from '../src/operate/drill.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { latestOnly } from '../src/publish/latest-only.js';
import { runLinks, runPageUrl } from '../src/publish/run-links.js';
import { maskUrl } from '../src/redact.js';
import {
  busyTextFor,
  drillHistoryText,
  drillProgressMessage,
  drillResultMessage,
  drillUsage,
} from '../src/render/blocks/drill.js';
import { drillReportText, evidenceBaseName } from '../src/render/text/drill.js';
import type { MessageRef } from '../src/slack/chat.js';
import type { Surfaces } from '../src/slack/router.js';
import { type DrillTarget, drillableNames, resolveTarget } from '../src/targets/target.js';

type Parsed = { usage: string } | { history: true } | { target: DrillTarget };

/** The command text -> what to do, or the usage with what was wrong. Pure: it runs before ack. */
export function parseDrillText(text: string, config: Deps['config']): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const usage = (problem?: string) => ({ usage: drillUsage(drillableNames(config), problem) });
  if (words.length === 0 || (words.length === 1 && /^(help|-h|--help)$/i.test(words[0]!))) return usage();
  if (words[0]!.toLowerCase() !== 'restore') return usage(`\`${words[0]}\` is not something \`/drill\` does.`);
  if (words.length > 2)
    return usage(`\`/drill restore\` takes one environment; \`${words.slice(2).join(' ')}\` is extra.`);
  const name = (words[1] ?? 'staging').toLowerCase();
  if (name === 'history') return { history: true };
  const resolved = resolveTarget(name, config);
  return resolved.ok ? { target: resolved.target } : usage(resolved.problem);
}

export function registerDrill(app: Surfaces, deps: Deps): void {
  app.command('/drill', async ({ command, ack, respond }) => {
    const parsed = parseDrillText(command.text, deps.config);
    if ('usage' in parsed) return ack({ response_type: 'ephemeral', text: parsed.usage });
    if ('history' in parsed) {
      await ack();
      const runs = await recentDrills(deps.db, 10);
      const links = await runLinks(
        deps,
        runs.map((run) => run.runId),
      );
      await respond({ response_type: 'ephemeral', text: drillHistoryText(runs, links) });
      return;
    }
    const { target } = parsed;
    await ack({ response_type: 'ephemeral', text: `Starting the restore drill of ${target.name}…` });
    const actor = { user: command.user_id, channel: command.channel_id };
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    let ref: MessageRef | undefined;
    const updates = latestOnly<DrillReport>(
      async (report) => {
        if (ref) await deps.chat.update(ref, drillProgressMessage(report, runPageUrl(deps.config, report.runId)));
      },
      (error) => deps.log.warn({ err: error }, 'drill progress could not be shown'),
    );
    const outcome = await operate(deps, drillOperation(target, { trigger: 'slash', actor }, deps), {
      async onStart(runId) {
        if (!runId) return;
        const view = {
          env: target.name,
          phases: initialPhases(),
          source: maskUrl(target.url),
          runId,
          startedAt: deps.now().toISOString(),
        };
        ref = await deps.chat
          .post(actor.channel, drillProgressMessage(view, runPageUrl(deps.config, view.runId)))
          .catch((error) => {
            deps.log.warn({ err: error, runId }, 'drill progress message could not be posted');
            return undefined;
          });
        if (ref) await deps.runs.setMessage(runId, ref);
      },
      onProgress: (report) => updates.push(report),
    });
    await updates.close();
    if (outcome.outcome === 'refused') return void (await reply(outcome.reason));
    if (outcome.outcome === 'busy') return void (await reply(busyTextFor(target.name, outcome.holder)));
    if (outcome.outcome !== 'done') rethrow(outcome);
    const { report } = outcome;
    const runId = outcome.runId ?? '';
    const result = drillResultMessage(report, runPageUrl(deps.config, report.runId));
    if (ref) await deps.chat.update(ref, result);
    else await respond({ response_type: 'in_channel', replace_original: false, ...result });
    const base = evidenceBaseName(report);
    const files = [
      {
        filename: `${base}.txt`,
        content: drillReportText(report),
        title: `Restore drill evidence: ${target.name} ${report.verdict}`,
      },
      { filename: `${base}.json`, content: `${JSON.stringify(report, null, 2)}\n` },
    ];
    // The report is on the run whatever happens here; `opsbot drill evidence` writes it out again.
    await (ref
      ? deps.chat.upload(actor.channel, ref.ts, files)
      : Promise.reject(new Error('no progress message'))
    ).catch((error) => {
      deps.log.warn({ err: error, runId }, 'drill report files could not be uploaded');
      return reply(
        `The report files could not be posted here; the report is stored on run \`${runId}\` (\`opsbot drill evidence\` writes it out).`,
      );
    });
    deps.log
      .child({ runId, command: '/drill', user: actor.user })
      .info({ env: target.name, verdict: report.verdict }, 'drill posted');
  });
}
