/**
 * Run-time validation of option objects. Plain-JS and browser users have no compiler, so every
 * op, layer and optimizer checks its options here: an unknown key (a typo such as `strides` or
 * `momentun`) or a value of the wrong kind is a TesseraError naming the op and the option,
 * never silently ignored.
 *
 *   const o = checkOptions('conv2d', options, { stride: opt.any('a number or [h, w]'), ... });
 */
import { ArgumentError } from './errors.js';

/** Checks one option value (never called for `undefined`: every option is optional). */
export type OptionCheck = (op: string, key: string, value: unknown) => void;

/** One check per accepted key. `Required` makes TypeScript list every key of the options type. */
export type OptionSchema<T> = { readonly [K in keyof Required<T>]: OptionCheck };

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    const tag = value.constructor?.name;
    return tag && tag !== 'Object' ? `a ${tag}` : 'an object';
  }
  return typeof value;
}

function fail(op: string, key: string, expected: string, value: unknown): never {
  throw new ArgumentError(`${op}: option '${key}' must be ${expected}, got ${describe(value)}`);
}

/** Levenshtein distance, for "did you mean" suggestions on short option names. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost));
    }
    prev = row;
  }
  return prev[b.length];
}

/** Spelling-insensitive form: `transpose_b`, `TransposeB` and `transposeB` all match. */
function folded(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** The closest accepted name, when it is close enough to be the likely intent (or a case slip). */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    // A spelling slip, a truncation ('every' for 'everySteps') or a near miss by edit distance.
    const f = folded(name);
    const d =
      folded(c) === f ? 0 : f.length >= 3 && folded(c).startsWith(f) ? 1 : editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/**
 * Validate `options` against `schema` and return it (or `{}` when it is undefined).
 * Throws an ArgumentError for a non-object, an unknown key (with the nearest valid name) or a
 * value its check rejects.
 */
export function checkOptions<T extends object>(
  op: string,
  options: T | undefined,
  schema: OptionSchema<T>,
): T {
  if (options === undefined) return {} as T;
  const known = Object.keys(schema);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(
      `${op}: options must be an object with keys ${known.map((k) => `'${k}'`).join(', ')}, got ${describe(options)}`,
    );
  }
  for (const [key, value] of Object.entries(options)) {
    const check = (schema as Record<string, OptionCheck | undefined>)[key];
    if (check === undefined) {
      const hint = nearestName(key, known);
      const accepted = known.length ? known.map((k) => `'${k}'`).join(', ') : 'none';
      throw new ArgumentError(
        `${op}: unknown option '${key}'` +
          (hint ? ` (did you mean '${hint}'?)` : '') +
          `; accepted options: ${accepted}`,
      );
    }
    if (value !== undefined) check(op, key, value);
  }
  return options;
}

interface NumberRule {
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Exclusive lower bound (e.g. a learning rate > 0). */
  greaterThan?: number;
  /** Exclusive upper bound (e.g. a momentum < 1). */
  lessThan?: number;
}

function numberExpectation(rule: NumberRule): string {
  const parts = [rule.integer ? 'an integer' : 'a finite number'];
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.greaterThan !== undefined) parts.push(`> ${rule.greaterThan}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  if (rule.lessThan !== undefined) parts.push(`< ${rule.lessThan}`);
  return parts.join(' ');
}

/** True when `value` is a number obeying `rule`. */
function numberOk(value: unknown, rule: NumberRule): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (rule.integer && !Number.isInteger(value)) return false;
  if (rule.min !== undefined && value < rule.min) return false;
  if (rule.max !== undefined && value > rule.max) return false;
  if (rule.greaterThan !== undefined && value <= rule.greaterThan) return false;
  if (rule.lessThan !== undefined && value >= rule.lessThan) return false;
  return true;
}

/**
 * Check a required numeric argument outside an options object (a learning rate, a count):
 * `checkNumber('SGD', 'lr', lr, { greaterThan: 0 })`.
 */
export function checkNumber(
  op: string,
  arg: string,
  value: unknown,
  rule: NumberRule = {},
): number {
  if (!numberOk(value, rule)) {
    throw new ArgumentError(
      `${op}: '${arg}' must be ${numberExpectation(rule)}, got ${describe(value)}`,
    );
  }
  return value;
}

/** Ready-made checks for option schemas. */
export const opt = {
  boolean: (): OptionCheck => (op, key, v) => {
    if (typeof v !== 'boolean') fail(op, key, 'true or false', v);
  },
  number:
    (rule: NumberRule = {}): OptionCheck =>
    (op, key, v) => {
      if (!numberOk(v, rule)) fail(op, key, numberExpectation(rule), v);
    },
  oneOf:
    <V extends string | number | boolean>(...values: readonly V[]): OptionCheck =>
    (op, key, v) => {
      if (!values.includes(v as V)) {
        fail(op, key, `one of ${values.map((x) => describe(x)).join(', ')}`, v);
      }
    },
  string: (): OptionCheck => (op, key, v) => {
    if (typeof v !== 'string') fail(op, key, 'a string', v);
  },
  function: (): OptionCheck => (op, key, v) => {
    if (typeof v !== 'function') fail(op, key, 'a function', v);
  },
  /** An array whose every element passes `item`, with an optional exact length. */
  arrayOf:
    (item: OptionCheck, length?: number): OptionCheck =>
    (op, key, v) => {
      const what = length === undefined ? 'an array' : `an array of ${length}`;
      if (!Array.isArray(v) || (length !== undefined && v.length !== length))
        fail(op, key, what, v);
      v.forEach((x: unknown, i: number) => item(op, `${key}[${i}]`, x));
    },
  /** Either check may accept the value; `expected` describes both for the error. */
  either:
    (expected: string, ...checks: readonly OptionCheck[]): OptionCheck =>
    (op, key, v) => {
      for (const check of checks) {
        try {
          check(op, key, v);
          return;
        } catch (e) {
          if (!(e instanceof ArgumentError)) throw e;
        }
      }
      fail(op, key, expected, v);
    },
  /**
   * The key is accepted here and its value is validated where it is used (shape-dependent
   * values such as padding); `expected` documents the accepted form.
   */
  checkedLater:
    (expected: string): OptionCheck =>
    () => {
      void expected;
    },
} as const;
