// Block Kit helpers: the one place that knows Slack's limits, and cuts text to fit them with `…`.
import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';

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

export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

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

/** "14:02 UTC" — how opsbot writes a time of day in messages. */
export function utcTime(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}
