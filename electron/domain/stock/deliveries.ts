import type { HandlerContext, WriteContext } from '../context';
import { assertClinicAccess, clinicScope } from '../scope';
import { givenFilters, sql, type ReadDb, type WriteDb } from '../../db/database';
import { row as selectRow, rows as selectRows, sql as query } from '../../db/sql';
import { AppError, notFound } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { lineAmount } from '../../../shared/money';
import { nextDocNo } from '../docno';
import { postingContext } from './common';
import { allocateFefo, assertPostable, postMovement, transfer, type Allocation, type PostingContext } from './ledger';
import { boxesMovedBy, drugTraceInfo, getBox, moveBox, readLineCodesExpanding, type ScannedBox } from './boxes';
import { assertScansMatchReceived, boxesInTransit, readSignScans, signBoxes } from './sign-boxes';
import { BOX_STATE_LABELS, productMismatch } from '../../../shared/traceCodes';
import { notQuarantined } from './quarantine-guard';
import { bookSight } from '../stocktake/blind';
import { assertActiveClinic, clinicStores, hubStoreId } from '../master-data/stores';
import { describeQty } from '../master-data/quantities';
import { drugSnapshot, type DrugSnapshot } from '../master-data/drugs';
import { nearExpiryLimit } from '../master-data/expiry';
import { storageMismatch } from '../gsp/storage-fit';
import type { MethodOutput } from '../../../shared/contract';

interface OutstandingLine {
  requisitionLineId: number;
  requisitionId: number;
  requisitionDocNo: string;
  clinicId: number;
  clinicName: string;
  drugId: number;
  approvedQty: number;
  issuedQty: number;
}

const OUTSTANDING_SELECT = query`SELECT rl.id AS requisitionLineId, r.id AS requisitionId, r.doc_no AS requisitionDocNo, r.clinic_id AS clinicId,
    c.name AS clinicName, rl.drug_id AS drugId, rl.approved_qty AS approvedQty, rl.issued_qty AS issuedQty
  FROM requisition_lines rl JOIN requisitions r ON r.id = rl.requisition_id JOIN clinics c ON c.id = r.clinic_id
  WHERE rl.decision IN ('approved', 'adjusted') AND rl.approved_qty > rl.issued_qty AND r.status IN ('reviewed', 'submitted')`;

export function hubAvailable(db: ReadDb, drugId: number, asOf: string): number {
  const row = sql(
    db,
    `SELECT coalesce(sum(b.qty), 0) AS qty FROM stock_balances b JOIN lots l ON l.id = b.lot_id
      WHERE b.store_id = ? AND b.drug_id = ? AND l.expiry_date >= ? AND ${notQuarantined('b.lot_id')}`,
  ).get(hubStoreId(db), drugId, asOf) as { qty: number };
  return row.qty;
}

export function pendingIssues(ctx: HandlerContext, input: ParsedInput<'deliveries.pending'>) {
  const byClinic = input.clinicId === undefined ? query`` : query` AND r.clinic_id = ${input.clinicId}`;
  const rows = selectRows<OutstandingLine>(ctx.db, query`${OUTSTANDING_SELECT}${byClinic} ORDER BY c.code, r.id, rl.line_no`);
  const sight = bookSight(ctx);
  const hub = hubStoreId(ctx.db);
  return rows.map((r) => {
    const d = drugSnapshot(ctx.db, r.drugId);
    const hidden = sight.hides(hub, r.drugId);
    return {
      ...r,
      drugName: d.drugName,
      spec: d.spec,
      packUnit: d.packUnit,
      baseUnit: d.baseUnit,
      packSize: d.packSize,
      outstandingQty: r.approvedQty - r.issuedQty,
      bookHidden: hidden,
      hubAvailable: hidden ? null : hubAvailable(ctx.db, r.drugId, ctx.today),
    };
  });
}

