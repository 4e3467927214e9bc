/**
 * What a clinic sees next to each requisition line: stock on hand, AMC, in transit and the suggestion
 *
 *   suggested = whole packs, rounded up, of max(0, targetMonths × AMC − stock on hand − in transit)
 */
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { getSetting, setSetting } from '../settings';
import { clinicStores } from '../master-data/stores';
import type { StockInfo } from '../../../shared/contract/requisitions';
import { clinicAmc } from './amc';
import type { BookSight } from '../stocktake/blind';

export const DEFAULT_TARGET_MONTHS = 2;

export function targetMonths(db: ReadDb): number {
  const raw = getSetting(db, 'purchasing.targetMonths');
  const n = raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 12 ? n : DEFAULT_TARGET_MONTHS;
}

export function setTargetMonths(db: WriteDb, months: number): void {
  setSetting(db, 'purchasing.targetMonths', String(months));
}

/** Rounds a base-unit quantity up to whole packs. */
export function ceilToPacks(qty: number, packSize: number): number {
  if (qty <= 0) return 0;
  return Math.ceil(qty / packSize) * packSize;
}

/** The suggestion formula: never negative, always whole packs. */
export function suggestedQty(months: number, amc: number, stockOnHand: number, inTransit: number, packSize: number): number {
  return ceilToPacks(months * amc - stockOnHand - inTransit, packSize);
}

/**
 * Base units of a drug in a store, in lots that have not expired by `today`. Through stock_balances_live: a
 * clinic keeps an empty row for every lot it ever held (hundreds per drug over the years).
 */
export function usableStock(db: ReadDb, storeId: number, drugId: number, today: string): number {
  return (
    sql(
      db,
      `SELECT coalesce(sum(b.qty), 0) AS q FROM stock_balances b INDEXED BY stock_balances_live JOIN lots l ON l.id = b.lot_id
        WHERE b.store_id = ? AND b.drug_id = ? AND b.qty > 0 AND l.expiry_date >= ?
          AND NOT EXISTS (SELECT 1 FROM quarantine_lots q WHERE q.lot_id = b.lot_id)`,
    ).get(storeId, drugId, today) as { q: number }
  ).q;
}

/** Approved (or adjusted) and not yet issued, over the clinic's open requisitions. */
export function approvedNotIssued(db: ReadDb, clinicId: number, drugId: number): number {
  return (
    sql(
      db,
      `SELECT coalesce(sum(max(rl.approved_qty - rl.issued_qty, 0)), 0) AS q
         FROM requisition_lines rl JOIN requisitions r ON r.id = rl.requisition_id
        WHERE r.clinic_id = ? AND rl.drug_id = ? AND r.status IN ('submitted', 'reviewed')
          AND rl.decision IN ('approved', 'adjusted')`,
    ).get(clinicId, drugId) as { q: number }
  ).q;
}

/** The figures as the book has them; what a caller under a blind count may see is `shownTo`'s business. */
export function clinicStockInfo(db: ReadDb, clinicId: number, drug: { id: number; packSize: number }, today: string, months: number): StockInfo {
  const stores = clinicStores(db, clinicId);
  const amc = clinicAmc(db, stores.storeId, drug.id, today);
  const stockOnHand = usableStock(db, stores.storeId, drug.id, today);
  const transitBalance = (
    sql(db, 'SELECT coalesce(sum(qty), 0) AS q FROM stock_balances INDEXED BY stock_balances_live WHERE store_id = ? AND drug_id = ? AND qty > 0').get(
      stores.transitId,
      drug.id,
    ) as {
      q: number;
    }
  ).q;
  const inTransit = transitBalance + approvedNotIssued(db, clinicId, drug.id);
  return {
    drugId: drug.id,
    packSize: drug.packSize,
    bookHidden: false,
    stockOnHand,
    amc: amc.amc,
    consumed: amc.consumed,
    daysInStock: amc.daysInStock,
    windowDays: amc.windowDays,
    inTransit,
    targetMonths: months,
    suggestedQty: suggestedQty(months, amc.amc, stockOnHand, inTransit, drug.packSize),
  };
}

/** The stock info a caller may see: without the clinic's stock (and the suggestion made from it) while a blind count hides it. */
export function shownTo(sight: BookSight, clinicStoreId: number, info: StockInfo): StockInfo {
  return sight.hides(clinicStoreId, info.drugId) ? { ...info, bookHidden: true, stockOnHand: null, suggestedQty: null } : info;
}
