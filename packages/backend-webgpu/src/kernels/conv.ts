/** Conv2D and its two backprops, each one implicit-GEMM dispatch (see conv.wgsl.ts). */
import type { KernelSignatures } from '@tessera/core';
import type { GpuContext } from '../device/context.js';
import type { GPUData } from '../device/data.js';
import {
  CONV,
  conv2dBackpropFilterSource,
  conv2dBackpropInputSource,
  conv2dSource,
} from './conv.wgsl.js';
import { runGemm } from './gemm.js';
import { geomValues } from './geometry.js';
import { data } from './util.js';

type Sig<K extends keyof KernelSignatures> = Parameters<KernelSignatures[K]>[0];

export function conv2d(ctx: GpuContext, { x, w, geom: g }: Sig<'Conv2D'>): GPUData {
  return runGemm(ctx, {
    key: 'Conv2D',
    source: (tile) => conv2dSource(tile),
    layout: CONV,
    params: geomValues(g),
    inputs: [data(x), data(w)],
    m: g.outChannels,
    n: g.batch * g.outH * g.outW,
    k: g.inChannels * g.kH * g.kW,
    batch: 1,
    rowMajorOutput: false,
  });
}

export function conv2dBackpropInput(
  ctx: GpuContext,
  { dy, w, geom: g }: Sig<'Conv2DBackpropInput'>,
): GPUData {
  const unit = g.strideH === 1 && g.strideW === 1;
  return runGemm(ctx, {
    key: `Conv2DBackpropInput:${unit ? 's1' : 'strided'}`,
    source: (tile) => conv2dBackpropInputSource(tile, unit),
    layout: CONV,
    params: geomValues(g),
    inputs: [data(dy), data(w)],
    m: g.inChannels,
    n: g.batch * g.inH * g.inW,
    k: g.outChannels * g.kH * g.kW,
    batch: 1,
    rowMajorOutput: false,
  });
}

export function conv2dBackpropFilter(
  ctx: GpuContext,
  { x, dy, geom: g }: Sig<'Conv2DBackpropFilter'>,
): GPUData {
  // dW is [outC, C*kH*kW] row-major, so a long K (batch * outH * outW) can be split.
  return runGemm(ctx, {
    key: 'Conv2DBackpropFilter',
    source: (tile, split) => conv2dBackpropFilterSource(tile, split),
    layout: CONV,
    params: geomValues(g),
    inputs: [data(x), data(dy)],
    m: g.outChannels,
    n: g.inChannels * g.kH * g.kW,
    k: g.batch * g.outH * g.outW,
    batch: 1,
    rowMajorOutput: true,
  });
}
