// What a seed request must say (environment, prefix, count, confirmation), checked the same way for the modal and the
// CLI; messages are written for the person at the keyboard, and field names are the modal's block_ids.
import { z } from 'zod';
import type { Config } from '../config.js';

export const CONFIRM_WORD = 'I_UNDERSTAND';
export const DEFAULT_PREFIX = 'pilot';
export const DEFAULT_COUNT = 3;

export const prefixSchema = z
  .string()
  .trim()
  .regex(
    /^[a-z][a-z0-9-]{1,19}$/,
    'Use 2–20 lowercase letters, digits and hyphens, starting with a letter (e.g. `pilot`).',
  );

const WHOLE = 'Type a whole number of tenants, e.g. 3.';

/** A count as typed (`5`), checked against SEED_MAX_TENANTS; an empty box is not zero. */
export const countSchema = (maxTenants: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, WHOLE)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, 'At least 1 tenant.')
        .max(maxTenants, `At most ${maxTenants} tenants per run (SEED_MAX_TENANTS).`),
    );

export const SeedForm = ({ environments, maxTenants }: Config['seed']) =>
  z.object({
    env: z
      .string()
      .refine(
        (name) => environments.includes(name),
        `Pick one of: ${environments.join(', ') || 'none (set SEED_ENVIRONMENTS)'}.`,
      ),
    prefix: prefixSchema,
    count: countSchema(maxTenants),
    // Surrounding whitespace is forgiven; case is not, so nobody confirms by accident.
    confirm: z
      .string()
      .trim()
      .refine((typed) => typed === CONFIRM_WORD, `You must type ${CONFIRM_WORD} to run this.`),
  });
export type SeedRequest = z.infer<ReturnType<typeof SeedForm>>;
