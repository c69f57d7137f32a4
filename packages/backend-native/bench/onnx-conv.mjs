// A one-node ONNX model (Conv, inputs X and W, output Y) written as protobuf bytes by hand, so the
// benchmark needs no ONNX tooling. Only the fields onnxruntime needs are emitted.

function varint(n) {
  const out = [];
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const key = (field, wire) => varint((field << 3) | wire);
const int = (field, n) => [...key(field, 0), ...varint(n)];
const bytes = (field, data) => [...key(field, 2), ...varint(data.length), ...data];
const str = (field, s) => bytes(field, [...Buffer.from(s, 'utf8')]);
const msg = (field, parts) => bytes(field, parts.flat());

function valueInfo(field, name, shape) {
  const dims = shape.map((d) => msg(1, [int(1, d)])); // Dimension.dim_value
  const tensorType = msg(1, [int(1, 1), msg(2, dims)]); // TypeProto.tensor_type{elem_type FLOAT, shape}
  return msg(field, [str(1, name), msg(2, [tensorType])]);
}

function intsAttr(name, values) {
  return msg(5, [str(1, name), ...values.map((v) => int(8, v)), int(20, 7)]); // type INTS
}

/** ModelProto bytes for Y = Conv(X, W) with the given shapes, pads [top, left, bottom, right]. */
export function convModel(xShape, wShape, yShape, { strides = [1, 1], pads = [0, 0, 0, 0] } = {}) {
  const node = msg(1, [
    str(1, 'X'),
    str(1, 'W'),
    str(2, 'Y'),
    str(3, 'conv'),
    str(4, 'Conv'),
    intsAttr('kernel_shape', wShape.slice(2)),
    intsAttr('strides', strides),
    intsAttr('pads', pads),
  ]);
  const graph = msg(7, [
    node,
    str(2, 'g'),
    valueInfo(11, 'X', xShape),
    valueInfo(11, 'W', wShape),
    valueInfo(12, 'Y', yShape),
  ]);
  return Uint8Array.from([...int(1, 7), ...graph, ...msg(8, [str(1, ''), int(2, 13)])]);
}
