import { describe, expect, it } from 'vitest';
import { drawWeighted, isqrt, mulberry32, selectionWeight, uniformBelow } from '../../electron/domain/stocktake/selection';

describe('mulberry32', () => {
  it('produces the published reference sequence', () => {
    // mulberry32(1) as published with the generator (first output / 2^32 = 0.6270739405881613).
    const next = mulberry32(1);
    expect(next() / 2 ** 32).toBe(0.6270739405881613);
    expect(next() / 2 ** 32).toBe(0.002735721180215478);
    expect(next() / 2 ** 32).toBe(0.5274470399599522);
    const zero = mulberry32(0);
    expect([zero(), zero(), zero()]).toEqual([1144304738, 1416247, 958946056]);
  });

  it('accepts only 32-bit unsigned seeds', () => {
    expect(() => mulberry32(-1)).toThrow(RangeError);
    expect(() => mulberry32(2 ** 32)).toThrow(RangeError);
    expect(() => mulberry32(1.5)).toThrow(RangeError);
    expect(mulberry32(2 ** 32 - 1)()).toBeGreaterThanOrEqual(0);
  });
});

describe('uniformBelow and isqrt', () => {
  it('stays within its bound and reaches every value of a small range', () => {
    const next = mulberry32(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = uniformBelow(next, 7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
    expect(uniformBelow(mulberry32(3), 1)).toBe(0);
    expect(() => uniformBelow(mulberry32(3), 0)).toThrow(RangeError);
  });

  it('computes exact integer square roots', () => {
    for (const [n, r] of [
      [0, 0],
      [1, 1],
      [3, 1],
      [4, 2],
      [99, 9],
      [100, 10],
      [2 ** 52, 2 ** 26],
      [2 ** 52 - 1, 2 ** 26 - 1],
      [999_999_999_999, 999_999],
    ]) {
      expect(isqrt(n)).toBe(r);
    }
    expect(() => isqrt(-1)).toThrow(RangeError);
  });

  it('weighs a drug by its book value and recent dispensing, damped by square roots', () => {
    expect(selectionWeight(0, 0)).toBe(100);
    expect(selectionWeight(50_000, 0)).toBe(100 + 223); // ¥500 on the shelf
    expect(selectionWeight(50_000, 200_000)).toBe(100 + 223 + 2 * 447); // and ¥2,000 dispensed
  });
});

describe('weighted draw without replacement', () => {
  it('is reproducible from its seed and never picks a drug twice', () => {
    const weights = [120, 450, 100, 1300, 220, 100, 870, 100, 640, 300];
    for (let seed = 0; seed < 200; seed++) {
      const a = drawWeighted(seed, weights, 4);
      expect(drawWeighted(seed, weights, 4)).toEqual(a);
      expect(new Set(a).size).toBe(4);
      for (const i of a) expect(i >= 0 && i < weights.length).toBe(true);
    }
    expect(drawWeighted(42, [100, 200, 300, 400, 5000], 3)).toEqual([4, 2, 1]);
  });

  it('takes everything (in drawn order) when asked for more than there is', () => {
    const all = drawWeighted(9, [5, 6, 7], 10);
    expect([...all].sort()).toEqual([0, 1, 2]);
    expect(drawWeighted(9, [], 3)).toEqual([]);
  });

  it('favours heavy drugs in proportion, over many seeds', () => {
    const weights = [100, 100, 100, 700];
    const firstPick = [0, 0, 0, 0];
    for (let seed = 0; seed < 4000; seed++) firstPick[drawWeighted(seed, weights, 1)[0]] += 1;
    // Expected 400 / 400 / 400 / 2800 out of 4000; allow a generous margin.
    expect(firstPick[3]).toBeGreaterThan(2600);
    expect(firstPick[3]).toBeLessThan(3000);
    for (const light of firstPick.slice(0, 3)) expect(light).toBeGreaterThan(300);
  });

  it('refuses weights that are not positive integers', () => {
    expect(() => drawWeighted(1, [1, 0], 1)).toThrow(RangeError);
    expect(() => drawWeighted(1, [1.5], 1)).toThrow(RangeError);
  });
});
