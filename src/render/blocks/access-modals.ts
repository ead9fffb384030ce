// The access review's modals: why anomalies are accepted (Approve), and the action items (Flag issue).
import type { ModalView } from '@slack/types';
import type { AccessReview } from '../../access/store.js';
import { accessIds, anomalyLines, reviewTitle } from './access.js';
import { cut, section } from './kit.js';

function modal(
  callbackId: string,
  title: string,
  submit: string,
  metadata: string,
  intro: string,
  field: string,
  label: string,
  hint: string,
): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: metadata,
    title: { type: 'plain_text', text: cut(title, 24) },
    submit: { type: 'plain_text', text: submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(intro),
      {
        type: 'input',
        block_id: field,
        label: { type: 'plain_text', text: label },
        element: {
          type: 'plain_text_input',
          action_id: field,
          multiline: true,
          max_length: 2000,
          placeholder: { type: 'plain_text', text: hint },
        },
      },
    ],
  };
}

/** Shown when anomalies exist: approving them needs the reason they are accepted. */
export function approveModal(review: AccessReview, metadata: string): ModalView {
  const intro = `*${reviewTitle(review)}* has ${review.anomalies.length} anomalies:\n${anomalyLines(review, 5).join('\n')}`;
  return modal(
    accessIds.approveModal,
    'Approve access review',
    'Approve',
    metadata,
    intro,
    'reason',
    'Why are these anomalies accepted?',
    'e.g. tenant acme-pilot runs autopost on purpose until the pilot ends',
  );
}

export function flagModal(review: AccessReview, metadata: string): ModalView {
  return modal(
    accessIds.flagModal,
    'Flag access review',
    'Flag issue',
    metadata,
    `*${reviewTitle(review)}*: what has to be done?`,
    'actionItems',
    'Action items',
    'e.g. remove user-00042 from the org; turn autopost off for acme-pilot',
  );
}
