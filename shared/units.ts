/** Quantity as people read it: 3盒6粒; 18粒 when less than a pack; 5支 for drugs whose pack is one unit. */
export function formatQty(qty: number, packSize: number, packUnit: string, baseUnit: string): string {
  if (packSize <= 1) return `${qty}${baseUnit}`;
  const sign = qty < 0 ? '-' : '';
  const abs = Math.abs(qty);
  const packs = Math.floor(abs / packSize);
  const rest = abs % packSize;
  if (packs === 0) return `${sign}${rest}${baseUnit}`;
  return `${sign}${packs}${packUnit}${rest === 0 ? '' : `${rest}${baseUnit}`}`;
}
