/** Batched GEMM: out[t] = opA(a[t or 0]) @ opB(b[t or 0]), out is [batch, m, n] float32. */
import type { DataId } from '@tessera/core';
import { sgemmStrided } from '../gemm/sgemm.js';
import type { CpuStorage } from '../storage.js';
import type { KernelArgs } from './types.js';

export function matMul(store: CpuStorage, args: KernelArgs<'MatMul'>): DataId {
  const { transposeA, transposeB, batch, batchA, batchB, m, n, k } = args;
  const a = store.valuesF32(args.a);
  const b = store.valuesF32(args.b);
  const y = store.f32(batch * m * n);
  const lda = transposeA ? m : k;
  const ldb = transposeB ? k : n;
  if (batch > 1 && batchB === 1 && batchA === batch && !transposeA) {
    // A shared right operand: the batch of A stacks into one tall [batch*m, k] matrix, so
    // B is packed once instead of once per batch entry (x[N, T, k] @ W in a dense layer).
    sgemmStrided(
      batch * m,
      n,
      k,
      a.data,
      0,
      lda,
      false,
      b.data,
      0,
      ldb,
      transposeB,
      y,
      0,
      n,
      false,
    );
  } else {
    for (let t = 0; t < batch; t++) {
      const aOff = (batchA === 1 ? 0 : t) * m * k;
      const bOff = (batchB === 1 ? 0 : t) * k * n;
      sgemmStrided(
        m,
        n,
        k,
        a.data,
        aOff,
        lda,
        transposeA,
        b.data,
        bOff,
        ldb,
        transposeB,
        y,
        t * m * n,
        n,
        false,
      );
    }
  }
  if (a.scratch) store.recycle(a.data);
  if (b.scratch) store.recycle(b.data);
  return store.register(y);
}
