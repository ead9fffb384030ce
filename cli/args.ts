// Arguments of a CLI subcommand: node:util parseArgs with --help everywhere and errors in plain words. Loads no
// configuration, so a subcommand can answer --help before importing anything heavy.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { EXIT } from './exit.js';
import { didYouMean } from './suggest.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
}
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

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
    io.err(`${argumentProblem(error as Error & { code?: string }, options)}\nUsage: ${usage}`);
    return EXIT.usage;
  }
}

/** node:util parseArgs's errors, in words for the person at the keyboard instead of Node's. */
function argumentProblem(error: Error & { code?: string }, options: OptionSpec): string {
  const option = /'(-{1,2}[^'\s]*)/.exec(error.message)?.[1] ?? '';
  const known = ['help', ...Object.keys(options)].map((name) => `--${name}`);
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option \`${option}\`.${didYouMean(option, known)}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return options[option.replace(/^-+/, '')]?.type === 'boolean'
        ? `\`${option}\` takes no value.`
        : `\`${option}\` needs a value, e.g. ${option} VALUE.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return 'Too many arguments.';
    default:
      return 'The arguments could not be read.';
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
