import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress.js';

describe('ProgressBar', () => {
  it('draws in place on a terminal and prints one final line elsewhere', () => {
    const tty: string[] = [];
    const bar = new ProgressBar(
      'epoch 1/2',
      4,
      { isTTY: true, write: (s: string) => tty.push(s) },
      8,
    );
    expect(bar.line(2, 'loss 1.0')).toBe('epoch 1/2 [===>    ]  50% loss 1.0');
    bar.update(4, 'done');
    bar.finish(4, 'done');
    expect(tty.at(-1)).toBe('\repoch 1/2 [========] 100% done\n');
    const log: string[] = [];
    const plain = new ProgressBar('e', 2, { isTTY: false, write: (s: string) => log.push(s) }, 4);
    plain.update(1, 'x');
    plain.finish(2, 'y');
    expect(log).toEqual(['e [====] 100% y\n']);
  });
});
