// /evidence <YYYY-Qn>|help: the quarter's evidence package, built and uploaded to the channel it was asked in.
import { parseQuarter } from '../src/access/evidence.js';
import type { Deps } from '../src/deps.js';
import { evidenceOperation } from '../src/operate/evidence.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { uploadEvidencePackage } from '../src/publish/evidence-upload.js';
import { usageText } from '../src/render/blocks/help.js';
import type { Surfaces } from '../src/slack/router.js';

type Parsed = { usage: true; problem?: string } | { quarter: string };

/** Pure: the quarter, or the usage with what was wrong. It runs before ack. */
export function parseEvidenceText(text: string): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { usage: true, problem: 'Name a quarter, e.g. `/evidence 2026-Q3`.' };
  if (words.length === 1 && words[0]!.toLowerCase() === 'help') return { usage: true };
  if (words.length > 1) return { usage: true, problem: '`/evidence` takes one quarter, e.g. `/evidence 2026-Q3`.' };
  const quarter = parseQuarter(words[0]!.replace(/[`<>&]/g, ''));
  return quarter.ok ? { quarter: quarter.quarter } : { usage: true, problem: quarter.reason };
}

export function registerEvidence(app: Surfaces, deps: Deps): void {
  app.command('/evidence', async ({ command, ack, respond }) => {
    const parsed = parseEvidenceText(command.text);
    if ('usage' in parsed) {
      const roles = deps.roles.rolesKnownNow(command.user_id);
      return ack({ response_type: 'ephemeral', text: usageText('/evidence', roles, parsed.problem) });
    }
    await ack({ response_type: 'ephemeral', text: `Building the ${parsed.quarter} evidence package…` });
    const actor = { user: command.user_id, channel: command.channel_id };
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const outcome = await operate(
      deps,
      evidenceOperation(deps, parsed.quarter, { trigger: 'slash', actor }, (evidence) =>
        uploadEvidencePackage(deps, evidence, actor.channel),
      ),
    );
    if (outcome.outcome === 'refused') return void (await reply(outcome.reason));
    if (outcome.outcome !== 'done') rethrow(outcome);
    const { evidence, delivered } = outcome.report;
    if ('reason' in evidence) return void (await reply(evidence.reason));
    const gaps = evidence.controls.reduce((sum, c) => sum + c.gaps.length, 0);
    const link = delivered ? await deps.chat.permalink(delivered.ref) : undefined;
    await reply(
      `Evidence ${evidence.quarter}: ${gaps} gap${gaps === 1 ? '' : 's'}, ${delivered?.files ?? 0} files in \`${delivered?.archive}\`${link ? ` — <${link}|package>` : ''}.`,
    );
  });
}
