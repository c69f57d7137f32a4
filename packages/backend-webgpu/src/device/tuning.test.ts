import { describe, expect, it } from 'vitest';
import { CPU_TILE, DEFAULT_TILE, fitTile, tileProblem } from './tuning.js';

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

describe('tileProblem', () => {
  it('accepts the built-in tiles', () => {
    expect(tileProblem(DEFAULT_TILE, 256)).toBeUndefined();
    expect(tileProblem(CPU_TILE, 256)).toBeUndefined();
  });
  it('names what is wrong with a bad tile', () => {
    expect(tileProblem({ ...DEFAULT_TILE, WX: 0 }, 256)).toMatch(/positive integers/);
    expect(tileProblem({ ...DEFAULT_TILE, WX: 16, WY: 16 }, 128)).toMatch(/256 exceeds .* 128/);
    expect(tileProblem({ WX: 8, WY: 8, RM: 1, RN: 1, TK: 4 }, 256)).toMatch(/multiples/);
  });
});
