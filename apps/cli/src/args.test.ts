import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type Command } from './args.js';

const command: Command = {
  name: 'demo',
  summary: 'demo',
  options: [
    { name: 'epochs', type: 'number', description: 'epochs', default: 2 },
    { name: 'model', type: 'string', description: 'model' },
    { name: 'quick', type: 'boolean', description: 'quick' },
  ],
  positionals: { usage: '<weights>', min: 0, max: 1 },
  help: () => 'help',
  run: async () => 0,
};

const noPositionals: Command = { ...command, positionals: undefined };

describe('parseArgs', () => {
  it('reads values in both spellings and keeps defaults', () => {
    const { values, positionals } = parseArgs(command, [
      '--model',
      'lenet',
      '--quick',
      'w.safetensors',
    ]);
    expect(values).toEqual({ epochs: 2, model: 'lenet', quick: true });
    expect(positionals).toEqual(['w.safetensors']);
    expect(parseArgs(command, ['--epochs=5']).values.epochs).toBe(5);
    expect(parseArgs(command, ['--epochs', '-3']).values.epochs).toBe(-3);
  });

  it('rejects unknown options, suggesting the nearest one', () => {
    expect(() => parseArgs(command, ['--epoch', '3'])).toThrow(UsageError);
    expect(() => parseArgs(command, ['--epoch', '3'])).toThrow(
      "unknown option '--epoch'; did you mean '--epochs'?",
    );
    expect(() => parseArgs(command, ['--zzzzzz'])).toThrow(
      "unknown option '--zzzzzz' (options: --epochs, --model, --quick)",
    );
  });

  it('rejects short flags that do not exist, naming the long options they could mean', () => {
    expect(() => parseArgs(command, ['-e', '2'])).toThrow(
      "unknown option '-e' (options are spelled --name; did you mean --epochs?)",
    );
    expect(() => parseArgs(command, ['-x'])).toThrow("unknown option '-x'");
    expect(parseArgs(command, ['-h']).help).toBe(true);
  });

  it('rejects positional words a command does not take', () => {
    expect(() => parseArgs(noPositionals, ['2'])).toThrow(
      "unexpected argument '2' (demo takes no positional arguments",
    );
    expect(() => parseArgs(command, ['a', 'b'])).toThrow("unexpected argument 'b'");
    const one: Command = { ...command, positionals: { usage: '<weights>', min: 1, max: 1 } };
    expect(() => parseArgs(one, [])).toThrow('missing <weights>');
    expect(parseArgs(one, ['--', '--odd-name']).positionals).toEqual(['--odd-name']);
    // --help still works on an incomplete command line.
    expect(parseArgs(one, ['--help']).help).toBe(true);
  });

  it('rejects a non-numeric number and a missing value', () => {
    expect(() => parseArgs(command, ['--epochs', 'many'])).toThrow(/must be a number/);
    expect(() => parseArgs(command, ['--model'])).toThrow(/needs a value/);
    expect(() => parseArgs(command, ['--model', '--quick'])).toThrow('--model needs a value');
  });
});
