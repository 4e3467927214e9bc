/**
 * Which drugs a store watches (常用药) and at what levels, and the alerts its lots raise — the arithmetic
 * alone, on figures already read (watch.ts reads them). One catalog-wide 下限 applied to every clinic
 * flooded a clinic that stocks 13 drugs with 309 缺货; a store now watches what it uses.
 *
 * - Watched: the drugs the store used in the last 90 days (a clinic dispensed them, the hub issued them),
 *   the ones the pharmacist added, and at the hub those with a catalog 下限 (hub_min is the hub's own level);
 *   less the ones the pharmacist took off the list.
 * - Levels: the pharmacist's, else suggested from the store's use in those 90 days — 下限 two weeks of use
 *   (time to request, approve, order and deliver), 上限 six weeks (a monthly request on top of the 下限),
 *   whole packs; the hub falls back to the catalog's hub_min/hub_max. A drug not used has no suggestion.
 * - Alerts: a lot expired or expiring within 180 days, wherever it lies (watched or not); 缺货 when a watched
 *   drug has no unexpired stock; 低于下限 when it has some, below its 下限.
 */

export const USE_WINDOW_DAYS = 90;
export const MIN_COVER_DAYS = 14;
export const MAX_COVER_DAYS = 42;

export type AlertKind = 'expired' | 'near_expiry' | 'below_min' | 'out_of_stock';
export const ALERT_KINDS: readonly AlertKind[] = ['expired', 'out_of_stock', 'near_expiry', 'below_min'];

export type LevelSource = 'set' | 'suggested' | 'catalog';

export interface Levels {
  minQty: number;
  maxQty: number;
}

/** What the pharmacist set for a drug at a store (a store_watch row). */
export interface WatchSetting {
  watched: boolean;
  minQty: number | null;
  maxQty: number | null;
}

export interface WatchedDrug {
  drugId: number;
  /** Why it is on the list: used lately, added by the pharmacist, or a catalog 下限 (the hub). */
  listedBy: 'used' | 'added' | 'catalog';
  minQty: number | null;
  maxQty: number | null;
  levelSource: LevelSource | null;
}

const ceilToPacks = (qty: number, packSize: number) => (qty <= 0 ? 0 : Math.ceil(qty / packSize) * packSize);

/** 下限 and 上限 from the use of the last `windowDays` (base units), in whole packs; null when nothing was used. */
export function suggestLevels(used: number, packSize: number, windowDays = USE_WINDOW_DAYS): Levels | null {
  if (used <= 0) return null;
  // Integers throughout: used × days / window, rounded up, then up to whole packs.
  const cover = (days: number) => ceilToPacks(Math.ceil((used * days) / windowDays), packSize);
  return { minQty: cover(MIN_COVER_DAYS), maxQty: cover(MAX_COVER_DAYS) };
}

export interface WatchInputs {
  /** Base units used per drug in the window (net of reversals); drugs not used are absent. */
  used: ReadonlyMap<number, number>;
  settings: ReadonlyMap<number, WatchSetting>;
  /** The catalog's levels that count for this store (the hub's hub_min/hub_max; none for a clinic). */
  catalog: ReadonlyMap<number, { minQty: number | null; maxQty: number | null }>;
  packSizes: ReadonlyMap<number, number>;
}

/** One drug's place on the store's list, or null when the store does not watch it. */
export function watchOf(drugId: number, inputs: WatchInputs): WatchedDrug | null {
  const setting = inputs.settings.get(drugId);
  if (setting && !setting.watched) return null;
  const used = inputs.used.get(drugId) ?? 0;
  const catalog = inputs.catalog.get(drugId);
  const listedBy = used > 0 ? 'used' : setting ? 'added' : catalog?.minQty ? 'catalog' : null;
  if (!listedBy) return null;
  const suggested = suggestLevels(used, inputs.packSizes.get(drugId) ?? 1);
  let minQty: number | null = null;
  let maxQty: number | null = null;
  let levelSource: LevelSource | null = null;
  if (setting && (setting.minQty !== null || setting.maxQty !== null)) {
    minQty = setting.minQty;
    maxQty = setting.maxQty;
    levelSource = 'set';
  } else if (suggested) {
    ({ minQty, maxQty } = suggested);
    levelSource = 'suggested';
  } else if (catalog && (catalog.minQty !== null || catalog.maxQty !== null)) {
    minQty = catalog.minQty;
    maxQty = catalog.maxQty;
    levelSource = 'catalog';
  }
  return { drugId, listedBy, minQty, maxQty, levelSource };
}

/** Every drug the store watches. */
export function watchedDrugs(inputs: WatchInputs): Map<number, WatchedDrug> {
  const candidates = new Set<number>([...inputs.used.keys(), ...inputs.settings.keys(), ...inputs.catalog.keys()]);
  const out = new Map<number, WatchedDrug>();
  for (const drugId of candidates) {
    const w = watchOf(drugId, inputs);
    if (w) out.set(drugId, w);
  }
  return out;
}

export interface LotForAlert {
  drugId: number;
  lotId: number;
  qty: number;
  expiryDate: string;
}

export interface RawAlert {
  kind: AlertKind;
  drugId: number;
  /** The lot's balance (expiry alerts) or the drug's unexpired stock (缺货, 低于下限). */
  qty: number;
  lotId: number | null;
  watch: WatchedDrug | null;
}

/** The alerts of one store: expiry per lot, 缺货 and 低于下限 per watched drug. */
export function storeAlerts(lots: readonly LotForAlert[], watched: ReadonlyMap<number, WatchedDrug>, today: string, nearLimit: string): RawAlert[] {
  const alerts: RawAlert[] = [];
  const usable = new Map<number, number>();
  for (const lot of lots) {
    if (lot.qty <= 0) continue;
    if (lot.expiryDate < today) alerts.push({ kind: 'expired', drugId: lot.drugId, qty: lot.qty, lotId: lot.lotId, watch: watched.get(lot.drugId) ?? null });
    else {
      usable.set(lot.drugId, (usable.get(lot.drugId) ?? 0) + lot.qty);
      if (lot.expiryDate < nearLimit)
        alerts.push({ kind: 'near_expiry', drugId: lot.drugId, qty: lot.qty, lotId: lot.lotId, watch: watched.get(lot.drugId) ?? null });
    }
  }
  for (const w of watched.values()) {
    const qty = usable.get(w.drugId) ?? 0;
    if (qty === 0) alerts.push({ kind: 'out_of_stock', drugId: w.drugId, qty, lotId: null, watch: w });
    else if (w.minQty !== null && qty < w.minQty) alerts.push({ kind: 'below_min', drugId: w.drugId, qty, lotId: null, watch: w });
  }
  return alerts;
}

/** What brings the drug back to its 上限 (to its 下限 when no 上限), whole packs; null without levels. */
export function refillQty(qty: number, watch: WatchedDrug | null, packSize: number): number | null {
  const target = watch?.maxQty ?? watch?.minQty ?? null;
  if (target === null) return null;
  return ceilToPacks(target - qty, packSize);
}
