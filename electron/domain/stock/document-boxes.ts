/**
 * Boxes scanned on return and write-off lines. Both documents wait for the hub before the ledger moves, so the
 * boxes are checked and named (document_boxes) when the document is made and moved when it posts, in the
 * posting's transaction. A box must be in the document's source store, of the line's batch, and not already
 * named by another waiting document; at posting it must still be there (it may have been dispensed meanwhile).
 */
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import { getBox, moveBox, readLineCodes, type BoxEvent, type BoxRow, type BoxState } from './boxes';
import type { PostingContext } from './ledger';
import { storedLotLines, type StoredLotLine } from './lot-lines';

export type BoxDocType = 'return' | 'writeoff';

export interface ScannedLotLine extends StoredLotLine {
  traceCodes: readonly string[];
}

const DOC_WORDS: Record<BoxDocType, string> = { return: '退货单', writeoff: '报损单' };

function storeName(db: ReadDb, storeId: number | null): string {
  if (storeId === null) return '已不在库（已用完、报损或退给配送企业）';
  return `在 ${(sql(db, 'SELECT name FROM stores WHERE id = ?').get(storeId) as { name: string }).name}`;
}

/** Refuses a box that is not on the store's shelf in the line's batch (the line's words name the row). */
function assertBoxOnLine(db: ReadDb, box: BoxRow | undefined, code: string, where: string, line: ScannedLotLine, storeId: number): BoxRow {
  if (!box) throw new AppError('BUSINESS_RULE', `${where}：追溯码 ${code} 卫生院从未入库，不能退货或报损`);
  if (box.storeId !== storeId) throw new AppError('BUSINESS_RULE', `${where}：追溯码 ${code} 这盒药不在本库房（账上${storeName(db, box.storeId)}）`);
  if (box.lotId !== line.lotId) {
    const batch = sql(db, 'SELECT batch_no AS batchNo FROM lots WHERE id = ?').get(box.lotId) as { batchNo: string };
    throw new AppError('BUSINESS_RULE', `${where}：追溯码 ${code} 这盒药是批号 ${batch.batchNo} 的，不是本行的批号 ${line.batchNo}`);
  }
  return box;
}

/** Checks each line's scanned boxes against the source store and names them on the document. */
export function nameLineBoxes(db: WriteDb, docType: BoxDocType, docId: number, storeId: number, lines: readonly ScannedLotLine[]): void {
  const seen = new Set<string>();
  for (const line of lines) {
    const where = `第 ${line.lineNo} 行 ${line.drugName}`;
    const codes = readLineCodes(line.traceCodes, where, seen);
    const boxesAllowed = Math.ceil(line.qty / line.packSize);
    if (codes.length > boxesAllowed) throw new AppError('VALIDATION', `${where}：扫了 ${codes.length} 盒，本行数量最多是 ${boxesAllowed} 盒`);
    for (const { code } of codes) {
      assertBoxOnLine(db, getBox(db, code), code, where, line, storeId);
      const waiting = sql(
        db,
        `SELECT b.doc_type AS docType, coalesce(r.doc_no, w.doc_no) AS docNo FROM document_boxes b
           LEFT JOIN stock_returns r ON b.doc_type = 'return' AND r.id = b.doc_id AND r.status = 'submitted'
           LEFT JOIN writeoffs w ON b.doc_type = 'writeoff' AND w.id = b.doc_id AND w.status = 'pending'
          WHERE b.code = ? AND coalesce(r.id, w.id) IS NOT NULL`,
      ).get(code) as { docType: BoxDocType; docNo: string } | undefined;
      if (waiting) throw new AppError('CONFLICT', `${where}：追溯码 ${code} 已在${DOC_WORDS[waiting.docType]} ${waiting.docNo} 上等待处理`);
      sql(db, 'INSERT INTO document_boxes (doc_type, doc_id, doc_line_id, code) VALUES (?, ?, ?, ?)').run(docType, docId, line.id, code);
    }
  }
}

/** The codes named on a document's lines, by line id, in scan order. */
export function lineBoxCodes(db: ReadDb, docType: BoxDocType, docId: number): Map<number, string[]> {
  const rows = sql(db, 'SELECT doc_line_id AS lineId, code FROM document_boxes WHERE doc_type = ? AND doc_id = ? ORDER BY rowid').all(docType, docId);
  const byLine = new Map<number, string[]>();
  for (const r of rows as { lineId: number; code: string }[]) byLine.set(r.lineId, [...(byLine.get(r.lineId) ?? []), r.code]);
  return byLine;
}

/** A document's stored lines with the boxes named on each. */
export function scannedLotLines(db: ReadDb, docType: BoxDocType, docId: number): ScannedLotLine[] {
  const codes = lineBoxCodes(db, docType, docId);
  const lines =
    docType === 'return' ? storedLotLines(db, 'stock_return_lines', 'return_id', docId) : storedLotLines(db, 'writeoff_lines', 'writeoff_id', docId);
  return lines.map((l) => ({ ...l, traceCodes: codes.get(l.id) ?? [] }));
}

/**
 * Moves the boxes named on one posted line, beside its ledger row. `lotId` re-files a box under the lot it
 * now belongs to (a clinic's damaged return goes into a quarantine lot of its own).
 */
export function moveLineBoxes(
  p: PostingContext,
  o: {
    docType: BoxDocType;
    docId: number;
    line: ScannedLotLine;
    fromStoreId: number;
    to: { state: BoxState; storeId: number | null; lotId?: number };
    event: BoxEvent;
    ledgerId: number;
    clinicId: number | null;
  },
): void {
  const where = `第 ${o.line.lineNo} 行 ${o.line.drugName}`;
  for (const code of o.line.traceCodes) {
    const box = assertBoxOnLine(p.db, getBox(p.db, code), code, where, o.line, o.fromStoreId);
    moveBox(
      p,
      box,
      { state: o.to.state, storeId: o.to.storeId },
      {
        event: o.event,
        qty: o.line.packSize - box.usedQty,
        clinicId: o.clinicId,
        docType: o.docType,
        docId: o.docId,
        docLineId: o.line.id,
        ledgerId: o.ledgerId,
        lotId: o.to.lotId,
      },
    );
    if (o.to.lotId !== undefined) sql(p.db, 'UPDATE trace_codes SET lot_id = ? WHERE code = ?').run(o.to.lotId, code);
  }
}
