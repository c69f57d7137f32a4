/** WGSL for the elementwise family: unary, binary (broadcasting), where, cast, fill. */
import type { BinaryOp, UnaryOp } from '@tessera/core';
import type { ElemType } from '../device/program.js';
import { dim } from '../device/params.js';
import type { Access } from './util.js';

/** `op(v)` in f32; tanh and sigmoid are written so that no intermediate overflows. */
function unaryF32(op: UnaryOp, v: string): string {
  switch (op) {
    case 'neg':
      return `-${v}`;
    case 'abs':
      return `abs(${v})`;
    case 'exp':
      return `exp(${v})`;
    case 'log':
      return `log(${v})`;
    case 'sqrt':
      return `sqrt(${v})`;
    case 'square':
      return `${v} * ${v}`;
    case 'relu':
      return `select(0.0, ${v}, ${v} > 0.0)`;
    case 'sigmoid':
      return `select(exp(${v}) / (1.0 + exp(${v})), 1.0 / (1.0 + exp(-${v})), ${v} >= 0.0)`;
    case 'tanh':
      return `sign(${v}) * (1.0 - exp(-2.0 * abs(${v}))) / (1.0 + exp(-2.0 * abs(${v})))`;
    case 'step':
      return `select(0.0, 1.0, ${v} > 0.0)`;
  }
}

/** `op(x)` for an element `x` of type `t`. int32 transcendental ops compute in f32 and truncate toward zero. */
export function unaryExpr(op: UnaryOp, t: ElemType): string {
  if (t === 'f32') return unaryF32(op, 'x');
  switch (op) {
    case 'neg':
      return '-x';
    case 'abs':
      return 'abs(x)';
    case 'square':
      return 'x * x';
    case 'relu':
      return 'max(x, 0i)';
    case 'step':
      return 'select(0, 1, x > 0)';
    default:
      return `i32(${unaryF32(op, 'f32(x)')})`;
  }
}

/** `op(a, b)`; comparisons give f32 0/1 whatever the operand type. */
export function binaryExpr(op: BinaryOp, t: ElemType): string {
  switch (op) {
    case 'add':
      return 'a + b';
    case 'sub':
      return 'a - b';
    case 'mul':
      return 'a * b';
    case 'div':
      // Integer division truncates toward zero; by zero it gives 0, as storing into an Int32Array does.
      return t === 'f32' ? 'a / b' : 'select(a / b, 0, b == 0)';
    case 'maximum':
      return 'max(a, b)';
    case 'minimum':
      return 'min(a, b)';
    case 'greater':
      return 'select(0.0, 1.0, a > b)';
    case 'equal':
      return 'select(0.0, 1.0, a == b)';
  }
}

/**
 * Index expressions for broadcast inputs. Returns WGSL that declares `idx_<name>` for every
 * input (from the output index `i`), decomposing `i` over the collapsed shape `p.shape`
 * only when some input is strided.
 */
export function broadcastIndexing(
  names: readonly string[],
  access: readonly Access[],
  rank: number,
): string {
  const lines: string[] = [];
  const strided = names.filter((_, k) => access[k] === 'strided');
  if (strided.length > 0) {
    lines.push('var rem = i;');
    for (const name of strided) lines.push(`var idx_${name} = 0u;`);
    for (let d = rank - 1; d >= 1; d--) {
      lines.push(`{ let c = rem % ${dim('shape', d)}; rem = rem / ${dim('shape', d)};`);
      for (const name of strided) lines.push(`  idx_${name} += c * ${dim(`st_${name}`, d)};`);
      lines.push('}');
    }
    for (const name of strided) lines.push(`idx_${name} += rem * ${dim(`st_${name}`, 0)};`);
  }
  names.forEach((name, k) => {
    if (access[k] === 'same') lines.push(`let idx_${name} = i;`);
    else if (access[k] === 'scalar') lines.push(`let idx_${name} = 0u;`);
  });
  return lines.join('\n    ');
}
