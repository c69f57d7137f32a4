/**
 * Bad input: each case must throw the named TesseraError subclass with a message naming the op
 * and the argument (and the shapes, for shape errors), and must leak nothing on the way out.
 */
import { grad, vjp } from '../../autodiff/grad.js';
import { setBackend } from '../../backend/registry.js';
import {
  ArgumentError,
  BackendError,
  DisposedTensorError,
  DTypeError,
  ShapeError,
} from '../../errors.js';
import { add, div, where } from '../../ops/binary.js';
import { biasAdd } from '../../ops/bias.js';
import { cast, oneHot } from '../../ops/cast.js';
import { col2im, conv2d, locallyConnected2d } from '../../ops/conv.js';
import { fill, range, tensor } from '../../ops/creation.js';
import { matmul } from '../../ops/matmul.js';
import { avgPool2d, maxPool2d } from '../../ops/pool.js';
import { argmax, mean, sum } from '../../ops/reduce.js';
import { reshape, squeeze } from '../../ops/reshape.js';
import { softmax, softmaxCrossEntropy } from '../../ops/softmax.js';
import { concat, pad, slice, transpose } from '../../ops/transform.js';
import { exp, relu } from '../../ops/unary.js';
import { tidy } from '../../engine.js';
import type { DType } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { randomNormal } from '../../random.js';
import { errorCase, type ConformanceCase } from './types.js';

const shapeErrors: ConformanceCase[] = [
  errorCase(
    'add: non-broadcastable shapes',
    ShapeError,
    /add: cannot broadcast 'a' \[2, 3\] with 'b' \[4\]/,
    (c) => add(c.rand([2, 3]), c.rand([4])),
  ),
  errorCase('where: cond does not broadcast', ShapeError, /where: .*'cond' \[3\].*\[2, 2\]/, (c) =>
    where(c.rand([3]), c.rand([2, 2]), c.rand([2, 2])),
  ),
  errorCase(
    'matmul: inner dimensions differ',
    ShapeError,
    /matmul: inner dimensions differ: a \[2, 3\].*b \[4, 5\]/,
    (c) => matmul(c.rand([2, 3]), c.rand([4, 5])),
  ),
  errorCase('matmul: rank-1 input', ShapeError, /matmul: both inputs need rank >= 2.*\[3\]/, (c) =>
    matmul(c.rand([3]), c.rand([3, 2])),
  ),
  errorCase(
    'matmul: batch dims do not broadcast',
    ShapeError,
    /matmul: cannot broadcast 'a \(batch dims\)' \[2\]/,
    (c) => matmul(c.rand([2, 3, 4]), c.rand([3, 4, 5])),
  ),
  errorCase(
    'reshape: wrong element count',
    ShapeError,
    /reshape: cannot reshape x \[2, 3\].*\[4, 2\]/,
    (c) => reshape(c.rand([2, 3]), [4, 2]),
  ),
  errorCase('squeeze: axis is not size 1', ShapeError, /squeeze: axis 1 of x \[1, 3\]/, (c) =>
    squeeze(c.rand([1, 3]), [1]),
  ),
  errorCase('slice: box outside x', ShapeError, /slice: .*outside x \[4, 5\]/, (c) =>
    slice(c.rand([4, 5]), [2, 0], [3, 5]),
  ),
  errorCase(
    'concat: mismatched dims',
    ShapeError,
    /concat: xs\[1\] \[2, 4\] does not match xs\[0\] \[3, 4\]/,
    (c) => concat([c.rand([3, 4]), c.rand([2, 4])], 1),
  ),
  errorCase(
    'tensor: values do not fill the shape',
    ShapeError,
    /tensor: 5 values do not fill shape \[2, 3\]/,
    () => tensor([1, 2, 3, 4, 5], [2, 3]),
  ),
  errorCase('tensor: ragged nested array', ShapeError, /tensor: ragged nested array/, () =>
    tensor([[1, 2], [3]]),
  ),
  errorCase(
    'conv2d: channel mismatch',
    ShapeError,
    /conv2d: x \[1, 3, 5, 5\] has 3 channels but w \[2, 2, 3, 3\]/,
    (c) => conv2d(c.rand([1, 3, 5, 5]), c.rand([2, 2, 3, 3])),
  ),
  errorCase('conv2d: x is not 4-D', ShapeError, /conv2d: 'x' must be 4-D.*\[3, 5, 5\]/, (c) =>
    conv2d(c.rand([3, 5, 5]), c.rand([2, 3, 3, 3])),
  ),
  errorCase(
    'conv2d: window larger than the input',
    ShapeError,
    /conv2d: the 5x5 window.*\[1, 1, 3, 3\]/,
    (c) => conv2d(c.rand([1, 1, 3, 3]), c.rand([1, 1, 5, 5])),
  ),
  errorCase(
    'locallyConnected2d: wrong weight shape',
    ShapeError,
    /locallyConnected2d: .*'w' must be \[3, 3, 2, 1, 3, 3\]/,
    (c) => locallyConnected2d(c.rand([1, 1, 5, 5]), c.rand([2, 2, 2, 1, 3, 3])),
  ),
  errorCase(
    'col2im: cols of the wrong shape',
    ShapeError,
    /col2im: 'cols' must be \[1, 9, 9\]/,
    (c) => col2im(c.rand([1, 9, 8]), [1, 1, 5, 5], 3),
  ),
  errorCase(
    'biasAdd: bias of the wrong length',
    ShapeError,
    /biasAdd: 'bias' must be \[3\].*\[2\]/,
    (c) => biasAdd(c.rand([2, 3]), c.rand([2])),
  ),
  errorCase(
    'softmaxCrossEntropy: labels of the wrong length',
    ShapeError,
    /softmaxCrossEntropy: .*logits \[3, 4\].*labels \[2\]/,
    (c) => softmaxCrossEntropy(c.rand([3, 4]), c.randInt([2], 0, 4)),
  ),
  errorCase('argmax over an empty axis', ShapeError, /argmax: cannot reduce an empty axis/, (c) =>
    argmax(c.rand([3, 0])),
  ),
  errorCase(
    'grad: f returns a non-scalar',
    ShapeError,
    /valueAndGrad: f must return a float32 scalar/,
    (c) => grad((x) => relu(x))(c.rand([3])),
  ),
  errorCase(
    'vjp: cotangent of the wrong shape',
    ShapeError,
    /vjp: 'cotangent' \[2\] must match the output shape \[3\]/,
    (c) => vjp((x) => exp(x), [c.rand([3])], c.rand([2])),
  ),
];