function outstandingLine(db: ReadDb, clinicId: number, requisitionLineId: number, qty: number): OutstandingLine {
  const line = selectRow<OutstandingLine>(db, query`${OUTSTANDING_SELECT} AND rl.id = ${requisitionLineId}`);
  if (!line) throw new AppError('BUSINESS_RULE', `请领明细 ${requisitionLineId} 没有待配送的数量（未审核通过或已配送完毕）`);
  if (line.clinicId !== clinicId) throw new AppError('VALIDATION', `请领明细 ${requisitionLineId} 不属于该卫生室`);
  const outstanding = line.approvedQty - line.issuedQty;
  if (qty > outstanding) {
    const d = drugSnapshot(db, line.drugId);
    throw new AppError('BUSINESS_RULE', `${d.drugName} 本次出库 ${describeQty(qty, d)}，超过待配送的 ${describeQty(outstanding, d)}`);
  }
  return line;
}

export function previewDelivery(ctx: HandlerContext, input: ParsedInput<'deliveries.preview'>) {
  const db = ctx.db;
  const hub = hubStoreId(db);
  const nearLimit = nearExpiryLimit(ctx.today);
  const lines = input.lines.map((l) => ({ ...l, line: outstandingLine(db, input.clinicId, l.requisitionLineId, l.qty) }));
  // Lines of the same drug draw on the same lots: allocate each drug's total once, then hand it out in order.
  const queues = new Map<number, Allocation[]>();
  for (const drugId of new Set(lines.map((l) => l.line.drugId))) {
    const total = lines.filter((l) => l.line.drugId === drugId).reduce((n, l) => n + l.qty, 0);
    queues.set(drugId, allocateFefo(db, hub, drugId, total, ctx.today));
  }
  let totalAmount = 0;
  const { storeId } = clinicStores(db, input.clinicId);
  const out = lines.map(({ qty, requisitionLineId, line }) => {
    const d = drugSnapshot(db, line.drugId);
    const lots = takeFrom(queues.get(line.drugId)!, qty);
    for (const lot of lots) totalAmount += lineAmount(lot.qty, lotUnitCost(db, lot.lotId));
    return {
      requisitionLineId,
      drugId: d.drugId,
      drugName: d.drugName,
      spec: d.spec,
      packUnit: d.packUnit,
      baseUnit: d.baseUnit,
      packSize: d.packSize,
      qty,
      lots: lots.map((lot) => ({ lotId: lot.lotId, batchNo: lot.batchNo, expiryDate: lot.expiryDate, qty: lot.qty, nearExpiry: lot.expiryDate < nearLimit })),
      storageMismatch: storageMismatch(db, storeId, line.drugId),
    };
  });
  return { lines: out, totalAmount };
}

function lotUnitCost(db: ReadDb, lotId: number): number {
  return (sql(db, 'SELECT unit_cost AS c FROM lots WHERE id = ?').get(lotId) as { c: number }).c;
}

/** Takes qty from the front of a first-expiry-first queue, consuming it. */
function takeFrom(queue: Allocation[], qty: number): Allocation[] {
  const out: Allocation[] = [];
  let left = qty;
  while (left > 0 && queue.length) {
    const head = queue[0];
    const take = Math.min(left, head.qty);
    out.push({ ...head, qty: take });
    left -= take;
    if (take === head.qty) queue.shift();
    else queue[0] = { ...head, qty: head.qty - take };
  }
  return out;
}

