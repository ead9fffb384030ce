// What a CLI subcommand gets: its arguments, the environment, and where to write. Returns the exit code.
import { type Config, ConfigError, loadConfig } from '../src/config.js';
import type { CliIo } from './args.js';

export { type CliArgs, type CliCommand, type CliIo, cliActor, parseCliArgs } from './args.js';
export { EXIT } from './exit.js';

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
