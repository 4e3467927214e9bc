/**
 * The box chain (药品追溯码): each box has one place and one state at any instant, and every move is an
 * append-only box_events row in the same transaction as the ledger posting it goes with. A move is never dated
 * before the box's previous move (last_date), so "where was box X on day D" has exactly one answer: the
 * latest event dated on or before D.
 *
 * Scans that cannot move a box (sold twice, at a clinic it never reached, unknown to the hub, another drug's
 * code) are not refused at the counter — the patient still gets the drug — but recorded with an anomaly that
 * the supervision rules read (trace rules in supervision/rules/trace.ts).
 */
import { sql, type ReadDb } from '../../db/database';
import { AppError } from '../../errors';
import { parseBoxCode, productMismatch, type BoxAnomaly, type BoxState, type ParsedTraceCode } from '../../../shared/traceCodes';

export type { BoxAnomaly, BoxState };
import type { PostingContext } from './ledger';
import { packageBoxCodes, packageHead } from './package-tree';
import { PACKAGE_LEVEL_SHORT } from '../../../shared/tracePackages';

export type BoxEvent =
  | 'receipt'
  | 'receipt_reversed'
  | 'issue'
  | 'sign'
  | 'transit_back'
  | 'transit_lost'
  | 'dispense'
  | 'dispense_reversed'
  | 'writeoff'
  | 'return';

export interface BoxRow {
  code: string;
  kind: ParsedTraceCode['kind'];
  drugId: number;
  lotId: number;
  receiptLineId: number;
  state: BoxState;
  storeId: number | null;
  usedQty: number;
  lastDate: string;
}

const BOX_SELECT = `SELECT code, kind, drug_id AS drugId, lot_id AS lotId, receipt_line_id AS receiptLineId, state, store_id AS storeId,
    used_qty AS usedQty, last_date AS lastDate FROM trace_codes`;

export function getBox(db: ReadDb, code: string): BoxRow | undefined {
  return sql(db, `${BOX_SELECT} WHERE code = ?`).get(code) as BoxRow | undefined;
}

/** Reads one scanned code; a code that names no box is the caller's field error with the line's number. */
export function readBoxCode(raw: string, where: string): ParsedTraceCode & { code: string } {
  const r = parseBoxCode(raw);
  if (!r.ok) throw new AppError('VALIDATION', `${where}：${r.message}`);
  return r.value;
}

/** Codes of one line read and checked for repeats within the document. */
export function readLineCodes(raws: readonly string[], where: string, seen: Set<string>): (ParsedTraceCode & { code: string })[] {
  return raws.map((raw) => {
    const parsed = readBoxCode(raw, where);
    if (seen.has(parsed.code)) throw new AppError('VALIDATION', `${where}：追溯码 ${parsed.code} 重复扫码`);
    seen.add(parsed.code);
    return parsed;
  });
}

/** A box scanned by itself (via null) or as one of the boxes of a scanned carton or middle pack. */
export type ScannedBox = ParsedTraceCode & { code: string; via: string | null };

/**
 * Codes of one line with cartons and middle packs expanded into their boxes (小码), here on the server, in the
 * posting's transaction: the association the supplier's file gave decides what a carton holds, not the client.
 * `keep` chooses which of a package's boxes the scan stands for (at picking: those still at the hub); a package
 * none of whose boxes is kept is refused with `noneKept`'s message.
 */
export function readLineCodesExpanding(
  db: ReadDb,
  raws: readonly string[],
  where: string,
  seen: Map<string, string | null>,
  keep: (boxCode: string) => boolean = () => true,
  noneKept: (packageCode: string, label: string, total: number) => string = (c, label) => `${label} ${c} 中没有可用的盒`,
): ScannedBox[] {
  const out: ScannedBox[] = [];
  const add = (parsed: ParsedTraceCode & { code: string }, via: string | null) => {
    if (seen.has(parsed.code)) {
      const earlier = seen.get(parsed.code);
      const inside = via ?? earlier;
      throw new AppError('VALIDATION', `${where}：追溯码 ${parsed.code} 重复扫码${inside ? `（大码/中码 ${inside} 中已含这一盒）` : ''}`);
    }
    seen.set(parsed.code, via);
    out.push({ ...parsed, via });
  };
  for (const raw of raws) {
    const parsed = readBoxCode(raw, where);
    const head = packageHead(db, parsed.code);
    if (!head) {
      add(parsed, null);
      continue;
    }
    const label = PACKAGE_LEVEL_SHORT[head.level];
    const boxes = packageBoxCodes(db, parsed.code);
    const kept = boxes.filter(keep);
    if (kept.length === 0) throw new AppError('BUSINESS_RULE', `${where}：${noneKept(parsed.code, label, boxes.length)}`);
    for (const code of kept) add(readBoxCode(code, `${where}（${label} ${parsed.code}）`), parsed.code);
  }
  return out;
}

export interface EventInput {
  code: string;
  event: BoxEvent;
  drugId: number | null;
  lotId?: number | null;
  clinicId?: number | null;
  fromStoreId?: number | null;
  toStoreId?: number | null;
  qty?: number;
  docType: string;
  docId: number;
  docLineId?: number | null;
  ledgerId?: number | null;
  anomaly?: BoxAnomaly | null;
  note?: string | null;
}

