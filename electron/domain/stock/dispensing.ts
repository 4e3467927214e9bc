import type { HandlerContext, WriteContext } from '../context';
import { assertClinicAccess, clinicScope } from '../scope';
import { givenFilters, sql, type ReadDb } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { postingContext } from './common';
import { allocateFefo, assertPostable, postMovement, reverseDocument, type Allocation, type PostingContext } from './ledger';
import { assertActiveClinic, clinicStores } from '../master-data/stores';
import { drugSnapshot } from '../master-data/drugs';
import { describeQty } from '../master-data/quantities';
import { assertMoveDate, boxesMovedBy, drugTraceInfo, getBox, moveBox, readLineCodes, recordEvent, type BoxAnomaly, type BoxRow } from './boxes';
import { productMismatch, type ParsedTraceCode } from '../../../shared/traceCodes';
import { openedBoxScan } from './scan-rules';
import type { MethodOutput } from '../../../shared/contract';

function requireClinic(ctx: HandlerContext, requested: number | undefined): number {
  const clinicId = clinicScope(ctx, requested);
  if (clinicId === null) throw new AppError('VALIDATION', '请选择村卫生室', [{ path: 'clinicId', message: '请选择村卫生室' }]);
  return clinicId;
}

/** Records drugs used on a patient: lots first-expiry-first, never more than the clinic holds. */
export function createDispensing(ctx: WriteContext, input: ParsedInput<'dispensing.create'>) {
  const db = ctx.db;
  const clinicId = requireClinic(ctx, input.clinicId);
  if (input.clientToken) {
    // A retried or double-clicked submit returns the entry already made.
    const existing = sql(db, 'SELECT id, clinic_id AS clinicId FROM dispensings WHERE client_token = ?').get(input.clientToken) as
      | { id: number; clinicId: number }
      | undefined;
    if (existing) {
      if (existing.clinicId !== clinicId) throw new AppError('CONFLICT', '提交标识已被使用');
      return getDispensing(db, existing.id);
    }
  }
  assertActiveClinic(db, clinicId);
  const posting = postingContext(ctx, input.businessDate);
  assertPostable(db, posting.businessDate, ctx.today);
  const { storeId } = clinicStores(db, clinicId);

  const dispensingId = postDispensingEntry(posting, storeId, {
    clinicId,
    rxNo: input.rxNo,
    visitNo: input.visitNo,
    note: input.note,
    clientToken: input.clientToken ?? null,
    lines: input.lines.map((l) => ({ drugId: l.drugId, qty: l.qty, traceCodes: l.traceCodes })),
  }).id;
  ctx.audit.target = `dispensing:${dispensingId}`;
  return getDispensing(db, dispensingId);
}

export interface EntryLine {
  drugId: number;
  qty: number;
  /** Boxes scanned for this line (追溯码 as typed by the scanner); each is checked and moved, see boxes.ts. */
  traceCodes?: string[];
  /** Lots to take from first (a box whose code the settlement names); the rest first-expiry-first. */
  prefer?: { lotId: number; qty: number }[];
}

/**
 * Writes one dispensing entry and its ledger rows on the posting's date, inside the caller's transaction:
 * each line takes its preferred lots (as far as they hold stock on that date), then first-expiry-first.
 * Returns the entry and its lines' ids and amounts in the order given.
 */
