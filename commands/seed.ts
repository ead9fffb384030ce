// /seed pilots [prefix] [count]: opens the confirmation modal; its submission is guarded, locked, seeded and reported
// as one progress message in the channel, with the seed log and shadow reports in its thread.
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Deps } from '../src/deps.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { type SeedProgress, seedOperation } from '../src/operate/seed.js';
import { publishAfterCommit, tellPerson } from '../src/publish/after-commit.js';
import { latestOnly } from '../src/publish/latest-only.js';
import { runPageUrl } from '../src/publish/run-links.js';
import { usageText } from '../src/render/blocks/help.js';
import {
  seedBusyText,
  seedConfirmModal,
  seedIds,
  seedProgressMessage,
  seedRefusalText,
  seedResultMessage,
} from '../src/render/blocks/seed.js';
import { seedEvidenceFiles } from '../src/render/text/seed.js';
import { countSchema, DEFAULT_COUNT, DEFAULT_PREFIX, prefixSchema, SeedForm } from '../src/seed/form.js';
import { checkSeedTarget, seedDestinations } from '../src/seed/guards.js';
import type { SeedReport, SeedStep } from '../src/seed/report.js';
import type { MessageRef } from '../src/slack/chat.js';
import { fieldErrors, readInputs } from '../src/slack/inputs.js';
import { ackAuthorized } from '../src/slack/modal-first.js';
import type { Surfaces } from '../src/slack/router.js';

const Metadata = z.object({ channel: z.string().min(1), user: z.string().min(1) });

/** The command text -> prefill for the modal, or what was wrong (undefined for plain help). Pure: it runs before ack. */
export function parseSeedText(
  text: string,
  maxTenants: number,
): { prefix: string; count: string } | { problem: string | undefined } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const usage = (problem?: string) => ({ problem });
  if (words.length === 0 || (words.length === 1 && words[0]!.toLowerCase() === 'help')) return usage();
  if (words[0] !== 'pilots') return usage(`\`${words[0]}\` is not something \`/seed\` does.`);
  // `/seed pilots 5` means five tenants: a prefix always starts with a letter, so digits are a count.
  const rest = words.slice(1);
  const [prefix, count] = rest.length === 1 && /^\d+$/.test(rest[0]!) ? [undefined, rest[0]] : rest;
  if (rest.length > 2)
    return usage(`\`/seed pilots\` takes at most a prefix and a count; \`${rest.slice(2).join(' ')}\` is extra.`);
  if (prefix !== undefined && !prefixSchema.safeParse(prefix).success) {
    return usage(`\`${prefix}\` is not a valid prefix: ${prefixSchema.safeParse(prefix).error?.issues[0]?.message}`);
  }
  const counted = count === undefined ? undefined : countSchema(maxTenants).safeParse(count);
  if (counted && !counted.success)
    return usage(`\`${count}\` is not a usable count: ${counted.error.issues[0]?.message}`);
  return { prefix: prefix ?? DEFAULT_PREFIX, count: count ?? String(DEFAULT_COUNT) };
}

/** The confirmation modal, as /seed pilots and the App Home's button open it; trigger_id lives 3 s, so nothing slow first. */
export async function openSeedModal(
  deps: Deps,
  client: WebClient,
  triggerId: string,
  actor: { user: string; channel: string },
  prefill: { prefix: string; count: string },
  reply: (text: string) => Promise<unknown>,
): Promise<void> {
  const destinations = seedDestinations(deps.config);
  if (destinations.length === 0)
    return void (await reply('No environment may be seeded: set SEED_ENVIRONMENTS, e.g. SEED_ENVIRONMENTS=staging.'));
  await client.views.open({
    trigger_id: triggerId,
    view: seedConfirmModal({ destinations, ...prefill, maxTenants: deps.config.seed.maxTenants, metadata: actor }),
  });
}

