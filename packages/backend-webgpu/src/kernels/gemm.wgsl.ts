/**
 * The tiled GEMM skeleton shared by MatMul and the three convolution kernels (implicit GEMM).
 *
 * C[b] (M x N) = A[b] (M x K) @ B[b] (K x N), where A, B and C are not buffers but WGSL
 * functions: `loadA(b, row, k)`, `loadB(b, k, col)` and `storeC(b, row, col, v)`. MatMul reads
 * plain matrices (transposed or not); a convolution computes image/filter indices on the fly,
 * so no im2col matrix is ever written.
 *
 * Each workgroup of WX x WY invocations computes a TM x TN tile (TM = WY*RM, TN = WX*RN):
 * it stages TK-deep slices of A and B in workgroup memory, then every invocation accumulates
 * RM x RN outputs in registers (rows ty + r*WY, columns tx + c*WX). Those strided positions
 * keep neighbouring invocations on neighbouring workgroup-memory words.
 */
import type { ParamLayout } from '../device/params.js';
import { tileKey, type TileConfig } from '../device/tuning.js';

export { tileKey, type TileConfig };

export interface GemmSource {
  /** Binding declarations (inputs, output, parameter block `p` with M, N, K, tilesN, tiles, batchOffset). */
  readonly bindings: string;
  /** Extra WGSL (helper functions) plus loadA, loadB and storeC. */
  readonly functions: string;
  /**
   * Which index is contiguous in memory for each operand, so consecutive invocations load
   * consecutive addresses: 'k' or 'row' for A, 'k' or 'col' for B.
   */
  readonly aContiguous: 'k' | 'row';
  readonly bContiguous: 'k' | 'col';
}

/** Parameter fields every GEMM needs; kernels append their own. */
export const GEMM_FIELDS = [
  ['M', 'u32'],
  ['N', 'u32'],
  ['K', 'u32'],
  ['tilesN', 'u32'],
  ['tiles', 'u32'],
  ['batchOffset', 'u32'],
] as const;

export function gemmSource(src: GemmSource, t: TileConfig, _params: ParamLayout): string {
  if (t.staging === 'registers') return registerGemm(src, t);
  const { WX, WY, RM, RN, TK } = t;
  const TM = WY * RM;
  const TN = WX * RN;
  const T = WX * WY;
  if ((TM * TK) % T !== 0 || (TN * TK) % T !== 0) throw new Error(`gemm: tile ${tileKey(t)} does not divide evenly`);

  // Staging loops stay loops: unrolled, their branches make SwiftShader's compile time explode.
  const loadTile = (which: 'A' | 'B', rows: number, contiguous: 'k' | 'other'): string => {
    // rows = TM for A (other index = row) or TN for B (other index = col).
    const per = (rows * TK) / T;
    const [kk, o] =
      contiguous === 'k' ? [`e % ${TK}u`, `e / ${TK}u`] : [`e / ${rows}u`, `e % ${rows}u`];
    const body =
      which === 'A'
        ? `let row = row0 + o; let k = k0 + kk; var v = 0.0;
        if (row < p.M && k < p.K) { v = loadA(batch, row, k); }
        As[kk * ${TM}u + o] = v;`
        : `let col = col0 + o; let k = k0 + kk; var v = 0.0;
        if (col < p.N && k < p.K) { v = loadB(batch, k, col); }
        Bs[kk * ${TN}u + o] = v;`;
    return `for (var q = 0u; q < ${per}u; q++) {
        let e = li + q * ${T}u;
        let kk = ${kk}; let o = ${o};
        ${body}
      }`;
  };

  const decl: string[] = [];
  const fma: string[] = [];
  const store: string[] = [];
  for (let r = 0; r < RM; r++) {
    fma.push(`let a${r} = As[kk * ${TM}u + ty + ${r * WY}u];`);
  }
  for (let c = 0; c < RN; c++) fma.push(`let b${c} = Bs[kk * ${TN}u + tx + ${c * WX}u];`);
  for (let r = 0; r < RM; r++) {
    for (let c = 0; c < RN; c++) {
      decl.push(`var c${r}_${c} = 0.0;`);
      fma.push(`c${r}_${c} += a${r} * b${c};`);
      store.push(
        `{ let row = row0 + ty + ${r * WY}u; let col = col0 + tx + ${c * WX}u;` +
          ` if (row < p.M && col < p.N) { storeC(batch, row, col, c${r}_${c}); } }`,
      );
    }
  }

  return `${src.bindings}
${src.functions}
var<workgroup> As: array<f32, ${TK * TM}>;
var<workgroup> Bs: array<f32, ${TK * TN}>;

@compute @workgroup_size(${WX}, ${WY})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32) {
  let tile = wid.x + wid.y * nwg.x;
  if (tile >= p.tiles) { return; }
  let batch = p.batchOffset + wid.z;
  let row0 = (tile / p.tilesN) * ${TM}u;
  let col0 = (tile % p.tilesN) * ${TN}u;
  let tx = lid.x;
  let ty = lid.y;
  ${decl.join('\n  ')}
  for (var k0 = 0u; k0 < p.K; k0 += ${TK}u) {
    {
      ${loadTile('A', TM, src.aContiguous === 'k' ? 'k' : 'other')}
    }
    {
      ${loadTile('B', TN, src.bContiguous === 'k' ? 'k' : 'other')}
    }
    workgroupBarrier();
    // A runtime bound: skips the zero padding of the last slice, and keeps shader compilers
    // from unrolling this loop (SwiftShader's compile time explodes when they do).
    let kEnd = min(${TK}u, p.K - k0);
    for (var kk = 0u; kk < kEnd; kk++) {
      ${fma.join('\n      ')}
    }
    workgroupBarrier();
  }
  ${store.join('\n  ')}
}`;
}

