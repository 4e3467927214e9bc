/**
 * The random draw of a spot check (随机抽查), in integers only, so that anyone holding the recorded seed and
 * weight inputs can draw again and get exactly the same drugs, on any machine, in any later version.
 *
 * - PRNG: mulberry32 (32-bit state, 32-bit outputs), seeded with the stocktake's recorded seed.
 * - A uniform integer below a bound takes 53 bits from two outputs and rejects the biased tail.
 * - Weighted sampling without replacement: draw r in [0, total weight), walk the candidates in their
 *   recorded order to the one whose cumulative weight passes r, take it out, repeat N times.
 *
 * Changing any of this changes which drugs a recorded seed selects: bump SELECTION_ALGORITHM instead, and
 * keep the old version able to verify old draws.
 */
import { SELECTION_DISPENSE_FACTOR, SELECTION_WEIGHT_BASE } from '../../../shared/stocktake';

export const SELECTION_ALGORITHM = 'mulberry32/weighted-draw-v1';

/** mulberry32: a small, well-distributed 32-bit generator. Returns unsigned 32-bit integers. */
export function mulberry32(seed: number): () => number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be a 32-bit unsigned integer, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const TWO_POW_53 = 2 ** 53;

/** A uniform integer in [0, bound) from a 32-bit generator, exactly (no modulo bias). */
export function uniformBelow(next: () => number, bound: number): number {
  if (!Number.isSafeInteger(bound) || bound <= 0) throw new RangeError(`bound must be a positive safe integer, got ${bound}`);
  const limit = TWO_POW_53 - (TWO_POW_53 % bound);
  for (;;) {
    const x = (next() >>> 0) * 2 ** 21 + ((next() >>> 0) >>> 11);
    if (x < limit) return x % bound;
  }
}

/** ⌊√n⌋ for a non-negative safe integer, exact. */
export function isqrt(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`isqrt needs a non-negative safe integer, got ${n}`);
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r -= 1;
  while ((r + 1) * (r + 1) <= n) r += 1;
  return r;
}

/** Weight of one drug in the draw (see SELECTION_RULE_TEXT in shared/stocktake.ts). */
export function selectionWeight(stockValueFen: number, dispensedAmountFen: number): number {
  return SELECTION_WEIGHT_BASE + isqrt(Math.max(0, stockValueFen)) + SELECTION_DISPENSE_FACTOR * isqrt(Math.max(0, dispensedAmountFen));
}

/**
 * Draws n of the weighted candidates without replacement. Returns their indices in the order drawn.
 * n ≥ the number of candidates takes them all (still in drawn order).
 */
export function drawWeighted(seed: number, weights: readonly number[], n: number): number[] {
  for (const w of weights) if (!Number.isSafeInteger(w) || w <= 0) throw new RangeError(`weights must be positive integers, got ${w}`);
  const next = mulberry32(seed);
  const remaining = weights.map((w, i) => ({ i, w }));
  let total = remaining.reduce((s, c) => s + c.w, 0);
  if (!Number.isSafeInteger(total)) throw new RangeError('total weight too large');
  const picked: number[] = [];
  while (picked.length < n && remaining.length > 0) {
    let r = uniformBelow(next, total);
    let k = 0;
    while (r >= remaining[k].w) {
      r -= remaining[k].w;
      k += 1;
    }
    picked.push(remaining[k].i);
    total -= remaining[k].w;
    remaining.splice(k, 1);
  }
  return picked;
}