const dtypeErrors: ConformanceCase[] = [
  errorCase('add: float32 with int32', DTypeError, /add: 'a' is float32 but 'b' is int32/, (c) =>
    add(c.rand([2]), c.randInt([2], 0, 3)),
  ),
  errorCase('div: int32 division', DTypeError, /div: int32 division/, (c) =>
    div(c.randInt([2], 1, 3), 2),
  ),
  errorCase('exp: int32 input', DTypeError, /exp: 'x' must be float32, got int32/, (c) =>
    exp(c.randInt([2], 0, 3)),
  ),
  errorCase('mean: int32 input', DTypeError, /mean: 'x' must be float32/, (c) =>
    mean(c.randInt([2], 0, 3)),
  ),
  errorCase('matmul: int32 input', DTypeError, /matmul: inputs must be float32/, (c) =>
    matmul(c.randInt([2, 2], 0, 3), c.rand([2, 2])),
  ),
  errorCase('conv2d: int32 filter', DTypeError, /conv2d: 'w' must be float32/, (c) =>
    conv2d(c.rand([1, 1, 3, 3]), c.randInt([1, 1, 2, 2], 0, 2)),
  ),
  errorCase('maxPool2d: int32 input', DTypeError, /maxPool2d: 'x' must be float32/, (c) =>
    maxPool2d(c.randInt([1, 1, 4, 4], 0, 5), { kernelSize: 2 }),
  ),
  errorCase('oneHot: float32 indices', DTypeError, /oneHot: 'indices' must be int32/, (c) =>
    oneHot(c.rand([3]), 4),
  ),
  errorCase(
    'softmaxCrossEntropy: float32 labels',
    DTypeError,
    /softmaxCrossEntropy: 'labels' must be int32/,
    (c) => softmaxCrossEntropy(c.rand([2, 3]), c.rand([2])),
  ),
  errorCase('softmax: int32 input', DTypeError, /softmax: 'x' must be float32/, (c) =>
    softmax(c.randInt([2, 3], 0, 3)),
  ),
  errorCase(
    'concat: mixed dtypes',
    DTypeError,
    /concat: xs\[1\] is int32 but xs\[0\] is float32/,
    (c) => concat([c.rand([2]), c.randInt([2], 0, 2)]),
  ),
  errorCase('fill: unknown dtype', DTypeError, /fill: unknown dtype "float64"/, () =>
    fill([2], 1, 'float64' as DType),
  ),
  errorCase('cast: unknown dtype', DTypeError, /cast: unknown dtype "bool"/, (c) =>
    cast(c.rand([2]), 'bool' as DType),
  ),
  errorCase('grad: int32 argument', DTypeError, /valueAndGrad: argument 0 is int32/, (c) =>
    grad((x) => sum(x))(c.randInt([2], 0, 3)),
  ),
];

