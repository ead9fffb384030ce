// What a CLI subcommand gets: its arguments, the environment, and where to write. Returns the exit code.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../src/config.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
}
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

/** Exit codes every subcommand shares: 0 healthy/PASS, 1 failing/FAIL, 2 usage or configuration error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The configuration for a CLI command, or undefined after printing every problem (the caller exits 2). */
export function cliConfig(io: CliIo, options: { requireSlack?: boolean } = {}): Config | undefined {
  try {
    return loadConfig(io.env, { requireSlack: options.requireSlack ?? false });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return undefined;
    }
    throw error;
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
export interface CliArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * node:util parseArgs with `--help`/`-h` for every subcommand, and errors turned into a usage message instead of a
 * stack trace. Returns the exit code when it has already answered (help printed: 0; bad arguments: 2).
 */
export function parseCliArgs(
  args: string[],
  options: OptionSpec,
  usage: string,
  io: CliIo,
  help = `Usage: ${usage}`,
): CliArgs | number {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(help);
      return EXIT.ok;
    }
    return { values: values as CliArgs['values'], positionals };
  } catch (error) {
    io.err(`${(error as Error).message}\nUsage: ${usage}`);
    return EXIT.usage;
  }
}

/** Who runs a CLI operation, as the audit log and the run record name them: `cli:<os user>`. */
export function cliActor(): { user: string } {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // Containers may run as a uid with no passwd entry.
  }
  return { user: `cli:${name}` };
}
