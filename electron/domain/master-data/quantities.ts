/** Quantities in messages and documents, always with their units. */
import { formatQty } from '../../../shared/units';

interface Units {
  packSize: number;
  packUnit: string;
  baseUnit: string;
}

/** As people read it on a shelf, e.g. 3盒6粒. */
export function describeQty(qty: number, d: Units): string {
  return formatQty(qty, d.packSize, d.packUnit, d.baseUnit);
}

/** As in a purchasing message: packs, and the base-unit total when packs are involved, e.g. 3盒（共 30粒）. */
export function describeQtyWithBase(qty: number, d: Units): string {
  const short = describeQty(qty, d);
  if (d.packSize <= 1 || Math.abs(qty) < d.packSize) return short;
  return qty % d.packSize === 0 ? `${short}（${qty}${d.baseUnit}）` : `${short}（共 ${qty}${d.baseUnit}）`;
}
