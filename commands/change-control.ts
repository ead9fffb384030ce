// /change-control [run|latest|evidence <YYYY-Qn>|help]; the digest's buttons are in change-decisions.ts.
import { parseQuarter } from '../src/access/evidence.js';
import { latestDigest } from '../src/change-control/store.js';
import type { Deps } from '../src/deps.js';
import { operate, rethrow } from '../src/operate/operate.js';
import { digestOperation } from '../src/publish/change-digest.js';
import { changeEvidenceOperation } from '../src/publish/change-evidence.js';
import { maskSecrets } from '../src/redact.js';
import { latestDigestText } from '../src/render/blocks/change-control.js';
import { usageText } from '../src/render/blocks/help.js';
import { utcTime } from '../src/render/blocks/kit.js';
import { mrkdwnInline } from '../src/render/escape.js';
import type { Surfaces } from '../src/slack/router.js';
import { registerChangeDecisions } from './change-decisions.js';

type Parsed = { usage: true; problem?: string } | { sub: 'run' | 'latest' } | { sub: 'evidence'; quarter: string };

/** Pure: the subcommand, or the usage with what was wrong. It runs before ack. */
export function parseChangeText(text: string): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const usage = (problem?: string): Parsed => ({ usage: true, ...(problem ? { problem } : {}) });
  const [sub = 'run', ...rest] = words.map((w, i) => (i === 0 ? w.toLowerCase() : w));
  if (sub === 'help') return usage();
  if ((sub === 'run' || sub === 'latest') && rest.length === 0) return { sub };
  if (sub === 'run' || sub === 'latest')
    return usage(
      `\`/change-control ${sub}\` takes nothing after it; \`${rest.join(' ').replace(/[`<>&]/g, '')}\` is extra.`,
    );
  if (sub !== 'evidence') return usage(`\`${sub.replace(/[`<>&]/g, '')}\` is not something \`/change-control\` does.`);
  if (rest.length !== 1)
    return usage('`/change-control evidence` needs one quarter, e.g. `/change-control evidence 2026-Q3`.');
  const quarter = parseQuarter(rest[0]!.replace(/[`<>&]/g, ''));
  return quarter.ok ? { sub: 'evidence', quarter: quarter.quarter } : usage(quarter.reason);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function registerChangeControl(app: Surfaces, deps: Deps): void {
  app.command('/change-control', async ({ command, ack, respond }) => {
    const parsed = parseChangeText(command.text);
    if ('usage' in parsed) {
      const roles = deps.roles.rolesKnownNow(command.user_id);
      return ack({ response_type: 'ephemeral', text: usageText('/change-control', roles, parsed.problem) });
    }
    await ack();
    const actor = { user: command.user_id, channel: command.channel_id };
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (parsed.sub === 'latest') {
      const digest = await latestDigest(deps.db);
      const link =
        digest?.slackChannel && digest.slackTs
          ? await deps.chat.permalink({ channel: digest.slackChannel, ts: digest.slackTs })
          : undefined;
      return void (await reply(latestDigestText(digest, link)));
    }
    if (parsed.sub === 'evidence') {
      const outcome = await operate(deps, changeEvidenceOperation(deps, parsed.quarter, actor));
      if (outcome.outcome === 'refused') return void (await reply(outcome.reason));
      if (outcome.outcome !== 'done') rethrow(outcome);
      const { pkg, ref } = outcome.report;
      if ('reason' in pkg) return void (await reply(pkg.reason));
      const link = ref ? await deps.chat.permalink(ref) : undefined;
      return void (await reply(
        `Change-control evidence ${parsed.quarter}: ${plural(pkg.index.digests, 'digest')}, ${plural(pkg.index.gapWeeks, 'gap week')}, ${pkg.index.exemptions.length} exemptions${link ? ` — <${link}|package>` : ''}.`,
      ));
    }
    await reply('Reading last week’s merged pull requests from GitHub…');
    const result = await operate(deps, digestOperation(deps, 'slash', actor, { fallbackChannel: actor.channel }));
    if (result.outcome === 'refused') return void (await reply(result.reason));
    if (result.outcome === 'busy') {
      const since = result.holder ? ` (started ${utcTime(new Date(result.holder.acquiredAt))})` : '';
      return void (await reply(`A change-control digest is already being taken${since}; nothing new was started.`));
    }
    // GitHub refusing or failing is not opsbot's fault: say what it answered, or that it gave no answer (refused,
    // reset, timed out: Octokit calls those 500 too, with no response); nothing half-read was kept.
    const cause = (result.outcome === 'failed' ? result.cause : undefined) as
      | { status?: unknown; response?: unknown }
      | undefined;
    if (result.outcome === 'failed' && typeof cause?.status === 'number') {
      const what = cause.response === undefined ? 'GitHub gave no answer' : `GitHub answered ${cause.status}`;
      return void (await reply(
        `${what} while reading the merged pull requests (${mrkdwnInline(maskSecrets(result.error))}); no digest was stored or posted. Try again later.`,
      ));
    }
    if (result.outcome !== 'done') rethrow(result);
    const { digest, ref, updated, undelivered } = result.report;
    const link = ref ? await deps.chat.permalink(ref) : undefined;
    const c = digest.report.counts;
    await reply(
      `Change-control digest ${digest.week} ${updated ? 'updated' : undelivered ? 'stored' : 'posted'}${link ? `: <${link}|open the thread>` : ''} — ${c.total} merged, ${c.exempted} exempted, ${c.nonCompliant} non-compliant.${undelivered ? `\n${undelivered}` : ''}`,
    );
  });

  registerChangeDecisions(app, deps);
}
