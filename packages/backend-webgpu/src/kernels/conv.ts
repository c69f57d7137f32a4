/** Conv2D and its two backprops, each one implicit-GEMM dispatch (see conv.wgsl.ts). */
import type { ConvGeometry, KernelSignatures } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import { grid } from '../device/program.js';
import {
  CONV,
  conv2dBackpropFilterSource,
  conv2dBackpropInputSource,
  conv2dSource,
} from './conv.wgsl.js';
import { fitTile } from '../device/tuning.js';
import { tileKey, type TileConfig } from './gemm.wgsl.js';
import { geomValues } from './geometry.js';
import { dispatchGemm } from './matmul.js';
import { data } from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

function runConv(
  ctx: GpuContext,
  name: string,
  source: (tile: TileConfig) => string,
  inputs: GPUData[],
  out: GPUData,
  geom: ConvGeometry,
  m: number,
  n: number,
  k: number,
): void {
  const tile = fitTile(ctx.tuning.gemmTile, m, n);
  const program = { key: `${name}:${tileKey(tile)}`, source: () => source(tile) };
  dispatchGemm(
    ctx,
    (batchOffset, count, tilesN, tiles) =>
      ctx.run({
        program,
        inputs,
        outputs: [out],
        params: CONV.pack({ M: m, N: n, K: k, tilesN, tiles, batchOffset, ...geomValues(geom) }),
        workgroups: grid(tiles, count),
      }),
    m,
    n,
    1,
    tile,
  );
}

export function conv2d(ctx: GpuContext, { x, w, geom }: Sig<'Conv2D'>): GPUData {
  const g = geom;
  const cols = g.batch * g.outH * g.outW;
  const out = ctx.output(cols * g.outChannels, 'float32');
  runConv(
    ctx,
    'Conv2D',
    conv2dSource,
    [data(x), data(w)],
    out,
    g,
    g.outChannels,
    cols,
    g.inChannels * g.kH * g.kW,
  );
  return out;
}

export function conv2dBackpropInput(
  ctx: GpuContext,
  { dy, w, geom }: Sig<'Conv2DBackpropInput'>,
): GPUData {
  const g = geom;
  const cols = g.batch * g.inH * g.inW;
  const out = ctx.output(cols * g.inChannels, 'float32');
  const unit = g.strideH === 1 && g.strideW === 1;
  runConv(
    ctx,
    `Conv2DBackpropInput:${unit ? 's1' : 'strided'}`,
    (tile) => conv2dBackpropInputSource(tile, unit),
    [data(dy), data(w)],
    out,
    g,
    g.inChannels,
    cols,
    g.outChannels * g.kH * g.kW,
  );
  return out;
}

export function conv2dBackpropFilter(
  ctx: GpuContext,
  { x, dy, geom }: Sig<'Conv2DBackpropFilter'>,
): GPUData {
  const g = geom;
  const taps = g.inChannels * g.kH * g.kW;
  const out = ctx.output(g.outChannels * taps, 'float32');
  runConv(
    ctx,
    'Conv2DBackpropFilter',
    conv2dBackpropFilterSource,
    [data(x), data(dy)],
    out,
    g,
    g.outChannels,
    taps,
    g.batch * g.outH * g.outW,
  );
  return out;
}
