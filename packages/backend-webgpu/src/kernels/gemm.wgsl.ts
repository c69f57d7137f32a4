/**
 * The GEMM skeleton shared by MatMul and the three convolution kernels (implicit GEMM).
 *
 * C[b] (M x N) = A[b] (M x K) @ B[b] (K x N), where A and B are not buffers but factored WGSL
 * loaders. An element's address splits into a part that depends on its row (or column) and a
 * part that depends on k, so the kernel computes each part once and combines them per load:
 *
 *   fn aRow(b, row) -> AR    fn aK(b, k) -> AK    fn loadAf(AR, AK) -> f32
 *   fn bK(b, k) -> BK        fn bCol(b, col) -> BC fn loadBf(BK, BC) -> f32
 *   fn storeC(b, row, col, v)
 *
 * MatMul's parts are plain offsets (A[ar + ak]); a convolution's are (offset, row, column)
 * triples of an image tap, so no im2col matrix is ever written and the divisions that decode
 * a column happen once per invocation instead of once per load.
 *
 * Two ways to run a tile of TM x TN outputs (TM = WY*RM, TN = WX*RN) per workgroup of
 * WX x WY invocations, each accumulating RM x RN outputs (rows ty + r*WY, columns tx + c*WX):
 *  - 'workgroup' staging (GPUs): TK-deep slices of A and B are staged in workgroup memory
 *    between barriers, then every invocation reads its operands from there;
 *  - 'registers' (CPU adapters): every invocation loads its operands straight from the
 *    buffers, with no barriers (the CPU's caches do the staging).
 */
import type { ParamLayout } from '../device/params.js';
import { tileKey, type TileConfig } from '../device/tuning.js';

export { tileKey, type TileConfig };