/** The same tile of outputs per workgroup, but no workgroup memory and no barriers. */
function registerGemm(src: GemmSource, t: TileConfig): string {
  const { WX, WY, RM, RN } = t;
  const lines: string[] = [];
  const decl: string[] = [];
  const body: string[] = [];
  const store: string[] = [];
  // Clamped indices keep every load in range; results of clamped rows/columns are never stored.
  for (let r = 0; r < RM; r++) decl.push(`let r${r} = min(row0 + ty + ${r * WY}u, p.M - 1u);`);
  for (let c = 0; c < RN; c++) decl.push(`let q${c} = min(col0 + tx + ${c * WX}u, p.N - 1u);`);
  for (let r = 0; r < RM; r++) body.push(`let a${r} = loadA(batch, r${r}, k);`);
  for (let c = 0; c < RN; c++) body.push(`let b${c} = loadB(batch, k, q${c});`);
  for (let r = 0; r < RM; r++) {
    for (let c = 0; c < RN; c++) {
      decl.push(`var c${r}_${c} = 0.0;`);
      body.push(`c${r}_${c} += a${r} * b${c};`);
      store.push(
        `{ let row = row0 + ty + ${r * WY}u; let col = col0 + tx + ${c * WX}u;` +
          ` if (row < p.M && col < p.N) { storeC(batch, row, col, c${r}_${c}); } }`,
      );
    }
  }
  lines.push(`${src.bindings}
${src.functions}

@compute @workgroup_size(${WX}, ${WY})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u) {
  let tile = wid.x + wid.y * nwg.x;
  if (tile >= p.tiles) { return; }
  let batch = p.batchOffset + wid.z;
  let row0 = (tile / p.tilesN) * ${RM * WY}u;
  let col0 = (tile % p.tilesN) * ${RN * WX}u;
  let tx = lid.x;
  let ty = lid.y;
  ${decl.join('\n  ')}
  for (var k = 0u; k < p.K; k++) {
    ${body.join('\n    ')}
  }
  ${store.join('\n  ')}
}`);
  return lines.join('\n');
}