export function postDispensingEntry(
  posting: PostingContext,
  storeId: number,
  head: { clinicId: number; rxNo: string | null; visitNo: string | null; note: string | null; clientToken: string | null; lines: EntryLine[] },
): { id: number; lines: { id: number; amount: number; lots: Allocation[] }[]; total: number } {
  const db = posting.db;
  // The date's own refusals (future, closed month, back-dating limit) come before any word about stock.
  assertPostable(db, posting.businessDate, posting.today, posting.datedOn);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO dispensings (clinic_id, business_date, rx_no, visit_no, note, status, total_amount, client_token, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, 'posted', 0, ?, ?, ?)`,
  ).run(head.clinicId, posting.businessDate, head.rxNo, head.visitNo, head.note, head.clientToken, posting.userId, posting.now.toISOString());
  const dispensingId = Number(lastInsertRowid);
  let total = 0;
  const seenCodes = new Set<string>();
  const { transitId } = clinicStores(db, head.clinicId);
  const clinicId = head.clinicId;
  const onceAtOpen = openedBoxScan(db) === 'once_at_open';
  const lines = head.lines.map((line, i) => {
    const d = drugSnapshot(db, line.drugId);
    const where = `第 ${i + 1} 行 ${d.drugName}`;
    const scans = classifyScans(db, readLineCodes(line.traceCodes ?? [], where, seenCodes), { drugId: line.drugId, where, storeId, transitId });
    const { lastInsertRowid: lineId } = sql(
      db,
      `INSERT INTO dispensing_lines (dispensing_id, line_no, drug_id, qty, amount, drug_name, spec, pack_unit, base_unit, pack_size)
       VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
    ).run(dispensingId, i + 1, d.drugId, line.qty, d.drugName, d.spec, d.packUnit, d.baseUnit, d.packSize);
    const ref = { storeId, movement: 'dispense' as const, docType: 'dispensing' as const, docId: dispensingId, docLineId: Number(lineId) };
    let amount = 0;
    let left = line.qty;
    const taken: Allocation[] = [];
    // A scanned box of this clinic is used from its own batch first (the one in the patient's hand), the rest FEFO.
    const takes: { box: BoxRow; qty: number; ledgerId: number | null }[] = [];
    // 开盒扫码一次: a line with no box scanned is used from the boxes this clinic already opened, oldest first.
    const fromOpened = scans.own.length === 0 && scans.notices.length === 0 && onceAtOpen ? openedBoxes(db, storeId, line.drugId, posting.businessDate) : [];
    for (const box of [...scans.own, ...fromOpened]) {
      const named = !fromOpened.includes(box);
      if (named) assertMoveDate(box, posting.businessDate);
      const take = Math.min(left, d.packSize - box.usedQty);
      if (!named && take <= 0) break;
      if (take <= 0) throw new AppError('VALIDATION', `${where}：扫了 ${scans.own.length} 盒，本行用药 ${describeQty(line.qty, d)} 用不了这么多盒`);
      left -= take;
      const held = sql(db, 'SELECT qty FROM stock_balances WHERE store_id = ? AND lot_id = ?').get(storeId, box.lotId) as { qty: number } | undefined;
      if (held && held.qty >= take) {
        const row = postMovement(posting, { ...ref, lotId: box.lotId, qty: -take });
        amount -= row.amount;
        takes.push({ box, qty: take, ledgerId: row.id });
        taken.push({ lotId: box.lotId, qty: take, ...lotFacts(db, box.lotId) });
      } else {
        // A box first seen here (无码库存) whose batch the clinic's book does not hold: its units come FEFO.
        takes.push({ box, qty: take, ledgerId: null });
      }
    }
    let rest = line.qty - takes.filter((t) => t.ledgerId !== null).reduce((n, t) => n + t.qty, 0);
    let firstRow: number | null = takes.find((t) => t.ledgerId !== null)?.ledgerId ?? null;
    // Then the lots a settlement line names (its boxes' codes), then first-expiry-first.
    for (const p of line.prefer ?? []) {
      const take = Math.min(rest, p.qty);
      if (take <= 0) continue;
      const row = postMovement(posting, { ...ref, lotId: p.lotId, qty: -take });
      firstRow ??= row.id;
      amount -= row.amount;
      taken.push({ lotId: p.lotId, qty: take, ...lotFacts(db, p.lotId) });
      rest -= take;
    }
    if (rest > 0) {
      for (const lot of allocateFefo(db, storeId, line.drugId, rest, posting.businessDate)) {
        const row = postMovement(posting, { ...ref, lotId: lot.lotId, qty: -lot.qty });
        firstRow ??= row.id;
        amount -= row.amount;
        taken.push(lot);
      }
    }
    for (const t of takes) {
      const used = t.box.usedQty + t.qty;
      const done = used >= d.packSize;
      moveBox(
        posting,
        t.box,
        { state: done ? 'dispensed' : 'opened', storeId: done ? null : storeId, usedQty: used },
        { event: 'dispense', qty: t.qty, clinicId, docType: 'dispensing', docId: dispensingId, docLineId: Number(lineId), ledgerId: t.ledgerId ?? firstRow },
      );
    }
    for (const n of scans.notices) {
      recordEvent(posting, {
        code: n.code,
        event: 'dispense',
        drugId: line.drugId,
        lotId: n.box?.lotId ?? null,
        clinicId,
        fromStoreId: n.box?.storeId ?? null,
        docType: 'dispensing',
        docId: dispensingId,
        docLineId: Number(lineId),
        ledgerId: firstRow,
        anomaly: n.anomaly,
        note: n.message,
      });
    }
    sql(db, 'UPDATE dispensing_lines SET amount = ? WHERE id = ?').run(amount, lineId);
    total += amount;
    return { id: Number(lineId), amount, lots: taken };
  });
  sql(db, 'UPDATE dispensings SET total_amount = ? WHERE id = ?').run(total, dispensingId);
  return { id: dispensingId, lines, total };
}