const argumentErrors: ConformanceCase[] = [
  errorCase(
    'transpose: perm is not a permutation',
    ArgumentError,
    /transpose: 'perm' \[0,0\] is not a permutation .*\[2, 3\]/,
    (c) => transpose(c.rand([2, 3]), [0, 0]),
  ),
  errorCase(
    'sum: axis out of range',
    ArgumentError,
    /sum: 'axis' 2 is out of range for a rank-2 tensor/,
    (c) => sum(c.rand([2, 3]), 2),
  ),
  errorCase('sum: repeated axis', ArgumentError, /sum: 'axis' \[1,-1\] repeats an axis/, (c) =>
    sum(c.rand([2, 3]), [1, -1]),
  ),
  errorCase('pad: negative padding', ArgumentError, /pad: 'paddings' entries must be/, (c) =>
    pad(c.rand([2]), [[-1, 0]]),
  ),
  errorCase('conv2d: stride 0', ArgumentError, /conv2d: 'stride' must be an integer >= 1/, (c) =>
    conv2d(c.rand([1, 1, 4, 4]), c.rand([1, 1, 2, 2]), { stride: 0 }),
  ),
  errorCase(
    'conv2d: unknown padding mode',
    ArgumentError,
    /conv2d: 'padding' must be 'valid', 'same'/,
    (c) => conv2d(c.rand([1, 1, 4, 4]), c.rand([1, 1, 2, 2]), { padding: 'full' as 'same' }),
  ),
  errorCase(
    'avgPool2d: padding over half the window',
    ArgumentError,
    /avgPool2d: padding .* at most half the 2x2 window/,
    (c) => avgPool2d(c.rand([1, 1, 4, 4]), { kernelSize: 2, padding: 2 }),
  ),
  errorCase('range: step 0', ArgumentError, /range: 'step' must not be 0/, () => range(0, 5, 0)),
  errorCase(
    'oneHot: negative depth',
    ArgumentError,
    /oneHot: 'depth' must be a non-negative integer/,
    (c) => oneHot(c.randInt([2], 0, 2), -1),
  ),
  errorCase(
    'softmaxCrossEntropy: unknown reduction',
    ArgumentError,
    /softmaxCrossEntropy: option 'reduction' must be one of 'mean', 'sum', 'none', got 'avg'/,
    (c) =>
      softmaxCrossEntropy(c.rand([2, 3]), c.randInt([2], 0, 3), { reduction: 'avg' as 'mean' }),
  ),
  errorCase(
    'softmaxCrossEntropy: label above the class count',
    ArgumentError,
    /softmaxCrossEntropy: label 4 is outside \[0, 4\) for logits \[3, 4\] \(4 classes\)/,
    (c) => softmaxCrossEntropy(c.rand([3, 4]), c.tensor(new Int32Array([1, 4, 2]), [3])),
  ),
  errorCase(
    'softmaxCrossEntropy: negative label',
    ArgumentError,
    /softmaxCrossEntropy: label -1 is outside \[0, 4\)/,
    (c) => softmaxCrossEntropy(c.rand([3, 4]), c.tensor(new Int32Array([1, 0, -1]), [3])),
  ),
  errorCase(
    'softmaxCrossEntropy: device-computed labels out of range, reported on read',
    ArgumentError,
    /softmaxCrossEntropy: 2 of the 3 labels are outside \[0, 4\) for logits \[3, 4\]/,
    async (c) => {
      const labels = c.track(add(c.tensor(new Int32Array([1, 2, 0]), [3]), 3));
      const loss = c.track(softmaxCrossEntropy(c.rand([3, 4]), labels));
      await loss.data();
    },
  ),
  errorCase('add: two numbers', ArgumentError, /add: at least one operand must be a Tensor/, () =>
    add(1, 2),
  ),
  errorCase('relu: not a tensor', ArgumentError, /relu: 'x' must be a Tensor, got an array/, () =>
    relu([1, 2] as unknown as Tensor),
  ),
  errorCase(
    'matmul: non-boolean transposeA',
    ArgumentError,
    /matmul: option 'transposeA' must be true or false, got 1/,
    (c) => matmul(c.rand([2, 2]), c.rand([2, 2]), { transposeA: 1 as unknown as boolean }),
  ),
  errorCase('randomNormal: negative std', ArgumentError, /randomNormal: 'std' must be >= 0/, () =>
    randomNormal([2], 0, -1),
  ),
  errorCase('tidy: async function', ArgumentError, /tidy: the function must be synchronous/, () =>
    tidy((async () => undefined) as unknown as () => undefined),
  ),
];

