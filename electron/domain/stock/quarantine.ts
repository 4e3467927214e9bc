/**
 * Quarantine (不合格品区 / 待处理区): goods refused at acceptance, or returned damaged by a clinic, wait in the hub
 * store as lots of their own (same drug, batch, expiry, cost and supplier as the lot they came from), listed in
 * quarantine_lots. First-expiry-first never sees such a lot (ledger.ts, deliveries.ts), and the ledger lets
 * stock leave it only by a return to the supplier or a destruction record (销毁, a write-off with a witness):
 * both are ordinary ledger postings, so statements and the 医保 export carry them like any other.
 */
import type { WriteContext } from '../context';
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { RETURN_REASON_LABELS } from '../../../shared/stock';
import { REJECT_REASON_LABELS } from '../../../shared/gsp';
import { periodOf } from '../../../shared/dates';
import { nextDocNo } from '../docno';
import { postingContext } from './common';
import { assertPostable, postMovement } from './ledger';
import { insertLotLines, storedLotLines } from './lot-lines';
import { isQuarantined } from './quarantine-guard';
import { hubStoreId } from '../master-data/stores';
import type { MethodOutput } from '../../../shared/contract';

/** A new quarantine lot split from `originLotId`: same batch, expiry, cost and supplier. */
export function createQuarantineLot(
  db: WriteDb,
  q: {
    originLotId: number;
    status: 'fail' | 'pending';
    reasonCode: string;
    reason: string | null;
    sourceType: 'receipt' | 'return';
    sourceId: number;
    userId: number;
    now: Date;
  },
): number {
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO lots (drug_id, batch_no, mfg_date, expiry_date, unit_cost, supplier_id, created_at)
     SELECT drug_id, batch_no, mfg_date, expiry_date, unit_cost, supplier_id, ? FROM lots WHERE id = ?`,
  ).run(q.now.toISOString(), q.originLotId);
  const lotId = Number(lastInsertRowid);
  sql(
    db,
    `INSERT INTO quarantine_lots (lot_id, origin_lot_id, status, reason_code, reason, source_type, source_id, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(lotId, q.originLotId, q.status, q.reasonCode, q.reason, q.sourceType, q.sourceId, q.userId, q.now.toISOString());
  return lotId;
}

/** Clinic returns for these reasons go to quarantine, not back on the hub's shelf. */
export const QUARANTINED_RETURN_REASONS: readonly string[] = ['damaged', 'quality', 'recall'];

/** 销毁: write-off of quarantined lots, approved at once, with its destruction record. */
export function destroyQuarantined(ctx: WriteContext, input: ParsedInput<'quarantine.destroy'>) {
  const db = ctx.db;
  if (input.witness.replace(/\s/g, '') === ctx.user.displayName.replace(/\s/g, '')) {
    throw new AppError('VALIDATION', '监督人不能是经办人本人', [{ path: 'witness', message: '请填写另一位在场监督的人' }]);
  }
  const hub = hubStoreId(db);
  input.lines.forEach((l, i) => {
    if (!isQuarantined(db, l.lotId)) throw new AppError('BUSINESS_RULE', `第 ${i + 1} 行不是隔离区的批次，不能在这里销毁（合格药品请用报损单）`);
  });
  const posting = postingContext(ctx, input.businessDate);
  assertPostable(db, posting.businessDate, ctx.today);
  const docNo = nextDocNo(db, 'BS', posting.businessDate);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO writeoffs (doc_no, store_id, reason_code, reason, status, created_by, created_at) VALUES (?, ?, 'quality', ?, 'pending', ?, ?)`,
  ).run(docNo, hub, `销毁：${input.method}${input.note ? `；${input.note}` : ''}`, ctx.user.id, ctx.now.toISOString());
  const writeoffId = Number(lastInsertRowid);
  insertLotLines(db, 'writeoff_lines', 'writeoff_id', writeoffId, hub, input.lines, posting.businessDate);
  sql(db, 'INSERT INTO destruction_records (writeoff_id, method, place, witness, executor_id) VALUES (?, ?, ?, ?, ?)').run(
    writeoffId,
    input.method,
    input.place,
    input.witness,
    ctx.user.id,
  );
  let total = 0;
  for (const line of storedLotLines(db, 'writeoff_lines', 'writeoff_id', writeoffId)) {
    const row = postMovement(posting, {
      storeId: hub,
      lotId: line.lotId,
      qty: -line.qty,
      movement: 'writeoff',
      docType: 'writeoff',
      docId: writeoffId,
      docLineId: line.id,
    });
    sql(db, 'UPDATE writeoff_lines SET amount = ? WHERE id = ?').run(-row.amount, line.id);
    total -= row.amount;
  }
  sql(db, "UPDATE writeoffs SET status = 'approved', business_date = ?, total_amount = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?").run(
    posting.businessDate,
    total,
    ctx.user.id,
    ctx.now.toISOString(),
    `监督人：${input.witness}`,
    writeoffId,
  );
  ctx.audit.target = `writeoff:${writeoffId}`;
  ctx.audit.details = { docNo, destruction: true };
  return { writeoffId, docNo, totalAmount: total };
}

type QuarantineRow = MethodOutput<'quarantine.list'>[number];
/** A row as the statement reads it: what the page shows, less what is looked up per lot after. */
type QuarantineHead = Omit<QuarantineRow, 'enteredOn' | 'sourceDocNo' | 'reasonLabel' | 'disposals'> & { enteredOn: string | null; sourceId: number };

/** The quarantine lots held now (no period), or those that entered or left quarantine in a month. */
export function listQuarantine(db: ReadDb, input: ParsedInput<'quarantine.list'>) {
  const hub = hubStoreId(db);
  const from = input.period ? `${input.period}-01` : null;
  const to = input.period ? `${input.period}-31` : null;
  const heads = sql(
    db,
    `SELECT q.lot_id AS lotId, ? AS storeId, l.drug_id AS drugId, d.generic_name AS drugName, d.spec, d.manufacturer, d.pack_unit AS packUnit,
            d.base_unit AS baseUnit, d.pack_size AS packSize, l.batch_no AS batchNo, l.expiry_date AS expiryDate, l.supplier_id AS supplierId,
            s.name AS supplierName, q.status, q.reason_code AS reasonCode, q.reason, q.source_type AS source, q.source_id AS sourceId,
            l.unit_cost AS unitCost, u.display_name AS createdByName,
            coalesce((SELECT b.qty FROM stock_balances b WHERE b.lot_id = q.lot_id AND b.store_id = ?), 0) AS heldQty,
            (SELECT min(business_date) FROM ledger g WHERE g.lot_id = q.lot_id AND g.qty > 0 AND g.reverses_id IS NULL) AS enteredOn,
            coalesce((SELECT sum(g.qty) FROM ledger g WHERE g.lot_id = q.lot_id AND g.store_id = ? AND g.movement IN ('receipt', 'clinic_return_in')), 0) AS enteredQty
       FROM quarantine_lots q JOIN lots l ON l.id = q.lot_id JOIN drugs d ON d.id = l.drug_id
       LEFT JOIN suppliers s ON s.id = l.supplier_id JOIN users u ON u.id = q.created_by
      ORDER BY enteredOn, q.lot_id`,
  ).all(hub, hub, hub) as QuarantineHead[];
  const rows = heads.map((h): QuarantineRow => {
    const disposals = disposalsOf(db, h.lotId);
    const sourceDocNo =
      h.source === 'receipt'
        ? (sql(db, 'SELECT doc_no AS n FROM receipts WHERE id = ?').get(h.sourceId) as { n: string }).n
        : (sql(db, 'SELECT doc_no AS n FROM stock_returns WHERE id = ?').get(h.sourceId) as { n: string }).n;
    const reasonLabel =
      (REJECT_REASON_LABELS as Record<string, string>)[h.reasonCode] ?? (RETURN_REASON_LABELS as Record<string, string>)[h.reasonCode] ?? h.reasonCode;
    return { ...h, enteredOn: h.enteredOn ?? '', sourceDocNo, reasonLabel, disposals };
  });
  if (!input.period) return rows.filter((r) => r.heldQty > 0);
  return rows.filter((r) => (r.enteredOn >= from! && r.enteredOn <= to!) || r.disposals.some((d) => periodOf(d.businessDate) === input.period));
}

/** The postings that took a quarantine lot out: returns to the supplier and destructions (not reversed). */
function disposalsOf(db: ReadDb, lotId: number) {
  return sql(
    db,
    `SELECT CASE g.doc_type WHEN 'return' THEN 'return' ELSE 'destruction' END AS kind, g.doc_id AS docId,
            coalesce(r.doc_no, w.doc_no) AS docNo, g.business_date AS businessDate, -g.qty AS qty, -g.amount AS amount,
            s.name AS supplierName, dr.method, dr.place, dr.witness, u.display_name AS executorName
       FROM ledger g
       LEFT JOIN stock_returns r ON g.doc_type = 'return' AND r.id = g.doc_id
       LEFT JOIN suppliers s ON s.id = r.supplier_id
       LEFT JOIN writeoffs w ON g.doc_type = 'writeoff' AND w.id = g.doc_id
       LEFT JOIN destruction_records dr ON dr.writeoff_id = w.id
       JOIN users u ON u.id = g.user_id
      WHERE g.lot_id = ? AND g.movement IN ('supplier_return', 'writeoff') AND g.reverses_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = g.id)
      ORDER BY g.business_date, g.id`,
  ).all(lotId) as QuarantineRow['disposals'];
}