/** Issues approved requisition lines to a clinic: first-expiry-first from the hub into the clinic's transit store. */
export function createDelivery(ctx: WriteContext, input: ParsedInput<'deliveries.create'>) {
  const db = ctx.db;
  assertActiveClinic(db, input.clinicId);
  const posting = postingContext(ctx, input.businessDate);
  assertPostable(db, posting.businessDate, ctx.today);
  const hub = hubStoreId(db);
  const { transitId, storeId } = clinicStores(db, input.clinicId);
  const seen = new Set<number>();
  for (const l of input.lines) {
    if (seen.has(l.requisitionLineId)) throw new AppError('VALIDATION', '同一条请领明细在出库单中出现了两次');
    seen.add(l.requisitionLineId);
  }
  const overrides = storageOverrides(db, input, storeId);

  const docNo = nextDocNo(db, 'CK', posting.businessDate);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO deliveries (doc_no, clinic_id, status, business_date, total_amount, note, created_by, created_at)
     VALUES (?, ?, 'in_transit', ?, 0, ?, ?, ?)`,
  ).run(docNo, input.clinicId, posting.businessDate, input.note, ctx.user.id, ctx.now.toISOString());
  const deliveryId = Number(lastInsertRowid);
  let lineNo = 0;
  let total = 0;
  const touchedRequisitions = new Set<number>();

  const seenCodes = new Map<string, string | null>();
  for (const l of input.lines) {
    const line = outstandingLine(db, input.clinicId, l.requisitionLineId, l.qty);
    const d = drugSnapshot(db, line.drugId);
    const override = overrides.get(l.requisitionLineId) ?? null;
    // A carton scanned while picking puts on the delivery those of its boxes still at the hub: one opened at the
    // hub (some boxes issued before) stands for what is left in it.
    const codes = readLineCodesExpanding(
      db,
      l.traceCodes,
      d.drugName,
      seenCodes,
      (code) => stillAtHub(db, code, hub),
      (code, label, total) => (total === 0 ? `${label} ${code} 中没有登记任何盒` : `${label} ${code} 的 ${total} 盒都已不在中心药库，不能扫它出库`),
    );
    const picked: PickedLot[] = [];
    // Allocated after the previous line posted, so lines of the same drug never share a unit.
    for (const lot of allocateFefo(db, hub, line.drugId, l.qty, posting.businessDate)) {
      lineNo += 1;
      const unitCost = lotUnitCost(db, lot.lotId);
      const { lastInsertRowid: lineId } = sql(
        db,
        `INSERT INTO delivery_lines (delivery_id, line_no, requisition_line_id, drug_id, lot_id, batch_no, expiry_date, qty, unit_cost, amount,
                                     drug_name, spec, manufacturer, pack_unit, base_unit, pack_size, storage_override_reason, storage_override_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        deliveryId,
        lineNo,
        line.requisitionLineId,
        d.drugId,
        lot.lotId,
        lot.batchNo,
        lot.expiryDate,
        lot.qty,
        unitCost,
        d.drugName,
        d.spec,
        d.manufacturer,
        d.packUnit,
        d.baseUnit,
        d.packSize,
        override,
        override === null ? null : ctx.user.id,
      );
      const moved = transfer(posting, {
        fromStoreId: hub,
        toStoreId: transitId,
        lotId: lot.lotId,
        qty: lot.qty,
        outMovement: 'issue_out',
        inMovement: 'transit_in',
        docType: 'delivery',
        docId: deliveryId,
        docLineId: Number(lineId),
      });
      sql(db, 'UPDATE delivery_lines SET amount = ? WHERE id = ?').run(moved.in.amount, lineId);
      total += moved.in.amount;
      picked.push({ lotId: lot.lotId, batchNo: lot.batchNo, qty: lot.qty, deliveryLineId: Number(lineId), ledgerId: moved.in.id, boxes: 0 });
    }
    pickBoxes(posting, codes, { drug: d, picked, hub, transitId, clinicId: input.clinicId, deliveryId });
    sql(db, 'UPDATE requisition_lines SET issued_qty = issued_qty + ? WHERE id = ?').run(l.qty, line.requisitionLineId);
    touchedRequisitions.add(line.requisitionId);
  }
  for (const requisitionId of touchedRequisitions) closeRequisitionIfIssued(db, requisitionId, ctx.now);
  sql(db, 'UPDATE deliveries SET total_amount = ? WHERE id = ?').run(total, deliveryId);
  ctx.audit.target = `delivery:${deliveryId}`;
  return getDelivery(db, deliveryId);
}

/**
 * The lines whose drug the clinic's store cannot keep (storage-fit): refused, naming the line, unless the line
 * carries the reason the hub issues it anyway. Returns the reason to keep per requisition line.
 */
