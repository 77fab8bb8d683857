#!/usr/bin/env node
// `cvx-hot`: the command-line tool of cvx-storage (package.json bin). This file assembles
// the program from the commands in commands/ and runs it. Every command has --help; exit
// codes are 0 ok, 1 failure, 2 usage (bad arguments); errors go to stderr and data to
// stdout, so output pipes cleanly into jq, csv tools or another cvx-hot.
import { Command, CommanderError } from 'commander';
import { HotStoreError } from '../errors';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, describeError } from './common';
import { benchCommand } from './commands/bench';
import { demoCommand } from './commands/demo';
import { exportCommand } from './commands/export';
import { followCommand, replicateCommand } from './commands/feed';
import { importCommand, ingestCommand } from './commands/ingest';
import { spacesCommand, statsCommand } from './commands/info';
import { checkpointCommand, compactCommand } from './commands/maintenance';
import { getCommand, rangeCommand } from './commands/points';
import { asofCommand, stateCommand } from './commands/temporal';
import { entitiesCommand, timelineCommand } from './commands/timelines';
import { repairCommand, verifyCommand } from './commands/verify';
import { closedPipeEndsQuietly } from './output';

/** The whole command tree; exported for tests of the help texts. */
export function buildProgram(): Command {
  const program = new Command('cvx-hot')
    .description('Inspect, load and maintain cvx-storage hot-tier stores (RocksDB).')
    .version(require('../../package.json').version as string)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', '\nExit codes: 0 ok, 1 failure, 2 usage error. Examples: docs/cli.md');

  const commands = [
    demoCommand, ingestCommand, importCommand, exportCommand, getCommand, rangeCommand, asofCommand, stateCommand, timelineCommand, entitiesCommand,
    spacesCommand, statsCommand, verifyCommand, repairCommand, compactCommand, checkpointCommand, followCommand, replicateCommand, benchCommand,
  ];
  for (const build of commands) program.addCommand(build());
  for (const c of program.commands) c.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/** Runs the CLI and resolves with the exit code (the process is not exited here). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has already printed the help or the usage error.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (e instanceof CliError) {
      if (e.message) process.stderr.write(`cvx-hot: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`cvx-hot: ${describeError(e)}\n`);
    return e instanceof HotStoreError && e.code === 'CVX_INVALID_ARGUMENT' ? EXIT_USAGE : EXIT_FAILURE;
  }
}

if (require.main === module) {
  // A closed pipe (`cvx-hot range … | head`) ends the output, not the tool with a stack trace;
  // a command whose output is worthless when cut (export) reports it as a failure itself.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' && closedPipeEndsQuietly()) process.exit(EXIT_OK);
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