export interface GemmSource {
  /** Binding declarations (inputs, output, parameter block `p`, which holds GEMM_FIELDS). */
  readonly bindings: string;
  /** Types AR, AK, BK, BC (aliases or structs) and the six loader functions plus storeC. */
  readonly functions: string;
  /**
   * Which index is contiguous in memory for each operand, so that consecutive invocations
   * stage consecutive addresses: 'k' or 'row' for A, 'k' or 'col' for B.
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
  ['kChunk', 'u32'],
] as const;

/**
 * `split` (split-K, for batch-1 GEMMs with few tiles and a long K): grid z indexes slices of
 * `p.kChunk` along K instead of batches, and each slice stores its partial sums as batch
 * `z` through storeC, for a reduction afterwards. Only for kernels whose storeC writes
 * C[b][row][col] row-major.
 */
function header(split: boolean): string {
  return `
  let tile = wid.x + wid.y * nwg.x;
  if (tile >= p.tiles) { return; }
  let batch = ${split ? '0u' : 'p.batchOffset + wid.z'};
  let part = ${split ? 'wid.z' : 'batch'};
  let kBegin = ${split ? 'wid.z * p.kChunk' : '0u'};
  let kStop = ${split ? 'min(p.K, kBegin + p.kChunk)' : 'p.K'};
  let tx = lid.x;
  let ty = lid.y;`;
}

export function gemmSource(
  src: GemmSource,
  t: TileConfig,
  _params: ParamLayout,
  split = false,
): string {
  return t.staging === 'registers' ? registerGemm(src, t, split) : stagedGemm(src, t, split);
}

function accumulators(t: TileConfig, a: (r: number) => string, b: (c: number) => string) {
  const decl: string[] = [];
  const fma: string[] = [];
  const store: string[] = [];
  for (let r = 0; r < t.RM; r++) fma.push(`let a${r} = ${a(r)};`);
  for (let c = 0; c < t.RN; c++) fma.push(`let b${c} = ${b(c)};`);
  for (let r = 0; r < t.RM; r++) {
    for (let c = 0; c < t.RN; c++) {
      decl.push(`var c${r}_${c} = 0.0;`);
      fma.push(`c${r}_${c} += a${r} * b${c};`);
      store.push(
        `{ let row = row0 + ty + ${r * t.WY}u; let col = col0 + tx + ${c * t.WX}u;` +
          ` if (row < p.M && col < p.N) { storeC(part, row, col, c${r}_${c}); } }`,
      );
    }
  }
  return { decl, fma, store };
}

function stagedGemm(src: GemmSource, t: TileConfig, split: boolean): string {
  const { WX, WY, RM, RN, TK } = t;
  const TM = WY * RM;
  const TN = WX * RN;
  const T = WX * WY;
  // Rows of the staged slices are padded by one word: staging a k-contiguous operand writes
  // one column per invocation, which without padding would put every write in the same bank.
  const SA = TM + 1;
  const SB = TN + 1;
  if ((TM * TK) % T !== 0 || (TN * TK) % T !== 0)
    throw new Error(`gemm: tile ${tileKey(t)} does not divide evenly`);

  // Staging loops stay loops: unrolled, their branches make SwiftShader's compile time explode.
  const stage = (which: 'A' | 'B', rows: number, contiguous: boolean): string => {
    // rows = TM for A (other index = row) or TN for B (other index = col).
    const per = (rows * TK) / T;
    const [kk, o] = contiguous ? [`e % ${TK}u`, `e / ${TK}u`] : [`e / ${rows}u`, `e % ${rows}u`];
    const body =
      which === 'A'
        ? `let row = row0 + o; let k = k0 + kk; var v = 0.0;
        if (row < p.M && k < kStop) { v = loadAf(aRow(batch, row), aK(batch, k)); }
        As[kk * ${SA}u + o] = v;`
        : `let col = col0 + o; let k = k0 + kk; var v = 0.0;
        if (col < p.N && k < kStop) { v = loadBf(bK(batch, k), bCol(batch, col)); }
        Bs[kk * ${SB}u + o] = v;`;
    return `for (var q = 0u; q < ${per}u; q++) {
        let e = li + q * ${T}u;
        let kk = ${kk}; let o = ${o};
        ${body}
      }`;
  };
  const { decl, fma, store } = accumulators(
    t,
    (r) => `As[kk * ${SA}u + ty + ${r * WY}u]`,
    (c) => `Bs[kk * ${SB}u + tx + ${c * WX}u]`,
  );

  return `${src.bindings}
${src.functions}
var<workgroup> As: array<f32, ${TK * SA}>;
var<workgroup> Bs: array<f32, ${TK * SB}>;

@compute @workgroup_size(${WX}, ${WY})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32) {
  ${header(split)}
  let row0 = (tile / p.tilesN) * ${TM}u;
  let col0 = (tile % p.tilesN) * ${TN}u;
  ${decl.join('\n  ')}
  for (var k0 = kBegin; k0 < kStop; k0 += ${TK}u) {
    {
      ${stage('A', TM, src.aContiguous === 'k')}
    }
    {
      ${stage('B', TN, src.bContiguous === 'k')}
    }
    workgroupBarrier();
    // A runtime bound: skips the zero padding of the last slice, and keeps shader compilers
    // from unrolling this loop (SwiftShader's compile time explodes when they do).
    let kEnd = min(${TK}u, kStop - k0);
    for (var kk = 0u; kk < kEnd; kk++) {
      ${fma.join('\n      ')}
    }
    workgroupBarrier();
  }
  ${store.join('\n  ')}
}`;
}

/**
 * No workgroup memory and no barriers. Row and column parts of the addresses are computed
 * once, before the k loop; rows and columns past the edge are clamped so every load stays in
 * range (their results are never stored). Loaders must be branch-free: each is inlined
 * RM + RN times, and branches there make SwiftShader's compile time explode.
 */
function registerGemm(src: GemmSource, t: TileConfig, split: boolean): string {
  const { WX, WY, RM, RN } = t;
  const { decl, fma, store } = accumulators(
    t,
    (r) => `loadAf(ar${r}, ak)`,
    (c) => `loadBf(bk, bc${c})`,
  );
  const prep: string[] = [];
  for (let r = 0; r < RM; r++)
    prep.push(`let ar${r} = aRow(batch, min(row0 + ty + ${r * WY}u, p.M - 1u));`);
  for (let c = 0; c < RN; c++)
    prep.push(`let bc${c} = bCol(batch, min(col0 + tx + ${c * WX}u, p.N - 1u));`);
  return `${src.bindings}
${src.functions}

@compute @workgroup_size(${WX}, ${WY})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u) {
  ${header(split)}
  let row0 = (tile / p.tilesN) * ${RM * WY}u;
  let col0 = (tile % p.tilesN) * ${RN * WX}u;
  ${prep.join('\n  ')}
  ${decl.join('\n  ')}
  for (var k = kBegin; k < kStop; k++) {
    let ak = aK(batch, k);
    let bk = bK(batch, k);
    ${fma.join('\n    ')}
  }
  ${store.join('\n  ')}
}`;
}
