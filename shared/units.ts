/**
 * Quantities are integers of a drug's base unit (最小单位). People read them as whole packs plus the
 * loose remainder: 78 粒 of a 24-粒 box is "3盒6粒".
 */
export function formatQty(qty: number, packSize: number, packUnit: string, baseUnit: string): string {
  if (!Number.isSafeInteger(qty)) throw new RangeError(`qty must be a safe integer, got ${qty}`);
  if (!Number.isSafeInteger(packSize) || packSize <= 0) throw new RangeError(`packSize must be a positive integer, got ${packSize}`);
  const sign = qty < 0 ? '-' : '';
  const abs = Math.abs(qty);
  if (packSize === 1 || packUnit === baseUnit) return `${sign}${abs}${packSize === 1 ? packUnit : baseUnit}`;
  const packs = Math.floor(abs / packSize);
  const rest = abs % packSize;
  if (packs === 0 && rest === 0) return `0${packUnit}`;
  return `${sign}${packs ? `${packs}${packUnit}` : ''}${rest ? `${rest}${baseUnit}` : ''}`;
}

/** With the base-unit total whenever packs are involved: "2盒（48粒）", "2盒6粒（共 54粒）", "18粒". */
export function formatQtyWithBase(qty: number, packSize: number, packUnit: string, baseUnit: string): string {
  const short = formatQty(qty, packSize, packUnit, baseUnit);
  if (packSize <= 1 || packUnit === baseUnit || Math.abs(qty) < packSize) return short;
  return qty % packSize === 0 ? `${short}（${qty}${baseUnit}）` : `${short}（共 ${qty}${baseUnit}）`;
}

/** "24粒/盒" — how a pack is made up, as printed beside a drug's specification. */
export function formatPack(packSize: number, packUnit: string, baseUnit: string): string {
  return packUnit === baseUnit ? packUnit : `${packSize}${baseUnit}/${packUnit}`;
}
