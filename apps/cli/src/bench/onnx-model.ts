/**
 * Small ONNX models written as protobuf bytes by hand, so the onnxruntime peer needs no ONNX
 * tooling: one field writer per wire type, one function per message. Only the fields onnxruntime
 * reads are emitted (ModelProto ir_version 7, opset 13, float32 tensors, weights as initializers
 * so that onnxruntime can pre-pack them as it would in a deployed model).
 * Field numbers: https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
 */

type Bytes = number[];

function varint(n: number): Bytes {
  const out: Bytes = [];
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

const key = (field: number, wire: number): Bytes => varint((field << 3) | wire);
const int = (field: number, n: number): Bytes => [...key(field, 0), ...varint(n)];
const bytes = (field: number, data: ArrayLike<number>): Bytes => [
  ...key(field, 2),
  ...varint(data.length),
  ...Array.from(data),
];
const str = (field: number, s: string): Bytes => bytes(field, new TextEncoder().encode(s));
const msg = (field: number, parts: Bytes[]): Bytes => bytes(field, parts.flat());

const FLOAT = 1; // TensorProto.DataType
const ATTR_INT = 2;
const ATTR_INTS = 7;

export type Attribute = number | readonly number[];

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, Attribute>>;
}

export interface OnnxGraph {
  readonly inputs: readonly { name: string; shape: readonly number[] }[];
  readonly outputs: readonly { name: string; shape: readonly number[] }[];
  /** Constant float32 tensors (weights). */
  readonly initializers?: readonly {
    name: string;
    shape: readonly number[];
    values: Float32Array;
  }[];
  readonly nodes: readonly OnnxNode[];
}

function valueInfo(field: number, name: string, shape: readonly number[]): Bytes {
  const dims = shape.map((d) => msg(1, [int(1, d)])); // TensorShapeProto.Dimension.dim_value
  const tensorType = msg(1, [int(1, FLOAT), msg(2, dims)]); // TypeProto.Tensor{elem_type, shape}
  return msg(field, [str(1, name), msg(2, [tensorType])]);
}

function attribute(name: string, value: Attribute): Bytes {
  if (typeof value === 'number') return msg(5, [str(1, name), int(3, value), int(20, ATTR_INT)]);
  return msg(5, [str(1, name), ...value.map((v) => int(8, v)), int(20, ATTR_INTS)]);
}

function node(n: OnnxNode, index: number): Bytes {
  return msg(1, [
    ...n.inputs.map((i) => str(1, i)),
    ...n.outputs.map((o) => str(2, o)),
    str(3, `${n.op.toLowerCase()}${index}`),
    str(4, n.op),
    ...Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
  ]);
}

function initializer(t: { name: string; shape: readonly number[]; values: Float32Array }): Bytes {
  // raw_data is little-endian, as Float32Array is on every platform Node runs on.
  const raw = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
  return msg(5, [...t.shape.map((d) => int(1, d)), int(2, FLOAT), str(8, t.name), bytes(9, raw)]);
}

/** ModelProto bytes for a graph. */
export function onnxModel(g: OnnxGraph): Uint8Array {
  const graph = msg(7, [
    ...g.nodes.map(node),
    str(2, 'tessera-bench'),
    ...(g.initializers ?? []).map(initializer),
    ...g.inputs.map((i) => valueInfo(11, i.name, i.shape)),
    ...g.outputs.map((o) => valueInfo(12, o.name, o.shape)),
  ]);
  return Uint8Array.from([...int(1, 7), ...graph, ...msg(8, [str(1, ''), int(2, 13)])]);
}
