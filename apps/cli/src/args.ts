/** A small option parser: `--name value`, `--name=value`, `--flag`; unknown options are errors. */

export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'number' | 'boolean';
  readonly description: string;
  readonly default?: string | number | boolean;
}

export type OptionValues = Record<string, string | number | boolean | undefined>;

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  /** Description of positional arguments for help, e.g. '<weights>'. */
  readonly positionals?: string;
  help(): string;
  run(options: OptionValues, positionals: string[]): Promise<number>;
}

export class UsageError extends Error {}

/** Standard help text from a command's option specs. */
export function helpText(
  command: Pick<Command, 'name' | 'summary' | 'options' | 'positionals'>,
): string {
  const lines = [
    `Usage: tessera ${command.name}${command.positionals ? ' ' + command.positionals : ''} [options]`,
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

export function parseArgs(
  command: Command,
  argv: readonly string[],
): { values: OptionValues; positionals: string[]; help: boolean } {
  const values: OptionValues = {};
  for (const o of command.options) if (o.default !== undefined) values[o.name] = o.default;
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = command.options.find((o) => o.name === key);
    if (!spec) {
      const known = command.options.map((o) => `--${o.name}`).join(', ');
      throw new UsageError(`unknown option '--${key}' (known: ${known || 'none'})`);
    }
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
    if (raw === undefined) throw new UsageError(`--${key} needs a value`);
    if (spec.type === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw new UsageError(`--${key} must be a number, got '${raw}'`);
      values[key] = n;
    } else values[key] = raw;
  }
  return { values, positionals, help };
}