function storageOverrides(db: ReadDb, input: ParsedInput<'deliveries.create'>, storeId: number): Map<number, string> {
  const kept = new Map<number, string>();
  const refused: { path: string; message: string }[] = [];
  input.lines.forEach((l, i) => {
    const line = outstandingLine(db, input.clinicId, l.requisitionLineId, l.qty);
    const why = storageMismatch(db, storeId, line.drugId);
    if (!why) return;
    if (l.storageOverrideReason) kept.set(l.requisitionLineId, l.storageOverrideReason);
    else refused.push({ path: `lines.${i}.storageOverrideReason`, message: `第 ${i + 1} 行 ${drugSnapshot(db, line.drugId).drugName}：${why}` });
  });
  if (refused.length) {
    throw new AppError('BUSINESS_RULE', `${refused.map((r) => r.message).join('；')}。如确需配送，请逐行填写原因（记入配送单）`, refused);
  }
  return kept;
}

interface PickedLot {
  lotId: number;
  batchNo: string;
  qty: number;
  deliveryLineId: number;
  ledgerId: number;
  boxes: number;
}

/**
 * Boxes scanned while picking go with the lots first-expiry-first chose: a scan does not choose the lot. FEFO
 * is a rule the hub relies on (expired stock is the costliest loss), and the ledger has already posted it; a box
 * of another batch is the wrong box, and the picker is told which batch to take.
 */
function pickBoxes(
  p: PostingContext,
  codes: ScannedBox[],
  o: { drug: DrugSnapshot; picked: PickedLot[]; hub: number; transitId: number; clinicId: number; deliveryId: number },
): void {
  const { drug, picked } = o;
  const traceDrug = drugTraceInfo(p.db, drug.drugId);
  for (const parsed of codes) {
    const where = parsed.via ? `${drug.drugName}（大码/中码 ${parsed.via}）` : drug.drugName;
    const mismatch = productMismatch(parsed, traceDrug);
    if (mismatch) throw new AppError('VALIDATION', `${where}：${mismatch}`);
    let box = getBox(p.db, parsed.code);
    if (!box) {
      // 无码库存: a box received before the hub scanned, seen for the first time. It joins the chain here, in the
      // batch its GS1 code names, or else the first batch picked.
      const lot = picked.find((x) => parsed.batchNo === null || x.batchNo === parsed.batchNo);
      if (!lot)
        throw new AppError(
          'BUSINESS_RULE',
          `${where}：追溯码 ${parsed.code} 的批号 ${parsed.batchNo}；按先到期先出本行应发批号 ${picked.map((x) => x.batchNo).join('、')}`,
        );
      const receiptLine = sql(p.db, 'SELECT id FROM receipt_lines WHERE lot_id = ?').get(lot.lotId) as { id: number } | undefined;
      if (!receiptLine) throw new AppError('BUSINESS_RULE', `${where}：追溯码 ${parsed.code} 不在中心药库的账上，不能扫码出库`);
      sql(
        p.db,
        `INSERT INTO trace_codes (code, kind, drug_id, lot_id, receipt_line_id, state, store_id, used_qty, last_date)
         VALUES (?, ?, ?, ?, ?, 'untracked', ?, 0, ?)`,
      ).run(parsed.code, parsed.kind, drug.drugId, lot.lotId, receiptLine.id, o.hub, p.businessDate);
      box = getBox(p.db, parsed.code)!;
    }
    if (box.drugId !== drug.drugId) {
      throw new AppError('VALIDATION', `${where}：追溯码 ${box.code} 是 ${drugTraceInfo(p.db, box.drugId).drugName} 的码，不是本行的药品`);
    }
    if (box.storeId !== o.hub || !(box.state === 'in_stock' || box.state === 'untracked')) {
      throw new AppError(
        'BUSINESS_RULE',
        `${where}：追溯码 ${box.code} 这盒药现在${BOX_STATE_LABELS[box.state]}${box.storeId ? `（${storeName(p.db, box.storeId)}）` : ''}，不在中心药库，不能出库`,
      );
    }
    const lot = picked.find((x) => x.lotId === box.lotId);
    if (!lot) {
      const batch = (sql(p.db, 'SELECT batch_no AS b FROM lots WHERE id = ?').get(box.lotId) as { b: string }).b;
      throw new AppError(
        'BUSINESS_RULE',
        `${where}：追溯码 ${box.code} 是批号 ${batch} 的药；按先到期先出，本行应发批号 ${picked.map((x) => x.batchNo).join('、')}`,
      );
    }
    if ((lot.boxes + 1) * drug.packSize > lot.qty) {
      throw new AppError('VALIDATION', `${where}：批号 ${lot.batchNo} 本行出库 ${describeQty(lot.qty, drug)}，扫码的盒数多于整盒数`);
    }
    lot.boxes += 1;
    moveBox(
      p,
      box,
      { state: 'in_transit', storeId: o.transitId },
      {
        event: 'issue',
        clinicId: o.clinicId,
        docType: 'delivery',
        docId: o.deliveryId,
        docLineId: lot.deliveryLineId,
        ledgerId: lot.ledgerId,
      },
    );
  }
}

