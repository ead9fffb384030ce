// Reading one variable: parsed by its schema, or a problem naming the variable, what is wrong and an example; values
// left as .env.example's placeholders are refused. config.ts and its sections all read through one Reader.
import type { z } from 'zod';
import { MASK, maskUrl } from './redact.js';

export type Env = Record<string, string | undefined>;

// The values .env.example ships with: left unedited, they would start a bot that talks to nobody.
const PLACEHOLDERS: Record<string, string> = {
  SLACK_BOT_TOKEN: 'xoxb-your-bot-token',
  SLACK_SIGNING_SECRET: 'your-signing-secret',
  SLACK_ALERT_CHANNEL: 'C0123ALERTS',
  SLACK_REVIEW_CHANNEL: 'C0456REVIEW',
  STAGING_BASE_URL: 'https://staging.example.com',
  OPSBOT_ADMINS: 'U0123ADMIN',
};

/**
 * Our schema messages read "is not …" after the value; zod's own defaults ("Invalid input: expected …") are not
 * written for the person at the keyboard, so one that slips through becomes plain words.
 */
function plainMessage(message: string | undefined): string {
  return message && /^[a-z]/.test(message) ? message : 'is not a valid value';
}

export interface Reader {
  /** The variable parsed by schema; fallback when unset; undefined (and a problem) when it does not parse. */
  read<T>(name: string, schema: z.ZodType<T>, example: string, fallback?: string): T | undefined;
  /** As read, and a problem (why) when the variable is not set. */
  required<T>(name: string, schema: z.ZodType<T>, example: string, why?: string): T | undefined;
}

export function createReader(env: Env, problems: string[]): Reader {
  for (const [name, placeholder] of Object.entries(PLACEHOLDERS)) {
    if (env[name]?.trim() === placeholder)
      problems.push(
        `${name}: is still the placeholder from .env.example (\`${placeholder}\`). Put your own value there (README: "Set up the Slack app") or delete the line`,
      );
  }
  const placeholder = (name: string) => name in PLACEHOLDERS && env[name]?.trim() === PLACEHOLDERS[name];
  function read<T>(name: string, schema: z.ZodType<T>, example: string, fallback?: string): T | undefined {
    if (placeholder(name)) return undefined;
    const raw = env[name] === '' ? undefined : (env[name] ?? fallback);
    if (raw === undefined) return undefined;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const shown = /TOKEN|SECRET|PASSWORD/.test(name) ? MASK : maskUrl(raw);
    problems.push(
      `${name}: \`${shown}\` ${plainMessage(parsed.error.issues[0]?.message)}. Example: ${name}=${example}`,
    );
    return undefined;
  }
  function required<T>(name: string, schema: z.ZodType<T>, example: string, why = 'is not set'): T | undefined {
    if (placeholder(name)) return undefined;
    if (!env[name]) {
      problems.push(`${name}: ${why}. Example: ${name}=${example}`);
      return undefined;
    }
    return read(name, schema, example);
  }
  return { read, required };
}
