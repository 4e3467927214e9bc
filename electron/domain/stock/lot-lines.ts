import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import { explainAvailability, lotAvailableAt } from './availability';
import { describeQty } from '../master-data/quantities';
import { drugSnapshot } from '../master-data/drugs';

/** Lines of returns and write-offs: whole lots at one store, checked against what the store holds. */
export interface LotLineInput {
  lotId: number;
  qty: number;
}

interface LotAtStore {
  lotId: number;
  drugId: number;
  batchNo: string;
  expiryDate: string;
  supplierId: number | null;
  held: number;
}

export function lotAtStore(db: ReadDb, storeId: number, lotId: number): LotAtStore {
  const row = sql(
    db,
    `SELECT l.id AS lotId, l.drug_id AS drugId, l.batch_no AS batchNo, l.expiry_date AS expiryDate, l.supplier_id AS supplierId,
            coalesce(b.qty, 0) AS held
       FROM lots l LEFT JOIN stock_balances b ON b.lot_id = l.id AND b.store_id = ? WHERE l.id = ?`,
  ).get(storeId, lotId) as LotAtStore | undefined;
  if (!row || row.held === 0) throw new AppError('BUSINESS_RULE', `该库房没有批次 ${row?.batchNo ?? lotId} 的库存`);
  return row;
}

/**
 * Checks every line against the store's stock (the same lot twice counts once, summed) and writes them.
 * With `asOf` (a document dated before today) the stock is what the lot held on that date and still holds
 * at every moment after it.
 */
export function insertLotLines(
  db: WriteDb,
  table: 'stock_return_lines' | 'writeoff_lines',
  parentColumn: 'return_id' | 'writeoff_id',
  parentId: number,
  storeId: number,
  lines: LotLineInput[],
  asOf?: string,
): LotAtStore[] {
  const wanted = new Map<number, number>();
  for (const l of lines) wanted.set(l.lotId, (wanted.get(l.lotId) ?? 0) + l.qty);
  const lots: LotAtStore[] = [];
  for (const [lotId, qty] of wanted) {
    const lot = lotAtStore(db, storeId, lotId);
    const d = drugSnapshot(db, lot.drugId);
    if (qty > lot.held)
      throw new AppError('INSUFFICIENT_STOCK', `${d.drugName} 批号 ${lot.batchNo} 只有 ${describeQty(lot.held, d)}，不能处理 ${describeQty(qty, d)}`);
    if (asOf) {
      const at = lotAvailableAt(db, storeId, lotId, asOf, lot.held);
      if (qty > at.available) {
        throw new AppError(
          'INSUFFICIENT_STOCK',
          `${d.drugName} 批号 ${lot.batchNo} ${explainAvailability(db, storeId, lotId, asOf, at, qty)}，不能处理 ${describeQty(qty, d)}`,
        );
      }
    }
    lots.push(lot);
  }
  lines.forEach((l, i) => {
    const lot = lots.find((x) => x.lotId === l.lotId)!;
    const d = drugSnapshot(db, lot.drugId);
    db.prepare(
      `INSERT INTO ${table} (${parentColumn}, line_no, drug_id, lot_id, qty, amount, drug_name, spec, batch_no, expiry_date, pack_unit, base_unit, pack_size)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(parentId, i + 1, d.drugId, lot.lotId, l.qty, d.drugName, d.spec, lot.batchNo, lot.expiryDate, d.packUnit, d.baseUnit, d.packSize);
  });
  return lots;
}

export interface StoredLotLine {
  id: number;
  lotId: number;
  qty: number;
  lineNo: number;
  drugName: string;
  batchNo: string;
  packSize: number;
}

export function storedLotLines(
  db: ReadDb,
  table: 'stock_return_lines' | 'writeoff_lines',
  parentColumn: 'return_id' | 'writeoff_id',
  parentId: number,
): StoredLotLine[] {
  return db
    .prepare(
      `SELECT id, lot_id AS lotId, qty, line_no AS lineNo, drug_name AS drugName, batch_no AS batchNo, pack_size AS packSize FROM ${table} WHERE ${parentColumn} = ? ORDER BY line_no`,
    )
    .all(parentId) as StoredLotLine[];
}

export function selectLotLines(db: ReadDb, table: 'stock_return_lines' | 'writeoff_lines', parentColumn: 'return_id' | 'writeoff_id', parentId: number) {
  return db
    .prepare(
      `SELECT id, line_no AS lineNo, drug_id AS drugId, drug_name AS drugName, spec, pack_unit AS packUnit, base_unit AS baseUnit,
              pack_size AS packSize, lot_id AS lotId, batch_no AS batchNo, expiry_date AS expiryDate, qty, amount
         FROM ${table} WHERE ${parentColumn} = ? ORDER BY line_no`,
    )
    .all(parentId);
}