/** A box a carton scanned at picking stands for: at the hub, or never seen since the hub began scanning (无码库存). */
function stillAtHub(db: ReadDb, code: string, hub: number): boolean {
  const box = getBox(db, code);
  return !box || (box.storeId === hub && (box.state === 'in_stock' || box.state === 'untracked'));
}

function storeName(db: ReadDb, storeId: number): string {
  return (sql(db, 'SELECT name FROM stores WHERE id = ?').get(storeId) as { name: string }).name;
}

/** A reviewed requisition whose approved lines are all delivered is closed. */
function closeRequisitionIfIssued(db: WriteDb, requisitionId: number, now: Date): void {
  const open = sql(
    db,
    `SELECT count(*) AS n FROM requisition_lines WHERE requisition_id = ?
       AND (decision = 'pending' OR (decision IN ('approved', 'adjusted') AND approved_qty > issued_qty))`,
  ).get(requisitionId) as { n: number };
  if (open.n === 0)
    sql(db, "UPDATE requisitions SET status = 'closed', updated_at = ? WHERE id = ? AND status = 'reviewed'").run(now.toISOString(), requisitionId);
}

/**
 * A shortfall the hub took back or wrote off never reached the clinic: it is no longer issued, so the
 * approved quantity is pending again (and a requisition closed by the delivery reopens).
 */
function owedAgain(db: WriteDb, requisitionLineId: number, qty: number, now: Date): void {
  sql(db, 'UPDATE requisition_lines SET issued_qty = issued_qty - ? WHERE id = ?').run(qty, requisitionLineId);
  sql(
    db,
    `UPDATE requisitions SET status = 'reviewed', closed_at = NULL, updated_at = ?
      WHERE id = (SELECT requisition_id FROM requisition_lines WHERE id = ?) AND status = 'closed'`,
  ).run(now.toISOString(), requisitionLineId);
}

interface DeliveryLineRow {
  id: number;
  requisitionLineId: number | null;
  lotId: number;
  qty: number;
  receivedQty: number | null;
  resolution: string | null;
  drugName: string;
  packSize: number;
  packUnit: string;
  baseUnit: string;
}

function loadDeliveryForUpdate(ctx: HandlerContext, id: number) {
  const delivery = sql(ctx.db, 'SELECT id, clinic_id AS clinicId, status, business_date AS businessDate, doc_no AS docNo FROM deliveries WHERE id = ?').get(
    id,
  ) as { id: number; clinicId: number; status: string; businessDate: string; docNo: string } | undefined;
  if (!delivery) throw notFound('配送单');
  assertClinicAccess(ctx, delivery.clinicId);
  const lines = sql(
    ctx.db,
    `SELECT id, requisition_line_id AS requisitionLineId, lot_id AS lotId, qty, received_qty AS receivedQty, resolution, drug_name AS drugName, pack_size AS packSize,
            pack_unit AS packUnit, base_unit AS baseUnit
       FROM delivery_lines WHERE delivery_id = ? ORDER BY line_no`,
  ).all(id) as DeliveryLineRow[];
  return { delivery, lines };
}

