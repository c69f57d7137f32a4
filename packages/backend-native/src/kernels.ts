/**
 * The kernel table: each kernel unpacks core's argument object into the addon's positional
 * arguments (buffer ids, shapes, a 17-number geometry) and wraps the output id.
 */
import type { ConvGeometry, DataId, KernelTable } from '@tessera/core';
import type { BufferId, GeometryArray, NativeAddon } from './addon-types.js';
import { guard } from './errors.js';

type IdOf = (d: DataId, op: string, arg: string) => BufferId;
type Wrap = (id: BufferId) => DataId;

export function geometryArray(g: ConvGeometry): GeometryArray {
  return [
    g.batch,
    g.inChannels,
    g.inH,
    g.inW,
    g.outChannels,
    g.kH,
    g.kW,
    g.strideH,
    g.strideW,
    g.padTop,
    g.padBottom,
    g.padLeft,
    g.padRight,
    g.dilationH,
    g.dilationW,
    g.outH,
    g.outW,
  ];
}

export function createKernels(addon: NativeAddon, idOf: IdOf, wrap: Wrap): KernelTable {
  const run = (f: () => BufferId): DataId => wrap(guard(f));
  return {
    // ---- required ----
    Unary: ({ op, x }) => run(() => addon.unary(op, idOf(x.dataId, 'Unary', 'x'))),
    Binary: ({ op, a, b, outShape }) =>
      run(() =>
        addon.binary(
          op,
          idOf(a.dataId, 'Binary', 'a'),
          a.shape,
          idOf(b.dataId, 'Binary', 'b'),
          b.shape,
          outShape,
        ),
      ),
    Where: ({ cond, a, b, outShape }) =>
      run(() =>
        addon.where(
          idOf(cond.dataId, 'Where', 'cond'),
          cond.shape,
          idOf(a.dataId, 'Where', 'a'),
          a.shape,
          idOf(b.dataId, 'Where', 'b'),
          b.shape,
          outShape,
        ),
      ),
    Reduce: ({ op, x, outer, size, inner }) =>
      run(() => addon.reduce(op, idOf(x.dataId, 'Reduce', 'x'), outer, size, inner)),
    MatMul: ({ a, b, transposeA, transposeB, batch, batchA, batchB, m, n, k }) =>
      run(() =>
        addon.matmul(
          idOf(a.dataId, 'MatMul', 'a'),
          idOf(b.dataId, 'MatMul', 'b'),
          transposeA,
          transposeB,
          batch,
          batchA,
          batchB,
          m,
          n,
          k,
        ),
      ),
    Transpose: ({ x, perm }) =>
      run(() => addon.transpose(idOf(x.dataId, 'Transpose', 'x'), x.shape, perm)),
    Slice: ({ x, begin, size }) =>
      run(() => addon.slice(idOf(x.dataId, 'Slice', 'x'), x.shape, begin, size)),
    Pad: ({ x, paddings, value }) =>
      run(() => addon.pad(idOf(x.dataId, 'Pad', 'x'), x.shape, paddings.flat(), value)),
    Cast: ({ x, dtype }) => run(() => addon.cast(idOf(x.dataId, 'Cast', 'x'), dtype)),
    Fill: ({ shape, value, dtype }) => run(() => addon.fill(shape, value, dtype)),
    Im2Col: ({ x, geom }) =>
      run(() => addon.im2col(idOf(x.dataId, 'Im2Col', 'x'), geometryArray(geom))),
    Col2Im: ({ cols, geom }) =>
      run(() => addon.col2im(idOf(cols.dataId, 'Col2Im', 'cols'), geometryArray(geom))),

    // ---- fused ----
    Conv2D: ({ x, w, geom }) =>
      run(() =>
        addon.conv2d(
          idOf(x.dataId, 'Conv2D', 'x'),
          idOf(w.dataId, 'Conv2D', 'w'),
          geometryArray(geom),
        ),
      ),
    Conv2DBackpropInput: ({ dy, w, geom }) =>
      run(() =>
        addon.conv2dBackpropInput(
          idOf(dy.dataId, 'Conv2DBackpropInput', 'dy'),
          idOf(w.dataId, 'Conv2DBackpropInput', 'w'),
          geometryArray(geom),
        ),
      ),
    Conv2DBackpropFilter: ({ x, dy, geom }) =>
      run(() =>
        addon.conv2dBackpropFilter(
          idOf(x.dataId, 'Conv2DBackpropFilter', 'x'),
          idOf(dy.dataId, 'Conv2DBackpropFilter', 'dy'),
          geometryArray(geom),
        ),
      ),
    BiasAdd: ({ x, bias, outer, channels, inner, relu }) =>
      run(() =>
        addon.biasAdd(
          idOf(x.dataId, 'BiasAdd', 'x'),
          idOf(bias.dataId, 'BiasAdd', 'bias'),
          outer,
          channels,
          inner,
          relu,
        ),
      ),
    Softmax: ({ x, outer, size }) =>
      run(() => addon.softmax(idOf(x.dataId, 'Softmax', 'x'), outer, size)),
    LogSoftmax: ({ x, outer, size }) =>
      run(() => addon.logSoftmax(idOf(x.dataId, 'LogSoftmax', 'x'), outer, size)),
    SoftmaxCrossEntropy: ({ logits, labels }) =>
      run(() =>
        addon.softmaxCrossEntropy(
          idOf(logits.dataId, 'SoftmaxCrossEntropy', 'logits'),
          idOf(labels.dataId, 'SoftmaxCrossEntropy', 'labels'),
          logits.shape[0],
          logits.shape[1],
        ),
      ),
    SoftmaxCrossEntropyGrad: ({ logits, labels, dy }) =>
      run(() =>
        addon.softmaxCrossEntropyGrad(
          idOf(logits.dataId, 'SoftmaxCrossEntropyGrad', 'logits'),
          idOf(labels.dataId, 'SoftmaxCrossEntropyGrad', 'labels'),
          idOf(dy.dataId, 'SoftmaxCrossEntropyGrad', 'dy'),
          logits.shape[0],
          logits.shape[1],
        ),
      ),
    MaxPool: ({ x, geom }) =>
      run(() => addon.maxPool(idOf(x.dataId, 'MaxPool', 'x'), geometryArray(geom))),
    MaxPoolBackward: ({ x, dy, geom }) =>
      run(() =>
        addon.maxPoolBackward(
          idOf(x.dataId, 'MaxPoolBackward', 'x'),
          idOf(dy.dataId, 'MaxPoolBackward', 'dy'),
          geometryArray(geom),
        ),
      ),
    AvgPool: ({ x, geom }) =>
      run(() => addon.avgPool(idOf(x.dataId, 'AvgPool', 'x'), geometryArray(geom))),
    AvgPoolBackward: ({ dy, geom }) =>
      run(() =>
        addon.avgPoolBackward(idOf(dy.dataId, 'AvgPoolBackward', 'dy'), geometryArray(geom)),
      ),
    Concat: ({ xs, axis, outShape }) =>
      run(() =>
        addon.concat(
          xs.map((x, i) => idOf(x.dataId, 'Concat', `xs[${i}]`)),
          xs.map((x) => x.shape),
          axis,
          outShape,
        ),
      ),
  };
}
