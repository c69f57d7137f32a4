/** The shape every kernel in this folder has: the backend's storage plus core's argument object. */
import type { DataId, KernelName, KernelSignatures } from '@tessera/core';
import type { CpuStorage } from '../storage.js';

export type KernelArgs<K extends KernelName> = Parameters<KernelSignatures[K]>[0];

export type CpuKernel<K extends KernelName> = (store: CpuStorage, args: KernelArgs<K>) => DataId;

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
