// Modal plumbing shared by every capability: read a view's inputs by block_id, map zod issues to field errors.
import type { z } from 'zod';

type StateValues = Record<
  string,
  Record<
    string,
    { value?: string | null; selected_option?: { value?: string } | null; selected_options?: { value?: string }[] }
  >
>;

/**
 * block_id -> the value of its one element (text, select, or a comma-joined multi-select). Each input's block_id is
 * its schema field name, so zod issues land under the field at fault.
 */
export function readInputs(values: StateValues | undefined): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(values ?? {})) {
    const element = Object.values(elements ?? {})[0];
    if (!element) continue;
    const value =
      element.value ?? element.selected_option?.value ?? element.selected_options?.map((o) => o.value).join(',');
    inputs[blockId] = value ?? '';
  }
  return inputs;
}

/** zod issues -> `response_action: 'errors'` map (block_id -> message); the first issue per field wins. */
export function fieldErrors(issues: z.core.$ZodIssue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

const safeJson = (text: string | undefined): unknown => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
};

/**
 * A decision modal's submission (an access review's or a change-control digest's): its note, the reason or the
 * action items, and the metadata it carried; or the errors to show under field.
 */
export function readDecisionModal<M>(
  view: { state: { values: StateValues }; private_metadata?: string },
  form: z.ZodType<{ reason: string } | { actionItems: string }>,
  metadata: z.ZodType<M>,
  field: 'reason' | 'actionItems',
  lost: string,
): { errors: Record<string, string> } | { note: string; meta: M } {
  const parsed = form.safeParse(readInputs(view.state.values));
  if (!parsed.success) return { errors: fieldErrors(parsed.error.issues) };
  const meta = metadata.safeParse(safeJson(view.private_metadata));
  if (!meta.success) return { errors: { [field]: lost } };
  return { note: 'reason' in parsed.data ? parsed.data.reason : parsed.data.actionItems, meta: meta.data };
}
