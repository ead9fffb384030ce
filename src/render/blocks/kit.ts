// Block Kit helpers: the one place that knows Slack's limits, and cuts text to fit them with `…`.
import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { mrkdwnCode } from '../escape.js';

export type { KnownBlock };
export interface SlackMessage {
  /** What notifications and screen readers show: never empty. */
  text: string;
  blocks?: KnownBlock[];
}

export const LIMITS = {
  header: 150,
  section: 3000,
  context: 3000,
  buttonLabel: 75,
  buttonValue: 2000,
  actionId: 255,
  messageBlocks: 50,
  modalBlocks: 100,
  messageText: 40_000,
} as const;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Text cut to at most max UTF-16 units, ending in `…`. Cuts fall between graphemes, so an emoji, a flag or an accented
 * letter is never split (no lone surrogate), and never inside an entity (`&amp;`) or a `<…>` opsbot wrote.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  // Segmenting only the head: ICU walks the whole string per step otherwise (22 s for a 100 kB body).
  for (const { segment } of graphemes.segment(text.slice(0, max + 32))) {
    if (kept.length + segment.length > max - 1) break;
    kept += segment;
  }
  return `${kept.replace(/&[#a-zA-Z0-9]*$|<[^<>]*$/, '')}…`;
}

/** A message's top-level text (or an ephemeral answer) within Slack's 40 000 characters. */
export const fitText = (text: string): string => cut(text, LIMITS.messageText);

export const header = (text: string): HeaderBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: cut(text, LIMITS.header), emoji: true },
});

export const section = (markdown: string): SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: cut(markdown || ' ', LIMITS.section) },
});

export const context = (...markdown: string[]): ContextBlock => ({
  type: 'context',
  elements: markdown.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: cut(text || ' ', LIMITS.context) })),
});

export const divider = (): KnownBlock => ({ type: 'divider' });

export function button(label: string, actionId: string, value = '', style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: cut(label, LIMITS.buttonLabel), emoji: true },
    action_id: cut(actionId, LIMITS.actionId),
    value: cut(value, LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

export const actions = (blockId: string, ...buttons: Button[]): ActionsBlock => ({
  type: 'actions',
  block_id: blockId,
  elements: buttons,
});

/**
 * Lines into as many sections as they need (each under 3000 characters), never more than maxBlocks of them; what does
 * not fit is summarised as "…and N more", so a report of any size makes a valid message.
 */
export function sections(lines: string[], maxBlocks: number): SectionBlock[] {
  const blocks: string[] = [];
  let current = '';
  let used = 0;
  for (const line of lines) {
    const piece = cut(line, LIMITS.section - 40);
    if (current && current.length + piece.length + 1 > LIMITS.section - 40) {
      if (blocks.length + 1 >= maxBlocks) break;
      blocks.push(current);
      current = '';
    }
    current = current ? `${current}\n${piece}` : piece;
    used += 1;
  }
  if (used < lines.length) current += `\n…and ${lines.length - used} more`;
  if (current) blocks.push(current);
  return blocks.map(section);
}

/** Keeps a message inside 50 blocks: the last block (usually the context or the buttons) is kept. */
export function fitMessage(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= LIMITS.messageBlocks) return blocks;
  const last = blocks.at(-1)!;
  return [
    ...blocks.slice(0, LIMITS.messageBlocks - 2),
    context(`…${blocks.length - LIMITS.messageBlocks + 1} more blocks left out`),
    last,
  ];
}

/** "14:02 UTC": a time of day where Slack can't localise it (plain_text, notifications, the CLI). */
export function utcTime(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}

const slackDate = (date: Date, format: string, fallback: string) =>
  `<!date^${Math.floor(date.getTime() / 1000)}^${format}|${fallback}>`;

/** A time of day in mrkdwn: each reader sees it in their own zone; clients that can't, see "14:02 UTC". */
export function slackTime(date: Date): string {
  return slackDate(date, '{time}', utcTime(date));
}

/** A moment that may be on another day, in mrkdwn: "Mar 4, 2026 at 2:02 PM" locally, "2026-03-04 14:02 UTC" as fallback. */
export function slackDateTime(date: Date): string {
  return slackDate(date, '{date_short_pretty} at {time}', `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
}

/** A mention in mrkdwn of a Slack user id (`U…`, `W…`) or user-group id (`S…`); anything else is shown, escaped, as code. */
export function slackMention(entry: string): string {
  if (/^[UW][A-Z0-9_]+$/.test(entry)) return `<@${entry}>`;
  if (/^S[A-Z0-9]+$/.test(entry)) return `<!subteam^${entry}>`;
  return mrkdwnCode(entry);
}
