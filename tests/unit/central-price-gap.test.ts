/**
 * The price-gap signal's money in integers: what hubs paid above the lowest pack price is summed exactly and
 * rounded once to the fen (a half fen up), where the floating sum it replaced lands just under the half and
 * rounds down. The gap in basis points likewise.
 */
import { describe, expect, it } from 'vitest';
import { priceGapFigures } from '../../central/server/signals';

describe('price gap figures', () => {
  it('sums the extra paid exactly and rounds a half fen up, where floating division rounds down', () => {
    // Lowest 0.10 元 a pack; three hubs paid 7666, 12347 and 14987 micro-yuan more for one pack: 3.5 fen in all.
    const min = 100_000;
    const hubs = [
      { price: min, qty: 30, packSize: 1 },
      { price: min + 7666, qty: 1, packSize: 1 },
      { price: min + 12347, qty: 1, packSize: 1 },
      { price: min + 14987, qty: 1, packSize: 1 },
    ];
    const floating = hubs.reduce((n, r) => n + ((r.price - min) * r.qty) / r.packSize / 10000, 0);
    expect(Math.round(floating)).toBe(3); // 3.4999999999999996: the old sum rounded to 3 fen
    expect(priceGapFigures(hubs, min, min + 14987)).toEqual({ gapBp: 1499, extraFen: 4 });
  });

  it('counts base units against the pack price, and stays exact past 2^53 micro-yuan', () => {
    // 24 a pack, 36 base units = 1.5 packs at 0.01 元 (10,000 micro-yuan) more: 1.5 fen → 2 fen.
    expect(priceGapFigures([{ price: 1_010_000, qty: 36, packSize: 24 }], 1_000_000, 1_010_000)).toEqual({ gapBp: 100, extraFen: 2 });
    // 500 元 more a pack over 40 million packs: 2 × 10^16 micro-yuan, 2 × 10^12 fen exactly.
    const big = priceGapFigures([{ price: 1_500_000_000, qty: 40_000_000, packSize: 1 }], 1_000_000_000, 1_500_000_000);
    expect(big).toEqual({ gapBp: 5000, extraFen: 2_000_000_000_000 });
    // A gap of exactly half a basis point rounds up: 0.005 % of 2,000,000 is 100.
    expect(priceGapFigures([], 2_000_000, 2_000_100).gapBp).toBe(1);
  });
});
