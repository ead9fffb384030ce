// /seed pilots in Slack: the confirmation modal, the progress message (one message, updated per step), the result.
import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { LockHolder } from '../../coord/coord.js';
import type { SeedReport, SeedStep } from '../../seed/report.js';
import { mrkdwn, mrkdwnCode, mrkdwnInline, plainText } from '../escape.js';
import {
  context,
  cut,
  fitMessage,
  fitText,
  header,
  type SlackMessage,
  section,
  slackMention,
  slackTime,
} from './kit.js';
import { evidenceLine } from './run-ref.js';

export const seedIds = { confirmModal: 'seed.confirm' } as const;

export interface SeedDestination {
  env: string;
  host?: string;
  port?: number;
  database?: string;
  /** Why seeding this environment would be refused, when it would. */
  refusal?: string;
}
export interface SeedModalInput {
  destinations: SeedDestination[];
  prefix: string;
  count: string;
  maxTenants: number;
  /** Carried to the submission: where to post progress, and who asked. */
  metadata: { channel: string; user: string };
}

const STATUS_ICON: Record<SeedStep['status'], string> = {
  pending: '⚪',
  running: '🔄',
  done: '✅',
  skipped: '⏭️',
  warning: '⚠️',
  failed: '❌',
};
// Enough to recognise a run at a glance; the log in the thread lists every tenant.
const TENANTS_SHOWN = 30;
const plain = (text: string, max = 75) => ({ type: 'plain_text' as const, text: cut(plainText(text), max) });

function textInput(blockId: string, label: string, initial: string, hint: string, placeholder?: string): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2000),
    hint: plain(hint, 2000),
    element: {
      type: 'plain_text_input',
      action_id: blockId,
      ...(initial ? { initial_value: cut(plainText(initial), 3000) } : {}),
      ...(placeholder ? { placeholder: plain(placeholder, 150) } : {}),
    },
  };
}

function destinationLine(d: SeedDestination): string {
  const where = d.host
    ? `host ${mrkdwnCode(`${d.host}:${d.port}`)}, database ${mrkdwnCode(d.database || '(none)')}`
    : 'no Postgres database';
  return `• ${mrkdwnCode(d.env)} — ${where}${d.refusal ? `\n   ⛔ ${mrkdwnInline(d.refusal)}` : ''}`;
}

