/**
 * Per-layer profiler: forward and backward time of each step a model runs (a Sequential's
 * plan, with fused ReLUs shown as 'conv1+relu1'), plus the loss. This is the "where does the
 * time go in a ConvNet" table.
 *
 * Method: for each repeat, the forward pass runs step by step, each timed to completion
 * (`await data()` of its output, so asynchronous backends are measured too). Then backward
 * runs step by step from the loss: each step's vector-Jacobian product is taken with
 * `vjp(step, [input, ...params], dy)`, which re-runs that step's forward, so its backward time
 * is the vjp time minus the step's forward time from the same repeat. Reported times are
 * medians over the repeats.
 */
import { ArgumentError, noGrad, ones, vjp, type Tensor } from '@tessera/core';
import type { Module } from './module.js';
import { Sequential } from './sequential.js';
import { crossEntropy, type LossFunction } from './losses.js';
import { formatBatchShape, renderTable } from './format.js';

export interface ProfileOptions {
  /** Timed repeats (default 3); one untimed warm-up precedes them. */
  repeats?: number;
  loss?: LossFunction;
}

export interface ProfileRow {
  /** 'conv1+relu1', 'pool1', ..., or 'loss'. */
  readonly name: string;
  readonly kinds: readonly string[];
  readonly outputShape: readonly number[];
  readonly forwardMs: number;
  readonly backwardMs: number;
}

export interface ProfileResult {
  readonly batch: number;
  readonly rows: readonly ProfileRow[];
  readonly forwardMs: number;
  readonly backwardMs: number;
  readonly text: string;
}

interface Step {
  readonly name: string;
  readonly kinds: string[];
  readonly params: () => Tensor[];
  run(x: Tensor): Tensor;
}

function stepsOf(model: Module): Step[] {
  if (model instanceof Sequential) {
    return model.plan().map((s) => ({
      name: s.name,
      kinds: s.layers.map((l) => l.kind),
      params: () => s.layers.flatMap((l) => l.parameters()),
      run: (x) => s.run(x),
    }));
  }
  return [
    {
      name: model.name,
      kinds: [model.kind],
      params: () => model.parameters(),
      run: (x) => model.forward(x),
    },
  ];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function settle(t: Tensor): Promise<void> {
  await t.data();
}

export async function profile(
  model: Module,
  x: Tensor,
  labels: Tensor,
  options: ProfileOptions = {},
): Promise<ProfileResult> {
  const repeats = options.repeats ?? 3;
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new ArgumentError(`profile: 'repeats' must be a positive integer, got ${repeats}`);
  const lossFn = options.loss ?? crossEntropy;
  const steps = stepsOf(model);
  const fwd = steps.map(() => [] as number[]);
  const bwd = steps.map(() => [] as number[]);
  const lossFwd: number[] = [];
  const lossBwd: number[] = [];
  const shapes: number[][] = steps.map(() => []);
  for (let rep = 0; rep <= repeats; rep++) {
    const timed = rep > 0;
    const acts: Tensor[] = [x];
    try {
      const f: number[] = [];
      for (let i = 0; i < steps.length; i++) {
        const t0 = performance.now();
        const y = noGrad(() => steps[i].run(acts[i]));
        await settle(y);
        f.push(performance.now() - t0);
        shapes[i] = [...y.shape];
        acts.push(y);
      }
      const logits = acts[acts.length - 1];
      let t0 = performance.now();
      const plain = noGrad(() => lossFn(logits, labels));
      await settle(plain);
      const lf = performance.now() - t0;
      plain.dispose();
      t0 = performance.now();
      const seed = ones([]);
      const lossVjp = vjp((z) => lossFn(z, labels), [logits], seed);
      await settle(lossVjp.grads[0]);
      const lb = Math.max(0, performance.now() - t0 - lf);
      seed.dispose();
      lossVjp.value.dispose();
      let dy = lossVjp.grads[0];
      for (let i = steps.length - 1; i >= 0; i--) {
        const params = steps[i].params();
        const tb = performance.now();
        const r = vjp((input) => steps[i].run(input), [acts[i], ...params], dy);
        await settle(r.grads[0]);
        const elapsed = performance.now() - tb;
        r.value.dispose();
        for (const g of r.grads.slice(1)) g.dispose();
        dy.dispose();
        dy = r.grads[0];
        if (timed) bwd[i].push(Math.max(0, elapsed - f[i]));
      }
      dy.dispose();
      if (timed) {
        f.forEach((v, i) => fwd[i].push(v));
        lossFwd.push(lf);
        lossBwd.push(lb);
      }
    } finally {
      for (const a of acts.slice(1)) a.dispose();
    }
  }
  const rows: ProfileRow[] = steps.map((s, i) => ({
    name: s.name,
    kinds: s.kinds,
    outputShape: shapes[i],
    forwardMs: median(fwd[i]),
    backwardMs: median(bwd[i]),
  }));
  rows.push({
    name: 'loss',
    kinds: ['crossEntropy'],
    outputShape: [],
    forwardMs: median(lossFwd),
    backwardMs: median(lossBwd),
  });
  const forwardMs = rows.reduce((s, r) => s + r.forwardMs, 0);
  const backwardMs = rows.reduce((s, r) => s + r.backwardMs, 0);
  return {
    batch: x.shape[0],
    rows,
    forwardMs,
    backwardMs,
    text: profileTable(rows, forwardMs, backwardMs, x.shape[0]),
  };
}

function bar(fraction: number, width = 20): string {
  const n = Math.round(fraction * width);
  return '#'.repeat(n);
}

function profileTable(
  rows: readonly ProfileRow[],
  forwardMs: number,
  backwardMs: number,
  batch: number,
): string {
  const total = forwardMs + backwardMs;
  const ms = (v: number) => v.toFixed(2);
  const body = rows.map((r) => {
    const t = r.forwardMs + r.backwardMs;
    const share = total > 0 ? t / total : 0;
    return [
      r.name,
      r.kinds.join('+'),
      r.outputShape.length ? formatBatchShape(r.outputShape) : '',
      ms(r.forwardMs),
      ms(r.backwardMs),
      ms(t),
      `${(share * 100).toFixed(1)}%`,
      bar(share),
    ];
  });
  body.push(['total', '', '', ms(forwardMs), ms(backwardMs), ms(total), '100.0%', '']);
  return (
    `Per-layer time for one batch of ${batch} (median ms; backward = vjp time - forward time):\n` +
    renderTable(['Layer', 'Type', 'Output', 'Forward', 'Backward', 'Total', 'Share', ''], body, [
      'left',
      'left',
      'left',
      'right',
      'right',
      'right',
      'right',
      'left',
    ])
  );
}
