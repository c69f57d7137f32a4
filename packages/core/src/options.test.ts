/** Option objects: unknown keys, wrong values and non-objects are errors that name op and key. */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from './errors.js';
import { checkNumber, checkOptions, nearestName, opt } from './options.js';

interface Demo {
  stride?: number;
  momentum?: number;
  mode?: 'a' | 'b';
  flag?: boolean;
}
const schema = {
  stride: opt.number({ integer: true, min: 1 }),
  momentum: opt.number({ min: 0, lessThan: 1 }),
  mode: opt.oneOf('a', 'b'),
  flag: opt.boolean(),
};

describe('checkOptions', () => {
  it('accepts undefined, {} and valid keys, and returns the object', () => {
    expect(checkOptions<Demo>('demo', undefined, schema)).toEqual({});
    const o = { stride: 2, mode: 'b' as const, flag: undefined };
    expect(checkOptions<Demo>('demo', o, schema)).toBe(o);
  });

  it('names the op and the unknown key, with the nearest valid name', () => {
    expect(() => checkOptions('conv2d', { strides: 2 } as Demo, schema)).toThrow(
      /conv2d: unknown option 'strides' \(did you mean 'stride'\?\)/,
    );
    expect(() => checkOptions('SGD', { momentun: 0.9 } as Demo, schema)).toThrow(
      "did you mean 'momentum'?",
    );
    expect(() => checkOptions('demo', { zzzzzzzz: 1 } as Demo, schema)).toThrow(
      /unknown option 'zzzzzzzz'; accepted options: 'stride', 'momentum', 'mode', 'flag'$/,
    );
  });

  it('rejects values of the wrong kind, naming what was expected and what came', () => {
    expect(() => checkOptions<Demo>('demo', { stride: 1.5 }, schema)).toThrow(
      "demo: option 'stride' must be an integer >= 1, got 1.5",
    );
    expect(() => checkOptions<Demo>('demo', { momentum: 1 }, schema)).toThrow(/< 1, got 1$/);
    expect(() => checkOptions('demo', { mode: 'c' } as unknown as Demo, schema)).toThrow(
      "must be one of 'a', 'b', got 'c'",
    );
    expect(() => checkOptions('demo', { flag: 'yes' } as unknown as Demo, schema)).toThrow(
      ArgumentError,
    );
    expect(() => checkOptions('demo', { stride: NaN }, schema)).toThrow(/got NaN/);
  });

  it('rejects a non-object', () => {
    for (const bad of [null, 3, 'x', [1]]) {
      expect(() => checkOptions('demo', bad as unknown as Demo, schema)).toThrow(
        /demo: options must be an object with keys 'stride'/,
      );
    }
  });

  it('arrayOf and either', () => {
    const s = {
      pads: opt.arrayOf(opt.number({ integer: true, min: 0 }), 4),
      size: opt.either('a number or a pair', opt.number(), opt.arrayOf(opt.number(), 2)),
    };
    expect(() => checkOptions('pad', { pads: [1, 2, 3] }, s)).toThrow('an array of 4');
    expect(() => checkOptions('pad', { pads: [1, 2, 3, -1] }, s)).toThrow("'pads[3]'");
    expect(checkOptions('pad', { size: [1, 2] }, s)).toEqual({ size: [1, 2] });
    expect(() => checkOptions('pad', { size: 'x' }, s)).toThrow('a number or a pair');
  });
});

describe('checkNumber and nearestName', () => {
  it('checkNumber names the argument and shows an object plainly', () => {
    expect(checkNumber('Adam', 'lr', 0.1, { greaterThan: 0 })).toBe(0.1);
    expect(() => checkNumber('Adam', 'lr', { lr: 0.01 }, { greaterThan: 0 })).toThrow(
      "Adam: 'lr' must be a finite number > 0, got an object",
    );
  });

  it('nearestName ignores far-off names and prefers a case slip', () => {
    expect(nearestName('betas', ['beta1', 'beta2', 'eps'])).toBe('beta1');
    expect(nearestName('Stride', ['stride', 'padding'])).toBe('stride');
    expect(nearestName('quux', ['stride', 'padding'])).toBeUndefined();
    expect(nearestName('every', ['everySteps', 'save'])).toBe('everySteps');
    expect(nearestName('ev', ['everySteps', 'save'])).toBeUndefined();
  });
});