/** Goods are signed for on a day between the day they left the hub and today. */
function assertSignDate(signDate: string, delivery: { businessDate: string; docNo: string }, today: string): void {
  if (signDate > today) {
    throw new AppError('VALIDATION', `签收日期 ${signDate} 晚于今天（${today}），不能提前签收`, [{ path: 'signDate', message: '签收日期不能晚于今天' }]);
  }
  if (signDate < delivery.businessDate) {
    throw new AppError('VALIDATION', `签收日期 ${signDate} 早于配送单 ${delivery.docNo} 的出库日期 ${delivery.businessDate}`, [
      { path: 'signDate', message: `签收日期不能早于出库日期 ${delivery.businessDate}` },
    ]);
  }
}

/** The clinic signs line by line for what actually arrived; any shortfall stays in transit for the hub to settle. */
export function signDelivery(ctx: WriteContext, input: ParsedInput<'deliveries.sign'>) {
  const db = ctx.db;
  const { delivery, lines } = loadDeliveryForUpdate(ctx, input.id);
  if (delivery.status !== 'in_transit') throw new AppError('INVALID_STATE', `配送单 ${delivery.docNo} 已签收，不能重复签收`);
  const posting = postingContext(ctx, input.signDate);
  assertSignDate(posting.businessDate, delivery, ctx.today);
  // A delivery signed as all missing posts nothing, so the ledger's own date checks never see it.
  assertPostable(db, posting.businessDate, ctx.today);
  const byId = new Map(input.lines.map((l) => [l.lineId, l]));
  if (byId.size !== input.lines.length) throw new AppError('VALIDATION', '同一行不能签收两次');
  const missing = lines.filter((l) => !byId.has(l.id));
  if (missing.length) throw new AppError('VALIDATION', `请逐行签收：还有 ${missing.length} 行未填写实收数量（${missing.map((m) => m.drugName).join('、')}）`);
  if (byId.size > lines.length) throw new AppError('VALIDATION', '签收的行不属于该配送单');

  const { storeId, transitId } = clinicStores(db, delivery.clinicId);
  const boxes = boxesInTransit(db, delivery.id, transitId);
  const scans = readSignScans(db, input.scannedCodes, new Set(boxes.map((b) => b.code)));
  const received = (lineId: number) => byId.get(lineId)!.receivedQty;
  // Before anything posts: a refusal names each line to correct, and the doctor fixes them all at once.
  assertScansMatchReceived(lines, (lineId) => ({ qty: received(lineId), index: input.lines.indexOf(byId.get(lineId)!) }), boxes, scans);
  const signedIn = new Map<number, number>();
  let discrepancies = 0;
  for (const line of lines) {
    const signed = byId.get(line.id)!;
    if (signed.receivedQty > line.qty) {
      throw new AppError(
        'VALIDATION',
        `${line.drugName} 实收 ${describeQty(signed.receivedQty, line)} 多于配送的 ${describeQty(line.qty, line)}，多出的药品请联系中心库`,
      );
    }
    if (signed.receivedQty < line.qty) {
      if (!signed.reason)
        throw new AppError('VALIDATION', `${line.drugName} 实收少于配送数量，请填写差异原因`, [
          { path: `lines.${input.lines.indexOf(signed)}.reason`, message: '请填写差异原因' },
        ]);
      discrepancies += 1;
    }
    if (signed.receivedQty > 0) {
      const moved = transfer(posting, {
        fromStoreId: transitId,
        toStoreId: storeId,
        lotId: line.lotId,
        qty: signed.receivedQty,
        outMovement: 'transit_out',
        inMovement: 'issue_in',
        docType: 'delivery',
        docId: delivery.id,
        docLineId: line.id,
      });
      signedIn.set(line.id, moved.in.id);
    }
    sql(db, 'UPDATE delivery_lines SET received_qty = ?, discrepancy_reason = ? WHERE id = ?').run(
      signed.receivedQty,
      signed.receivedQty < line.qty ? signed.reason : null,
      line.id,
    );
  }
  signBoxes(posting, scans, { delivery, lines, receivedQty: received, boxes, signedIn, storeId });
  sql(db, 'UPDATE deliveries SET status = ?, signed_by = ?, signed_at = ?, sign_date = ?, sign_note = ? WHERE id = ?').run(
    discrepancies ? 'discrepancy' : 'signed',
    ctx.user.id,
    ctx.now.toISOString(),
    posting.businessDate,
    input.note,
    delivery.id,
  );
  ctx.audit.target = `delivery:${delivery.id}`;
  return getDelivery(db, delivery.id);
}

