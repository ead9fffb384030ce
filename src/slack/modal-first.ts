// Modals before slow work: Slack's trigger_id expires 3 s after the click or the command, and a role look-up (the
// user-group directory) or a database read can outlast that (`expired_trigger_id`). So a button that may need a
// modal opens one within a short budget whatever its checks are doing, and a submission checks the role itself.
import type { AckFn, ViewResponseAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { authorize, type OperateDeps, type OperationSpec } from '../operate/operate.js';
import { loadingModal, noticeModal } from '../render/blocks/modal-status.js';

/** Checks that end within this open the real modal directly; past it a loading modal opens and is filled in later. */
export const OPEN_BUDGET_MS = 1200;
/** A submission must be answered within 3 s too: a role check slower than this is answered after the modal closed. */
export const SUBMIT_BUDGET_MS = 2000;

const late = (ms: number) => new Promise<'late'>((resolve) => setTimeout(resolve, ms, 'late').unref());

export interface ModalFirst {
  client: WebClient;
  log: Logger;
  triggerId: string;
  /** The modal's title while it loads and when it ends in a notice. */
  title: string;
  /** How the click is answered when no modal is open (an ephemeral reply). */
  tell: (text: string) => Promise<unknown>;
  budgetMs?: number;
}

/** What a click comes to: a form to show, work that needs none (it says what it did), or nothing (it told). */
export type Prepared = ModalView | { later: () => Promise<string | undefined> } | undefined;
const isView = (p: Prepared): p is ModalView => Boolean(p && 'type' in p);

/**
 * Runs prepare (role and data checks, which may tell a refusal) and shows the form it returns. When prepare outlasts
 * the budget, a loading modal opens with the still-fresh trigger_id and is then updated with the form, or with what
 * was told and what `later` (a decision that needed no form, run outside the budget) says it did.
 */
export async function openModalFirst(
  options: ModalFirst,
  prepare: (tell: (text: string) => Promise<unknown>) => Promise<Prepared>,
): Promise<void> {
  const { client, triggerId, title, tell, budgetMs = OPEN_BUDGET_MS } = options;
  let opening: Promise<string | undefined> | undefined;
  const told: string[] = [];
  const relay = async (text: string) => (opening ? void told.push(text) : tell(text));
  const work = prepare(relay);
  work.catch(() => {}); // awaited below; a rejection before then is not unhandled
  const early = await Promise.race([work, late(budgetMs)]);
  if (early !== 'late') {
    if (isView(early)) await client.views.open({ trigger_id: triggerId, view: early });
    else await early?.later();
    return;
  }
  options.log.info({ title, budgetMs }, 'checks outlast the budget: opening a loading modal first');
  opening = client.views.open({ trigger_id: triggerId, view: loadingModal(title) }).then((r) => r.view?.id);
  const [viewId, prepared] = await Promise.all([opening, work]);
  const done = prepared && !isView(prepared) ? await prepared.later() : undefined;
  const shown = isView(prepared) ? prepared : noticeModal(title, [...told, done ?? ''].join('\n').trim() || 'Done.');
  if (viewId) await client.views.update({ view_id: viewId, view: shown });
}

/**
 * A modal submission's role check, before its ack: a refusal (audited by the pipeline) is shown under field and the
 * modal stays open; a check slower than the budget acks (the modal closes) and a late refusal is told instead.
 * True when the actor may go on; the submission has then been acknowledged.
 */
export async function ackAuthorized(
  deps: Pick<OperateDeps, 'roles' | 'audit' | 'log'>,
  spec: Pick<OperationSpec<unknown, unknown>, 'role' | 'actor' | 'what' | 'kind'>,
  answer: {
    ack: AckFn<void> | AckFn<ViewResponseAction>;
    field: string;
    tell: (text: string) => Promise<unknown>;
    budgetMs?: number;
  },
): Promise<boolean> {
  const check = authorize(deps, spec);
  const early = await Promise.race([check, late(answer.budgetMs ?? SUBMIT_BUDGET_MS)]);
  if (early !== 'late' && early) {
    await answer.ack({ response_action: 'errors', errors: { [answer.field]: early.reason } });
    return false;
  }
  await answer.ack();
  const refused = early === 'late' ? await check : undefined;
  if (refused) await answer.tell(refused.reason);
  return !refused;
}