interface ScanNotice {
  code: string;
  anomaly: BoxAnomaly;
  message: string;
  box: BoxRow | undefined;
}

/**
 * Sorts the codes scanned on a dispensing line: boxes this clinic holds (used), boxes still in transit to it
 * (refused: sign first), and the rest — evidence, recorded without stopping the patient's treatment.
 */
function classifyScans(
  db: ReadDb,
  codes: (ParsedTraceCode & { code: string })[],
  o: { drugId: number; where: string; storeId: number; transitId: number },
): { own: BoxRow[]; notices: ScanNotice[] } {
  const drug = drugTraceInfo(db, o.drugId);
  const own: BoxRow[] = [];
  const notices: ScanNotice[] = [];
  for (const parsed of codes) {
    const box = getBox(db, parsed.code);
    const mismatch =
      productMismatch(parsed, drug) ??
      (box && box.drugId !== o.drugId ? `追溯码 ${parsed.code} 是 ${drugTraceInfo(db, box.drugId).drugName} 的码，登记的却是 ${drug.drugName}` : null);
    if (mismatch) notices.push({ code: parsed.code, anomaly: 'mismatch', message: mismatch, box });
    else if (!box)
      notices.push({ code: parsed.code, anomaly: 'unknown', message: `追溯码 ${parsed.code} 卫生院从未入库：不是统一购进的药品（体外采购）`, box });
    else if (box.storeId === null) {
      const sold = sql(
        db,
        `SELECT e.business_date AS date, c.name AS clinic FROM box_events e LEFT JOIN clinics c ON c.id = e.clinic_id
          WHERE e.code = ? AND e.anomaly IS NULL AND e.event IN ('dispense', 'writeoff', 'return', 'transit_lost') ORDER BY e.id DESC LIMIT 1`,
      ).get(parsed.code) as { date: string; clinic: string | null } | undefined;
      const when = sold ? `${sold.date}${sold.clinic ? ` 在 ${sold.clinic}` : ''}` : box.lastDate;
      const gone = box.state === 'dispensed' ? '售出' : box.state === 'written_off' ? '报损' : '退货';
      notices.push({
        code: parsed.code,
        anomaly: 'duplicate_sale',
        message: `追溯码 ${parsed.code} 这盒药已于 ${when}${gone}，又被扫码销售（重复追溯码）`,
        box,
      });
    } else if (box.storeId === o.transitId) {
      throw new AppError('BUSINESS_RULE', `${o.where}：追溯码 ${parsed.code} 这盒药还在配送途中，请先签收配送单再登记用药`);
    } else if (box.storeId === o.storeId || box.state === 'untracked') own.push(box);
    else {
      const at = (sql(db, 'SELECT name FROM stores WHERE id = ?').get(box.storeId) as { name: string }).name;
      // A box that left this clinic (returned to the hub) and is sold here again is a second sale, not a stray.
      const left = sql(
        db,
        `SELECT business_date AS date FROM box_events WHERE code = ? AND from_store_id = ? AND anomaly IS NULL ORDER BY id DESC LIMIT 1`,
      ).get(parsed.code, o.storeId) as { date: string } | undefined;
      if (left) {
        notices.push({
          code: parsed.code,
          anomaly: 'duplicate_sale',
          message: `追溯码 ${parsed.code} 这盒药已于 ${left.date} 从本室退回（账上在 ${at}），又被扫码销售（重复追溯码）`,
          box,
        });
        continue;
      }
      notices.push({
        code: parsed.code,
        anomaly: 'stray',
        message: `追溯码 ${parsed.code} 这盒药从未配送到本室（账上在 ${at}），却在本室扫码销售（串货）`,
        box,
      });
    }
  }
  return { own, notices };
}