/** Boxes still in transit on a delivery line: the shortfall the hub settles. */
function settleTransitBoxes(
  p: PostingContext,
  o: { deliveryId: number; lineId: number; clinicId: number; transitId: number; hub: number; resolution: 'returned_to_hub' | 'written_off'; ledgerId: number },
): void {
  const boxes = boxesMovedBy(p.db, 'issue', 'delivery', o.deliveryId).filter(
    (b) => b.docLineId === o.lineId && b.state === 'in_transit' && b.storeId === o.transitId,
  );
  for (const box of boxes) {
    moveBox(p, box, o.resolution === 'returned_to_hub' ? { state: 'in_stock', storeId: o.hub } : { state: 'written_off', storeId: null }, {
      event: o.resolution === 'returned_to_hub' ? 'transit_back' : 'transit_lost',
      clinicId: o.clinicId,
      docType: 'delivery',
      docId: o.deliveryId,
      docLineId: o.lineId,
      ledgerId: o.ledgerId,
    });
  }
}

/** The hub settles a signed shortfall: back into the hub store, or written off as lost in transit. */
export function resolveDiscrepancy(ctx: WriteContext, input: ParsedInput<'deliveries.resolve'>) {
  const db = ctx.db;
  const { delivery, lines } = loadDeliveryForUpdate(ctx, input.id);
  if (delivery.status !== 'discrepancy') throw new AppError('INVALID_STATE', '该配送单没有待处理的签收差异');
  const line = lines.find((l) => l.id === input.lineId);
  if (!line) throw new AppError('VALIDATION', '该行不属于这张配送单');
  if (line.receivedQty === null || line.receivedQty >= line.qty) throw new AppError('INVALID_STATE', '该行没有签收差异');
  if (line.resolution) throw new AppError('INVALID_STATE', '该行差异已经处理过');
  const diff = line.qty - line.receivedQty;
  const posting = postingContext(ctx);
  const { transitId } = clinicStores(db, delivery.clinicId);
  const ref = { docType: 'delivery' as const, docId: delivery.id, docLineId: line.id };
  let ledgerId: number;
  if (input.resolution === 'returned_to_hub') {
    ledgerId = transfer(posting, {
      ...ref,
      fromStoreId: transitId,
      toStoreId: hubStoreId(db),
      lotId: line.lotId,
      qty: diff,
      outMovement: 'transit_out',
      inMovement: 'transit_back',
    }).in.id;
  } else {
    ledgerId = postMovement(posting, { ...ref, storeId: transitId, lotId: line.lotId, qty: -diff, movement: 'writeoff' }).id;
  }
  settleTransitBoxes(posting, {
    deliveryId: delivery.id,
    lineId: line.id,
    clinicId: delivery.clinicId,
    transitId,
    hub: hubStoreId(db),
    resolution: input.resolution,
    ledgerId,
  });
  if (line.requisitionLineId !== null) owedAgain(db, line.requisitionLineId, diff, ctx.now);
  sql(db, 'UPDATE delivery_lines SET resolution = ?, resolution_note = ?, resolved_by = ?, resolved_at = ? WHERE id = ?').run(
    input.resolution,
    input.note,
    ctx.user.id,
    ctx.now.toISOString(),
    line.id,
  );
  const open = sql(db, 'SELECT count(*) AS n FROM delivery_lines WHERE delivery_id = ? AND received_qty < qty AND resolution IS NULL').get(delivery.id) as {
    n: number;
  };
  if (open.n === 0) sql(db, "UPDATE deliveries SET status = 'resolved' WHERE id = ?").run(delivery.id);
  ctx.audit.target = `delivery:${delivery.id}`;
  return getDelivery(db, delivery.id);
}

