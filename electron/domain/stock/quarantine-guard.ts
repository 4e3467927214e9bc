/**
 * The two rules that keep quarantine (quarantine.ts) shut: first-expiry-first and usable stock never count a
 * quarantined lot, and the ledger lets stock out of one only by a supplier return or a destruction record.
 * Kept apart from quarantine.ts so the ledger can use them without an import circle.
 */
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import type { Movement } from '../../../shared/stock';

/** SQL condition: the lot aliased `alias` is not in quarantine (for first-expiry-first and usable stock). */
export const notQuarantined = (alias: string) => `NOT EXISTS (SELECT 1 FROM quarantine_lots q WHERE q.lot_id = ${alias})`;

export function isQuarantined(db: ReadDb, lotId: number): boolean {
  return sql(db, 'SELECT 1 FROM quarantine_lots WHERE lot_id = ?').get(lotId) !== undefined;
}

/**
 * Refuses any way out of quarantine but the two GSP allows: a return to the supplier, or a destruction (a
 * write-off that has its destruction record). A count may still correct it, and a reversal undoes a posting.
 */
export function assertQuarantineExit(
  db: ReadDb,
  lotId: number,
  m: { qty: number; movement: Movement; docType: string; docId: number; reversesId?: number },
): void {
  if (m.qty > 0 || m.reversesId !== undefined || !isQuarantined(db, lotId)) return;
  if (m.movement === 'supplier_return' || m.movement === 'count_shortage') return;
  if (m.movement === 'writeoff' && m.docType === 'writeoff' && sql(db, 'SELECT 1 FROM destruction_records WHERE writeoff_id = ?').get(m.docId)) return;
  const lot = sql(db, 'SELECT l.batch_no AS batchNo, d.generic_name AS name FROM lots l JOIN drugs d ON d.id = l.drug_id WHERE l.id = ?').get(lotId) as {
    batchNo: string;
    name: string;
  };
  throw new AppError('BUSINESS_RULE', `${lot.name} 批号 ${lot.batchNo} 在不合格品区（隔离），只能退回配送企业或登记销毁，不能出库、用药或报损`);
}
