import { describe, expect, it } from 'vitest';
import { bucketSize } from './buffer-pool.js';

describe('bucketSize', () => {
  it('rounds up to quarter steps between powers of two, at least 256 bytes', () => {
    expect(bucketSize(0)).toBe(256);
    expect(bucketSize(4)).toBe(256);
    expect(bucketSize(256)).toBe(256);
    expect(bucketSize(257)).toBe(320);
    expect(bucketSize(1024)).toBe(1024);
    expect(bucketSize(1025)).toBe(1280);
    expect(bucketSize(1700)).toBe(1792);
    expect(bucketSize(1793)).toBe(2048);
  });
  it('never wastes more than a quarter', () => {
    for (let bytes = 257; bytes < 1e6; bytes = Math.ceil(bytes * 1.37)) {
      const b = bucketSize(bytes);
      expect(b).toBeGreaterThanOrEqual(bytes);
      expect(b).toBeLessThanOrEqual(bytes * 1.25);
      expect(b % 4).toBe(0);
    }
  });
});