/** The modal: where it will write (host and database, never credentials), the four inputs named as the form fields. */
export function seedConfirmModal(input: SeedModalInput): ModalView {
  const options: PlainTextOption[] = input.destinations.map((d) => ({ text: plain(d.env), value: d.env }));
  const initial = options.find((o) => o.value === 'staging') ?? options[0];
  return {
    type: 'modal',
    callback_id: seedIds.confirmModal,
    title: plain('Seed pilots', 24),
    submit: plain('Seed', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(input.metadata),
    blocks: [
      section(
        'Seeds pilot tenants and their demo data. Every tenant gets *autopost off* and *threshold 0.90*; ' +
          'running it again with the same prefix and count on the same (UTC) day changes no counts; ' +
          "a later day adds that day's rollup row per tenant and moves the demo dates to it.",
      ),
      section(cut(`*Where it writes*\n${input.destinations.map(destinationLine).join('\n')}`, 2900)),
      {
        type: 'input',
        block_id: 'env',
        label: plain('Environment', 2000),
        element: { type: 'static_select', action_id: 'env', options, ...(initial ? { initial_option: initial } : {}) },
      },
      textInput(
        'prefix',
        'Tenant prefix',
        input.prefix,
        'Tenants are named <prefix>-smb-001, <prefix>-prof-002, … ' +
          '2–20 lowercase letters, digits and hyphens, starting with a letter.',
      ),
      textInput('count', 'Number of tenants', input.count, `From 1 to ${input.maxTenants}.`),
      textInput(
        'confirm',
        'Type I_UNDERSTAND to confirm',
        '',
        'This writes to the database shown above. Case matters.',
      ),
    ],
  };
}

function stepLines(steps: SeedStep[], failed: boolean): string[] {
  return steps.map((s) => {
    const icon = failed && s.status === 'pending' ? '⏸️' : STATUS_ICON[s.status];
    const note = s.status === 'running' ? 'running…' : failed && s.status === 'pending' ? 'not run' : (s.detail ?? '');
    const ms = s.durationMs === undefined ? '' : ` · ${s.durationMs} ms`;
    return `${icon} ${s.number}. ${s.title}${note ? ` — ${mrkdwnInline(note)}` : ''}${ms}`;
  });
}

export interface SeedProgress {
  env: string;
  target: string;
  prefix: string;
  count: number;
  user: string;
  steps: SeedStep[];
}

export function seedProgressMessage(p: SeedProgress): SlackMessage {
  const title = `🌱 Seeding ${p.count} pilot tenant${p.count === 1 ? '' : 's'} into ${p.env}…`;
  return {
    text: title,
    blocks: [
      header(title),
      section(stepLines(p.steps, false).join('\n')),
      context(`Requested by ${slackMention(p.user)} · prefix ${mrkdwnCode(p.prefix)} · ${mrkdwnCode(p.target)}`),
    ],
  };
}

/** runUrl: where the run's report is read (its /runs/<id> page), when known. */
export function seedResultMessage(report: SeedReport, runId: string, user: string, runUrl?: string): SlackMessage {
  const env = report.env ?? 'target';
  const failed = report.verdict === 'failed';
  const title = failed
    ? `❌ Seed pilots into ${env} failed at step ${report.failure?.step}`
    : `✅ Seeded ${report.count} pilot tenant${report.count === 1 ? '' : 's'} into ${env}`;
  const blocks: KnownBlock[] = [header(title)];
  if (failed && report.failure) {
    blocks.push(
      section(
        `*Step ${report.failure.step} (${report.failure.title}) failed:* ${mrkdwnInline(report.failure.reason)}\n` +
          'Nothing was written: the transaction was rolled back.',
      ),
    );
  }
  blocks.push(section(stepLines(report.steps, failed).join('\n')));
  if (!failed) {
    const shown = report.tenants.slice(0, TENANTS_SHOWN).map(mrkdwnCode).join(', ');
    const more = report.tenants.length - TENANTS_SHOWN;
    blocks.push(
      section(
        `*Tenants* (autopost off, threshold 0.90): ${shown}${more > 0 ? ` and ${more} more (all in seed_log.txt)` : ''}`,
      ),
    );
  }
  const rows = report.summary.map(
    ({ table, rows: n }) => `${mrkdwn(table).replace(/```/g, 'ˋˋˋ').padEnd(18)}${String(n).padStart(8)}`,
  );
  blocks.push(
    section(
      `*Table row counts*\n\`\`\`\n${rows.join('\n') || 'no pilot tables'}\n\`\`\`\n` +
        `Schema version: ${mrkdwnCode(report.schemaVersion ?? 'none')}`,
    ),
  );
  blocks.push(
    context(
      `Target ${mrkdwnCode(report.target)} · requested by ${slackMention(user)}`,
      evidenceLine({ id: runId, url: runUrl }, 'seed log in this thread'),
    ),
  );
  return { text: title, blocks: fitMessage(blocks) };
}

/** "Seeding of staging is already running: started by @ana at 14:02 UTC." */
export function seedBusyText(env: string, holder: LockHolder | null): string {
  if (!holder) return `Seeding of ${mrkdwnCode(env)} is already running; try again when it has finished.`;
  const who = typeof holder.owner.user === 'string' ? holder.owner.user : 'someone';
  const by = slackMention(who);
  return fitText(
    `Seeding of ${mrkdwnCode(env)} is already running: started by ${by} at ${slackTime(new Date(holder.acquiredAt))}. ` +
      'Try again when it has finished.',
  );
}

export function seedRefusalText(env: string, reason: string): string {
  return fitText(`⛔ Not seeding ${mrkdwnCode(env)}: ${cut(mrkdwnInline(reason), 3000)}\nNothing was written.`);
}