export function recordEvent(p: PostingContext, e: EventInput): void {
  sql(
    p.db,
    `INSERT INTO box_events (code, event, drug_id, lot_id, clinic_id, from_store_id, to_store_id, qty, doc_type, doc_id, doc_line_id, ledger_id,
                             anomaly, note, business_date, user_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    e.code,
    e.event,
    e.drugId,
    e.lotId ?? null,
    e.clinicId ?? null,
    e.fromStoreId ?? null,
    e.toStoreId ?? null,
    e.qty ?? 0,
    e.docType,
    e.docId,
    e.docLineId ?? null,
    e.ledgerId ?? null,
    e.anomaly ?? null,
    e.note ?? null,
    p.businessDate,
    p.userId,
    p.now.toISOString(),
  );
}

const STATE_WORDS: Record<BoxState, string> = {
  untracked: '入库登记',
  in_stock: '到达',
  in_transit: '出库配送',
  opened: '拆零使用',
  dispensed: '用完',
  written_off: '报损',
  returned: '退货',
};

/** A box may not move on a day before its last move: it would be in two places on the days between. */
export function assertMoveDate(box: BoxRow, businessDate: string): void {
  if (businessDate < box.lastDate) {
    throw new AppError(
      'BUSINESS_RULE',
      `追溯码 ${box.code} 这盒药 ${box.lastDate} 才${STATE_WORDS[box.state]}（在当前位置），不能登记在更早的 ${businessDate}`,
    );
  }
}

/** Moves a box and records the move: the one way a box changes place. */
export function moveBox(
  p: PostingContext,
  box: BoxRow,
  to: { state: BoxState; storeId: number | null; usedQty?: number },
  e: Omit<EventInput, 'code' | 'drugId' | 'fromStoreId' | 'toStoreId'>,
  options: { checkDate?: boolean } = {},
): void {
  if (options.checkDate !== false) assertMoveDate(box, p.businessDate);
  const lastDate = [p.businessDate, box.lastDate].sort()[1]; // ISO dates: the later one
  sql(p.db, 'UPDATE trace_codes SET state = ?, store_id = ?, used_qty = ?, last_date = ? WHERE code = ?').run(
    to.state,
    to.storeId,
    to.usedQty ?? box.usedQty,
    lastDate,
    box.code,
  );
  recordEvent(p, { ...e, code: box.code, drugId: box.drugId, lotId: e.lotId ?? box.lotId, fromStoreId: box.storeId, toStoreId: to.storeId });
}

/** A box received into the hub: a new code, of this drug, agreeing with the line's batch and dates when it says them. */
export function registerBox(
  p: PostingContext,
  parsed: ParsedTraceCode & { code: string },
  where: string,
  line: {
    drug: { drugId: number; drugName: string; tracePrefix: string | null; gtin: string | null };
    lotId: number;
    batchNo: string;
    expiryDate: string;
    mfgDate: string | null;
    receiptId: number;
    receiptLineId: number;
    storeId: number;
    ledgerId: number;
  },
): void {
  const mismatch = productMismatch(parsed, line.drug);
  if (mismatch) throw new AppError('VALIDATION', `${where}：${mismatch}`);
  if (parsed.batchNo && parsed.batchNo !== line.batchNo) {
    throw new AppError('VALIDATION', `${where}：追溯码 ${parsed.code} 的批号 ${parsed.batchNo} 与本行批号 ${line.batchNo} 不符`);
  }
  if (parsed.expiryDate && parsed.expiryDate !== line.expiryDate) {
    throw new AppError('VALIDATION', `${where}：追溯码 ${parsed.code} 的有效期 ${parsed.expiryDate} 与本行有效期 ${line.expiryDate} 不符`);
  }
  if (getBox(p.db, parsed.code)) throw new AppError('DUPLICATE', `${where}：追溯码 ${parsed.code} 已经入过库`);
  sql(
    p.db,
    `INSERT INTO trace_codes (code, kind, drug_id, lot_id, receipt_line_id, state, store_id, used_qty, last_date)
     VALUES (?, ?, ?, ?, ?, 'in_stock', ?, 0, ?)`,
  ).run(parsed.code, parsed.kind, line.drug.drugId, line.lotId, line.receiptLineId, line.storeId, p.businessDate);
  recordEvent(p, {
    code: parsed.code,
    event: 'receipt',
    drugId: line.drug.drugId,
    lotId: line.lotId,
    toStoreId: line.storeId,
    docType: 'receipt',
    docId: line.receiptId,
    docLineId: line.receiptLineId,
    ledgerId: line.ledgerId,
  });
}

/** Boxes whose latest move was made by a document line (e.g. the boxes issued on a delivery line). */
export function boxesMovedBy(db: ReadDb, event: BoxEvent, docType: string, docId: number): (BoxRow & { docLineId: number | null; eventQty: number })[] {
  return sql(
    db,
    `SELECT t.code, t.kind, t.drug_id AS drugId, t.lot_id AS lotId, t.receipt_line_id AS receiptLineId, t.state, t.store_id AS storeId,
            t.used_qty AS usedQty, t.last_date AS lastDate, e.doc_line_id AS docLineId, e.qty AS eventQty
       FROM box_events e JOIN trace_codes t ON t.code = e.code
      WHERE e.doc_type = ? AND e.doc_id = ? AND e.event = ? AND e.anomaly IS NULL ORDER BY e.id`,
  ).all(docType, docId, event) as (BoxRow & { docLineId: number | null; eventQty: number })[];
}

/** The drug's trace fields, for matching a scanned code against it. */
export function drugTraceInfo(db: ReadDb, drugId: number): { drugId: number; drugName: string; tracePrefix: string | null; gtin: string | null } {
  return sql(db, 'SELECT id AS drugId, generic_name AS drugName, trace_prefix AS tracePrefix, gtin FROM drugs WHERE id = ?').get(drugId) as {
    drugId: number;
    drugName: string;
    tracePrefix: string | null;
    gtin: string | null;
  };
}
