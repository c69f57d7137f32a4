import { describe, expect, it } from 'vitest';
import { CPU_TILE, DEFAULT_TILE, fitTile } from './tuning.js';

describe('fitTile', () => {
  it('leaves staged (GPU) tiles alone', () => {
    expect(fitTile(DEFAULT_TILE, 1, 1)).toBe(DEFAULT_TILE);
  });
  it('keeps a register tile that the GEMM fills', () => {
    expect(fitTile(CPU_TILE, 1000, 1000)).toBe(CPU_TILE);
  });
  it('shrinks rows for a one-row GEMM and moves invocations to the columns', () => {
    const t = fitTile(CPU_TILE, 1, 25088);
    expect(t.RM).toBe(1);
    expect(t.WY).toBe(1);
    expect(t.WX * t.WY).toBe(CPU_TILE.WX * CPU_TILE.WY);
    expect(t.RN).toBe(CPU_TILE.RN);
  });
  it('never covers fewer rows or columns than needed per tile when both are small', () => {
    for (const [m, n] of [
      [6, 25],
      [3, 3],
      [1, 1],
      [64, 2],
    ]) {
      const t = fitTile(CPU_TILE, m, n);
      expect(t.WX * t.WY).toBe(CPU_TILE.WX * CPU_TILE.WY);
      expect(t.RM * t.WY).toBeGreaterThanOrEqual(Math.min(m, CPU_TILE.RM * CPU_TILE.WY) / 2);
    }
  });
});
