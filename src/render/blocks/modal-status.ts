// The modals shown while a button's checks run and after they end: opened at once with the trigger_id (it expires
// 3 s after the click), then updated with the real form or with what happened.
import type { ModalView } from '@slack/types';
import { cut, section } from './kit.js';

// Slack's limit on a modal title.
const TITLE_MAX = 24;

/** Shown the moment a button is clicked, until the role and the data it needs are read. */
export function loadingModal(title: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: cut(title, TITLE_MAX) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [section('⏳ Checking who you are and reading what this needs…')],
  };
}

/** What the click came to instead of a form: a refusal, or a decision that needed no form. mrkdwn, already escaped. */
export function noticeModal(title: string, markdown: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: cut(title, TITLE_MAX) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [section(markdown)],
  };
}
