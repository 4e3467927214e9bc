import { formatQty } from '../../../shared/units';

/** Quantities in messages: always with their unit, and the base-unit total when packs are involved. */
export function describeQty(qty: number, d: { packSize: number; packUnit: string; baseUnit: string }): string {
  const short = formatQty(qty, d.packSize, d.packUnit, d.baseUnit);
  if (d.packSize <= 1 || Math.abs(qty) < d.packSize) return short;
  return qty % d.packSize === 0 ? `${short}（${qty}${d.baseUnit}）` : `${short}（共 ${qty}${d.baseUnit}）`;
}