/** Misspelt or foreign option keys: an error naming the op and the key, never ignored. */
const unknownOptions: ConformanceCase[] = [
  errorCase(
    'conv2d: unknown option strides',
    ArgumentError,
    /conv2d: unknown option 'strides' \(did you mean 'stride'\?\)/,
    (c) => conv2d(c.rand([1, 1, 5, 5]), c.rand([1, 1, 3, 3]), { strides: 2 } as never),
  ),
  errorCase(
    'maxPool2d: unknown option ceil_mode',
    ArgumentError,
    /maxPool2d: unknown option 'ceil_mode'; accepted options: 'kernelSize', 'stride', 'padding'/,
    (c) => maxPool2d(c.rand([1, 1, 4, 4]), { kernelSize: 2, ceil_mode: true } as never),
  ),
  errorCase(
    'avgPool2d: options not an object',
    ArgumentError,
    /avgPool2d: options \{kernelSize, stride\?, padding\?\} are required/,
    (c) => avgPool2d(c.rand([1, 1, 4, 4]), 2 as never),
  ),
  errorCase(
    'matmul: unknown option transpose_b',
    ArgumentError,
    /matmul: unknown option 'transpose_b' \(did you mean 'transposeB'\?\)/,
    (c) => matmul(c.rand([2, 2]), c.rand([2, 2]), { transpose_b: true } as never),
  ),
  errorCase(
    'biasAdd: bad relu option',
    ArgumentError,
    /biasAdd: option 'relu' must be true or false, got 'yes'/,
    (c) => biasAdd(c.rand([2, 3]), c.rand([3]), { relu: 'yes' } as never),
  ),
  errorCase(
    'softmaxCrossEntropy: unknown option',
    ArgumentError,
    /softmaxCrossEntropy: unknown option 'labelSmoothing'/,
    (c) =>
      softmaxCrossEntropy(c.rand([2, 3]), c.randInt([2], 0, 3), { labelSmoothing: 0.1 } as never),
  ),
  errorCase(
    'randomNormal: unknown option',
    ArgumentError,
    /randomNormal: unknown option 'sead' \(did you mean 'seed'\?\)/,
    () => randomNormal([2], 0, 1, { sead: 1 } as never),
  ),
];

const lifecycleErrors: ConformanceCase[] = [
  errorCase(
    'use after dispose',
    DisposedTensorError,
    /relu \(argument 'x'\): tensor #\d+ \(shape \[2, 2\], float32\) was disposed/,
    (c) => {
      const x = c.rand([2, 2]);
      x.dispose();
      return relu(x);
    },
  ),
  errorCase(
    'use after leaving tidy',
    DisposedTensorError,
    /add \(argument 'b'\).*was disposed/,
    (c) => {
      let inner: Tensor | undefined;
      tidy(() => {
        inner = tensor([1, 2]);
      });
      return add(c.rand([2]), inner as Tensor);
    },
  ),
  errorCase('dataSync after dispose', DisposedTensorError, /dataSync: tensor #\d+/, (c) => {
    const x = c.rand([3]);
    x.dispose();
    return x.dataSync();
  }),
  errorCase(
    'inputs on two backends',
    BackendError,
    /add: inputs live on different backends/,
    (c, other) => add(c.rand([2]), other.rand([2])),
  ),
  errorCase(
    'setBackend: unknown name',
    BackendError,
    /setBackend: no backend named 'no-such-backend'/,
    () => setBackend('no-such-backend'),
  ),
];

export const errorCases: ConformanceCase[] = [
  ...shapeErrors,
  ...dtypeErrors,
  ...argumentErrors,
  ...unknownOptions,
  ...lifecycleErrors,
];