/** The clinic's opened boxes of a drug, the first opened first, that were in place on the business date. */
function openedBoxes(db: ReadDb, storeId: number, drugId: number, businessDate: string): BoxRow[] {
  return sql(
    db,
    `SELECT t.code, t.kind, t.drug_id AS drugId, t.lot_id AS lotId, t.receipt_line_id AS receiptLineId, t.state, t.store_id AS storeId,
            t.used_qty AS usedQty, t.last_date AS lastDate
       FROM trace_codes t
      WHERE t.store_id = ? AND t.drug_id = ? AND t.state = 'opened' AND t.last_date <= ?
      ORDER BY (SELECT min(e.id) FROM box_events e WHERE e.code = t.code AND e.event = 'dispense' AND e.anomaly IS NULL)`,
  ).all(storeId, drugId, businessDate) as BoxRow[];
}

function lotFacts(db: ReadDb, lotId: number): { batchNo: string; expiryDate: string } {
  return sql(db, 'SELECT batch_no AS batchNo, expiry_date AS expiryDate FROM lots WHERE id = ?').get(lotId) as { batchNo: string; expiryDate: string };
}

/** Undoes an entry with reversing ledger rows; the drugs go back to the lots they came from. */
export function reverseDispensing(ctx: WriteContext, input: ParsedInput<'dispensing.reverse'>) {
  const db = ctx.db;
  const entry = sql(db, 'SELECT id, clinic_id AS clinicId, status, business_date AS businessDate FROM dispensings WHERE id = ?').get(input.id) as
    | { id: number; clinicId: number; status: string; businessDate: string }
    | undefined;
  if (!entry) throw notFound('用药登记');
  assertClinicAccess(ctx, entry.clinicId);
  if (entry.status !== 'posted') throw new AppError('INVALID_STATE', '该用药登记已冲销');
  // The reversal is booked on the entry's own date, in its month, which must still be open; the date was
  // given when the entry was made, so the back-dating limit counts from there.
  const posting = postingContext(ctx, entry.businessDate, entry.businessDate);
  reverseDocument(posting, 'dispensing', entry.id, { docType: 'dispensing', docId: entry.id });
  // The boxes it used go back on the clinic's shelf (an opened box keeps what later entries took from it).
  const { storeId } = clinicStores(db, entry.clinicId);
  for (const box of boxesMovedBy(db, 'dispense', 'dispensing', entry.id)) {
    if (box.storeId !== null && box.storeId !== storeId) continue;
    const used = Math.max(0, box.usedQty - box.eventQty);
    moveBox(
      posting,
      box,
      { state: used === 0 ? 'in_stock' : 'opened', storeId, usedQty: used },
      { event: 'dispense_reversed', qty: box.eventQty, clinicId: entry.clinicId, docType: 'dispensing', docId: entry.id, docLineId: box.docLineId },
      { checkDate: false },
    );
  }
  sql(db, "UPDATE dispensings SET status = 'reversed', reversed_by = ?, reversed_at = ?, reverse_reason = ? WHERE id = ?").run(
    ctx.user.id,
    ctx.now.toISOString(),
    input.reason,
    entry.id,
  );
  ctx.audit.target = `dispensing:${entry.id}`;
  return getDispensing(db, entry.id);
}