export function registerSeed(app: Surfaces, deps: Deps): void {
  app.command('/seed', async ({ command, ack, respond, client }) => {
    const parsed = parseSeedText(command.text, deps.config.seed.maxTenants);
    if ('problem' in parsed) {
      // Help lists only what the caller may run: roles come from configuration and a cached group directory.
      const roles = deps.roles.rolesKnownNow(command.user_id);
      return ack({ response_type: 'ephemeral', text: usageText('/seed', roles, parsed.problem) });
    }
    await ack();
    const actor = { user: command.user_id, channel: command.channel_id };
    const reply = (text: string) => respond({ response_type: 'ephemeral', text });
    // trigger_id expires 3 s after the command, and the operator role may need the user-group directory: the modal
    // opens first, and the role is checked when it is submitted.
    await openSeedModal(deps, client, command.trigger_id, actor, parsed, reply);
  });

  app.view(seedIds.confirmModal, async ({ ack, view, body }) => {
    const form = SeedForm(deps.config.seed).safeParse(readInputs(view.state.values));
    if (!form.success) return ack({ response_action: 'errors', errors: fieldErrors(form.error.issues) });
    const meta = Metadata.safeParse(safeJson(view.private_metadata));
    if (!meta.success) {
      return ack({
        response_action: 'errors',
        errors: { confirm: 'This form lost its channel; close it and run /seed pilots again.' },
      });
    }
    const actor = { user: body.user.id, channel: meta.data.channel };
    const tell = (text: string) => tellPerson(deps, actor, text);
    const spec = seedOperation(form.data, actor, 'slash', deps);
    // A refusal shows in the modal (audited by the pipeline); the modal closes once the role is known.
    if (!(await ackAuthorized(deps, spec, { ack, field: 'confirm', tell }))) return;
    const { env, prefix, count } = form.data;
    let ref: MessageRef | undefined;
    let target = '';
    const progress = { env, prefix, count, user: actor.user };
    // Sent outside the seed's transaction, one at a time, newest state first: a slow Slack delays the message only.
    // A Slack hiccup must not fail the seed either: progress is best effort, the result is posted at the end.
    const updates = latestOnly<SeedStep[]>(
      async (steps) => {
        if (ref) await deps.chat.update(ref, seedProgressMessage({ ...progress, target, steps }));
      },
      (err) => deps.log.warn({ err }, 'seed progress update failed'),
    );
    // The pipeline checks the role again (known now), then the guards and the lock.
    const outcome = await operate<SeedReport, SeedProgress>(deps, spec, {
      async onStart(runId) {
        const seedTarget = checkSeedTarget(env, deps.config);
        target = seedTarget.ok ? seedTarget.target.masked : '';
        // Nothing is written yet, but a channel opsbot can't post in must not stop the seed: the result says so.
        ref = await deps.chat
          .post(actor.channel, seedProgressMessage({ ...progress, target, steps: [] }))
          .catch((err) => void deps.log.warn({ err, channel: actor.channel }, 'seed progress not posted'));
        if (runId && ref) await deps.runs.setMessage(runId, ref);
      },
      onProgress: (update) => {
        if ('steps' in update) updates.push(update.steps);
      },
    });
    // The result replaces the progress: a waiting update is dropped, the one on its way lands before the result.
    await updates.close();
    if (outcome.outcome === 'refused')
      return void (await tell(outcome.missingRole ? outcome.reason : seedRefusalText(env, outcome.reason)));
    if (outcome.outcome === 'busy') return void (await tell(seedBusyText(env, outcome.holder)));
    if (outcome.outcome !== 'done') rethrow(outcome);
    // A seed always keeps a run record.
    const { report } = outcome;
    const runId = outcome.runId ?? '';
    // The seed is committed: a channel opsbot can't post in makes a note beside the result, never a failure.
    const result = seedResultMessage(report, runId, actor.user, runPageUrl(deps.config, runId));
    const where = `run \`${runId}\` keeps the report and its log (\`runs\` table)`;
    const about = (what: string) => ({ what, channel: actor.channel, where });
    const note =
      (await publishAfterCommit(deps, about('The seed result'), async () => {
        if (ref) await deps.chat.update(ref, result);
        else ref = await deps.chat.post(actor.channel, result);
      })) ??
      (await publishAfterCommit(deps, about('The evidence files'), () =>
        deps.chat.upload(actor.channel, ref?.ts, seedEvidenceFiles(report), `Evidence of run \`${runId}\``),
      ));
    if (note) await tell(`${result.text}\n${note}`);
  });
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
