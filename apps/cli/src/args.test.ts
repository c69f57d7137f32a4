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
  help: () => 'help',
  run: async () => 0,
};

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
  });

  it('rejects unknown options, naming them and the known ones', () => {
    expect(() => parseArgs(command, ['--epoch', '3'])).toThrow(UsageError);
    expect(() => parseArgs(command, ['--epoch', '3'])).toThrow(
      /unknown option '--epoch'.*--epochs/,
    );
  });

  it('rejects a non-numeric number and a missing value', () => {
    expect(() => parseArgs(command, ['--epochs', 'many'])).toThrow(/must be a number/);
    expect(() => parseArgs(command, ['--model'])).toThrow(/needs a value/);
  });
});