const ENTRY_SELECT = `SELECT d.id, d.clinic_id AS clinicId, d.business_date AS businessDate, d.rx_no AS rxNo, d.visit_no AS visitNo, d.note, d.status,
    d.total_amount AS totalAmount, u.display_name AS createdByName, d.created_at AS createdAt, d.reverse_reason AS reverseReason
  FROM dispensings d JOIN users u ON u.id = d.created_by`;

type EntryHead = { id: number } & Record<string, unknown>;

function withLines(db: ReadDb, heads: EntryHead[]) {
  if (heads.length === 0) return [];
  const ids = heads.map((h) => h.id);
  const placeholders = ids.map(() => '?').join(',');
  const lines = db
    .prepare(
      `SELECT id, dispensing_id AS dispensingId, line_no AS lineNo, drug_id AS drugId, drug_name AS drugName, spec, pack_unit AS packUnit,
              base_unit AS baseUnit, pack_size AS packSize, qty, amount
         FROM dispensing_lines WHERE dispensing_id IN (${placeholders}) ORDER BY dispensing_id, line_no`,
    )
    .all(...ids) as ({ id: number; dispensingId: number } & Record<string, unknown>)[];
  const lots = db
    .prepare(
      `SELECT g.doc_line_id AS lineId, l.batch_no AS batchNo, l.expiry_date AS expiryDate, -g.qty AS qty
         FROM ledger g JOIN lots l ON l.id = g.lot_id
        WHERE g.doc_type = 'dispensing' AND g.doc_id IN (${placeholders}) AND g.reverses_id IS NULL ORDER BY g.id`,
    )
    .all(...ids) as { lineId: number; batchNo: string; expiryDate: string; qty: number }[];
  const scans = db
    .prepare(
      `SELECT doc_id AS dispensingId, doc_line_id AS lineId, code, anomaly, note AS message FROM box_events
        WHERE doc_type = 'dispensing' AND doc_id IN (${placeholders}) AND event = 'dispense' ORDER BY id`,
    )
    .all(...ids) as { dispensingId: number; lineId: number; code: string; anomaly: string | null; message: string | null }[];
  return heads.map((h) => ({
    ...h,
    lines: lines
      .filter((l) => l.dispensingId === h.id)
      .map(({ dispensingId: _d, ...l }) => ({
        ...l,
        lots: lots.filter((x) => x.lineId === l.id).map(({ lineId: _l, ...x }) => x),
        traceCodes: scans.filter((x) => x.lineId === l.id).map((x) => x.code),
      })),
    traceNotices: scans.filter((x) => x.dispensingId === h.id && x.anomaly).map(({ code, anomaly, message }) => ({ code, anomaly, message })),
  })) as MethodOutput<'dispensing.list'>;
}

export function getDispensing(db: ReadDb, id: number) {
  const head = sql(db, `${ENTRY_SELECT} WHERE d.id = ?`).get(id) as EntryHead | undefined;
  if (!head) throw notFound('用药登记');
  return withLines(db, [head])[0];
}

export function listDispensings(ctx: HandlerContext, input: ParsedInput<'dispensing.list'>) {
  const clinicId = clinicScope(ctx, input.clinicId);
  const from = input.from ?? input.to ?? ctx.today;
  const to = input.to ?? input.from ?? ctx.today;
  // Only the filters given, so each case has its index (dispensings_clinic, or dispensings_date for every clinic).
  const { where, params } = givenFilters([
    ['d.clinic_id = ?', clinicId],
    ['d.business_date >= ?', from],
    ['d.business_date <= ?', to],
  ]);
  const heads = sql(ctx.db, `${ENTRY_SELECT} ${where} ORDER BY d.business_date DESC, d.id DESC LIMIT ?`).all(...params, input.limit) as EntryHead[];
  return withLines(ctx.db, heads);
}
