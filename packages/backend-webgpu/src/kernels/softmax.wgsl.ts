/**
 * WGSL for the row-wise softmax family over x viewed as [rows, size]: Softmax, LogSoftmax,
 * SoftmaxCrossEntropy (loss per row) and its gradient. Every kernel subtracts the row maximum
 * before exponentiating. Short rows get one invocation each; longer rows one workgroup each,
 * with tree reductions in workgroup memory for the maximum and the sum.
 */
import { paramLayout } from '../device/params.js';
import { bindings } from '../device/program.js';
import { elementwiseMain } from './util.js';

export type SoftmaxKind =
  'Softmax' | 'LogSoftmax' | 'SoftmaxCrossEntropy' | 'SoftmaxCrossEntropyGrad';

export const ROW_WORKGROUP = 64;

/** `nan` carries NaN's bits (for rows whose label is out of range): constant expressions cannot make one. */
export const SOFTMAX = paramLayout([
  ['n', 'u32'],
  ['size', 'u32'],
  ['nan', 'u32'],
]);

function io(kind: SoftmaxKind): string {
  switch (kind) {
    case 'Softmax':
    case 'LogSoftmax':
      return bindings([['X', 'f32']], [['Y', 'f32']], SOFTMAX);
    case 'SoftmaxCrossEntropy':
      return bindings(
        [
          ['X', 'f32'],
          ['LABEL', 'i32'],
        ],
        [['Y', 'f32']],
        SOFTMAX,
      );
    case 'SoftmaxCrossEntropyGrad':
      return bindings(
        [
          ['X', 'f32'],
          ['LABEL', 'i32'],
          ['DYR', 'f32'],
        ],
        [['Y', 'f32']],
        SOFTMAX,
      );
  }
}

/**
 * The per-element write (inside a loop over s with `m` = row max, `total` = sum of exps), or
 * for the loss the single per-row write. `row`, `base` are in scope.
 */
function epilogue(
  kind: SoftmaxKind,
  loop: (body: string) => string,
  once: (body: string) => string,
): string {
  const label = `let label = LABEL[row];
    let valid = label >= 0 && u32(label) < p.size;`;
  switch (kind) {
    case 'Softmax':
      return loop('Y[base + s] = exp(X[base + s] - m) / total;');
    case 'LogSoftmax':
      return loop('Y[base + s] = X[base + s] - m - log(total);');
    case 'SoftmaxCrossEntropy':
      return once(`${label}
    Y[row] = select(bitcast<f32>(p.nan), m + log(total) - X[base + u32(max(label, 0))], valid);`);
    case 'SoftmaxCrossEntropyGrad':
      return `${label}
    let dyr = DYR[row];
    ${loop(`let prob = exp(X[base + s] - m) / total;
      let hot = select(0.0, 1.0, i32(s) == label);
      Y[base + s] = select(bitcast<f32>(p.nan), (prob - hot) * dyr, valid);`)}`;
  }
}

export function softmaxRowSource(kind: SoftmaxKind): string {
  return `${io(kind)}
${elementwiseMain(`let row = i;
    let base = row * p.size;
    var m = X[base];
    for (var s = 1u; s < p.size; s++) { m = max(m, X[base + s]); }
    var total = 0.0;
    for (var s = 0u; s < p.size; s++) { total += exp(X[base + s] - m); }
    ${epilogue(
      kind,
      (body) => `for (var s = 0u; s < p.size; s++) { ${body} }`,
      (body) => body,
    )}`)}`;
}

export function softmaxWorkgroupSource(kind: SoftmaxKind): string {
  const W = ROW_WORKGROUP;
  const tree = (combine: string) => `workgroupBarrier();
  for (var stride = ${W / 2}u; stride > 0u; stride = stride >> 1u) {
    if (lid < stride) { red[lid] = ${combine}; }
    workgroupBarrier();
  }`;
  return `${io(kind)}
var<workgroup> red: array<f32, ${W}>;
@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.n) { return; }
  let base = row * p.size;
  var mm = X[base];
  for (var s = lid; s < p.size; s += ${W}u) { mm = max(mm, X[base + s]); }
  red[lid] = mm;
  ${tree('max(red[lid], red[lid + stride])')}
  let m = red[0];
  workgroupBarrier();
  var acc = 0.0;
  for (var s = lid; s < p.size; s += ${W}u) { acc += exp(X[base + s] - m); }
  red[lid] = acc;
  ${tree('red[lid] + red[lid + stride]')}
  let total = red[0];
  ${epilogue(
    kind,
    (body) => `for (var s = lid; s < p.size; s += ${W}u) { ${body} }`,
    (body) => `if (lid == 0u) { ${body} }`,
  )}
}`;
}
