/**
 * A small option parser: `--name value`, `--name=value`, `--flag`. Everything a command does
 * not declare (an unknown or misspelt option, a short flag such as `-e 2`, a stray word) is a
 * UsageError raised before the command starts any work: a typo must never run with defaults.
 */
import { nearestName } from '@tessera/core';

export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'number' | 'boolean';
  readonly description: string;
  readonly default?: string | number | boolean;
}

export type OptionValues = Record<string, string | number | boolean | undefined>;

/** Positional arguments a command takes (none when a command leaves this out). */
export interface PositionalSpec {
  /** For help and errors, e.g. '<weights.safetensors>'. */
  readonly usage: string;
  readonly min: number;
  readonly max: number;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  readonly positionals?: PositionalSpec;
  help(): string;
  run(options: OptionValues, positionals: string[]): Promise<number>;
}

export class UsageError extends Error {}

/** Standard help text from a command's option specs. */
export function helpText(
  command: Pick<Command, 'name' | 'summary' | 'options' | 'positionals'>,
): string {
  const lines = [
    `Usage: tessera ${command.name}${command.positionals ? ' ' + command.positionals.usage : ''} [options]`,
    '',
    command.summary,
    '',
    'Options:',
  ];
  for (const o of command.options) {
    const flag = o.type === 'boolean' ? `--${o.name}` : `--${o.name} <${o.type}>`;
    const def = o.default !== undefined ? ` (default: ${String(o.default)})` : '';
    lines.push(`  ${flag.padEnd(26)} ${o.description}${def}`);
  }
  lines.push(`  ${'--help'.padEnd(26)} show this help`);
  return lines.join('\n');
}

function unknownOption(command: Command, arg: string): UsageError {
  const names = command.options.map((o) => o.name);
  if (!arg.startsWith('--')) {
    // `-e`: there are no short flags (only -h); name the long options it could mean.
    const letter = arg.slice(1, 2);
    const like = names.filter((n) => n.startsWith(letter)).map((n) => `--${n}`);
    const hint = like.length > 0 ? `; did you mean ${like.join(' or ')}?` : '';
    return new UsageError(`unknown option '${arg}' (options are spelled --name${hint})`);
  }
  const key = arg.slice(2);
  const near = nearestName(key, names);
  if (near !== undefined)
    return new UsageError(`unknown option '--${key}'; did you mean '--${near}'?`);
  const known = names.map((n) => `--${n}`).join(', ');
  return new UsageError(`unknown option '--${key}' (options: ${known || 'none'})`);
}

function checkPositionals(command: Command, positionals: readonly string[]): void {
  const spec = command.positionals;
  if (!spec) {
    if (positionals.length > 0)
      throw new UsageError(
        `unexpected argument '${positionals[0]}' (${command.name} takes no positional arguments; options are spelled --name)`,
      );
    return;
  }
  if (positionals.length > spec.max)
    throw new UsageError(
      `unexpected argument '${positionals[spec.max]}' (${command.name} takes ${spec.usage})`,
    );
  if (positionals.length < spec.min) throw new UsageError(`missing ${spec.usage}`);
}

export function parseArgs(
  command: Command,
  argv: readonly string[],
): { values: OptionValues; positionals: string[]; help: boolean } {
  const values: OptionValues = {};
  for (const o of command.options) if (o.default !== undefined) values[o.name] = o.default;
  const positionals: string[] = [];
  let help = false;
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = flag.slice(2);
    const spec = flag.startsWith('--') ? command.options.find((o) => o.name === key) : undefined;
    if (!spec) throw unknownOption(command, flag);
    if (spec.type === 'boolean') {
      if (eq !== -1) {
        const v = arg.slice(eq + 1);
        if (v !== 'true' && v !== 'false')
          throw new UsageError(`--${key} takes no value or true/false`);
        values[key] = v === 'true';
      } else values[key] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq !== -1) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      i++;
    }
    // `--out --epochs 2` must not write a file named '--epochs' (a negative number is fine).
    if (raw === undefined || (eq === -1 && raw.startsWith('--')))
      throw new UsageError(`--${key} needs a value`);
    if (spec.type === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw new UsageError(`--${key} must be a number, got '${raw}'`);
      values[key] = n;
    } else values[key] = raw;
  }
  // With --help nothing runs, so a half-typed command line may still ask for help.
  if (!help) checkPositionals(command, positionals);
  return { values, positionals, help };
}
