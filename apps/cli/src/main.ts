/**
 * The `tessera` command. Each subcommand lives in commands/<name>.ts and exports a
 * `Command`; this file only parses the first word and dispatches.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, UsageError, type Command } from './args.js';
import { backendsCommand } from './commands/backends.js';
import { benchCommand } from './commands/bench.js';
import { evalCommand } from './commands/eval.js';
import { plotCommand } from './commands/plot.js';
import { summaryCommand } from './commands/summary.js';
import { trainCommand } from './commands/train.js';

const commands: Command[] = [
  trainCommand,
  evalCommand,
  summaryCommand,
  backendsCommand,
  benchCommand,
  plotCommand,
];

function usage(): string {
  const lines = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return [
    'Usage: tessera <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `tessera <command> --help` for its options; `tessera --version` prints the version.',
  ].join('\n');
}

/** The CLI's version, from its package.json (src/ and dist/ sit at the same depth). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`tessera ${version()} (node ${process.version})`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(
      `tessera: unknown command '${name}' (commands: ${commands.map((c) => c.name).join(', ')})\n` +
        'see `tessera --help`',
    );
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
      // One line saying what is wrong and where to look; the full help would bury it.
      console.error(
        `tessera ${command.name}: ${err.message}\nsee \`tessera ${command.name} --help\``,
      );
      return 2;
    }
    throw err;
  }
}
