// `opsbot drill`: lands with its capability's issue.
import { type CliCommand, EXIT } from '../cli/io.js';

export const drillCli: CliCommand = async (_args, io) => {
  io.err('This subcommand is not available yet in this version of opsbot.');
  return EXIT.usage;
};