const DELIVERY_SELECT = `SELECT d.id, d.doc_no AS docNo, d.clinic_id AS clinicId, c.name AS clinicName, d.status, d.business_date AS businessDate,
    d.total_amount AS totalAmount, (SELECT count(*) FROM delivery_lines dl WHERE dl.delivery_id = d.id) AS lineCount,
    cu.display_name AS createdByName, su.display_name AS signedByName, d.signed_at AS signedAt
  FROM deliveries d JOIN clinics c ON c.id = d.clinic_id JOIN users cu ON cu.id = d.created_by LEFT JOIN users su ON su.id = d.signed_by`;

export function getDelivery(db: ReadDb, id: number) {
  const head = sql(db, `${DELIVERY_SELECT} WHERE d.id = ?`).get(id) as Record<string, unknown> | undefined;
  if (!head) throw notFound('配送单');
  const extra = sql(db, 'SELECT note, sign_note AS signNote, sign_date AS signDate FROM deliveries WHERE id = ?').get(id) as Record<string, unknown>;
  const lines = sql(
    db,
    `SELECT id, line_no AS lineNo, requisition_line_id AS requisitionLineId, drug_id AS drugId, drug_name AS drugName, spec, manufacturer,
            pack_unit AS packUnit, base_unit AS baseUnit, pack_size AS packSize, lot_id AS lotId, batch_no AS batchNo, expiry_date AS expiryDate,
            qty, unit_cost AS unitCost, amount, received_qty AS receivedQty, discrepancy_reason AS discrepancyReason,
            resolution, resolution_note AS resolutionNote, storage_override_reason AS overrideReason,
            (SELECT display_name FROM users WHERE id = storage_override_by) AS overrideByName
       FROM delivery_lines WHERE delivery_id = ? ORDER BY line_no`,
  ).all(id) as { id: number; overrideReason: string | null; overrideByName: string | null }[];
  const boxes = sql(
    db,
    `SELECT e.doc_line_id AS lineId, e.code, coalesce(t.state, 'returned') AS state FROM box_events e LEFT JOIN trace_codes t ON t.code = e.code
      WHERE e.doc_type = 'delivery' AND e.doc_id = ? AND e.event = 'issue' AND e.anomaly IS NULL ORDER BY e.id`,
  ).all(id) as { lineId: number; code: string; state: string }[];
  const traceNotices = sql(
    db,
    "SELECT code, anomaly, note AS message FROM box_events WHERE doc_type = 'delivery' AND doc_id = ? AND anomaly IS NOT NULL ORDER BY id",
  ).all(id);
  return {
    ...head,
    ...extra,
    lines: lines.map(({ overrideReason, overrideByName, ...l }) => ({
      ...l,
      storageOverride: overrideReason === null ? null : { reason: overrideReason, byName: overrideByName },
      boxes: boxes.filter((b) => b.lineId === l.id).map(({ lineId: _l, ...b }) => b),
    })),
    traceNotices,
  } as MethodOutput<'deliveries.get'>;
}

export function listDeliveries(ctx: HandlerContext, input: ParsedInput<'deliveries.list'>) {
  const clinicId = clinicScope(ctx, input.clinicId);
  const { where, params } = givenFilters([
    ['d.clinic_id = ?', clinicId],
    ['d.status = ?', input.status],
  ]);
  return sql(ctx.db, `${DELIVERY_SELECT} ${where} ORDER BY d.id DESC LIMIT ?`).all(...params, input.limit) as MethodOutput<'deliveries.list'>;
}
