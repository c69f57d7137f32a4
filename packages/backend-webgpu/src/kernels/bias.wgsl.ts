/** WGSL for BiasAdd: x viewed as [outer, channels, inner] plus bias[channel], optionally through relu. */
import { paramLayout } from '../device/params.js';
import { bindings, type ElemType } from '../device/program.js';
import { elementwiseMain } from './util.js';

export const BIAS = paramLayout([
  ['n', 'u32'],
  ['channels', 'u32'],
  ['inner', 'u32'],
]);

export function biasAddSource(t: ElemType, relu: boolean): string {
  const zero = t === 'f32' ? '0.0' : '0';
  return `${bindings(
    [
      ['X', t],
      ['BIAS', t],
    ],
    [['Y', t]],
    BIAS,
  )}
${elementwiseMain(`let v = X[i] + BIAS[(i / p.inner) % p.channels];
    Y[i] = ${relu ? `select(${zero}, v, v > ${zero})` : 'v'};`)}`;
}
