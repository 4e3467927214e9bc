/** Quantities in messages: always with their unit, packs and base units both shown. */
export function describeQty(qty: number, d: { packSize: number; packUnit: string; baseUnit: string }): string {
  if (d.packSize === 1 || qty === 0) return `${qty}${d.baseUnit}`;
  const packs = Math.trunc(qty / d.packSize);
  const rest = qty % d.packSize;
  if (rest === 0) return `${packs}${d.packUnit}（${qty}${d.baseUnit}）`;
  if (packs === 0) return `${qty}${d.baseUnit}`;
  return `${packs}${d.packUnit}${rest}${d.baseUnit}（共 ${qty}${d.baseUnit}）`;
}
