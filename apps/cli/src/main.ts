/**
 * The `tessera` command. Each subcommand lives in commands/<name>.ts and exports a
 * `Command`; this file only parses the first word and dispatches.
 */
import { parseArgs, UsageError, type Command } from './args.js';
import { backendsCommand } from './commands/backends.js';
import { benchCommand } from './commands/bench.js';
import { evalCommand } from './commands/eval.js';
import { summaryCommand } from './commands/summary.js';
import { trainCommand } from './commands/train.js';

const commands: Command[] = [
  trainCommand,
  evalCommand,
  summaryCommand,
  backendsCommand,
  benchCommand,
];

function usage(): string {
  const lines = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return [
    'Usage: tessera <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `tessera <command> --help` for its options.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`tessera: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const args = parseArgs(command, rest);
    if (args.help) {
      console.log(command.help());
      return 0;
    }
    return await command.run(args.values, args.positionals);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`tessera ${command.name}: ${err.message}\n\n${command.help()}`);
      return 2;
    }
    throw err;
  }
}
