import type { HandlerContext } from '../context';
import { assertClinicAccess, clinicScope } from '../scope';
import { givenFilters, sql, type Db } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { lineAmount } from '../../../shared/money';
import { nextDocNo } from '../docno';
import { assertActiveClinic, clinicStores, describeQty, drugSnapshot, hubStoreId, nearExpiryLimit, postingContext } from './common';
import { notQuarantined } from './quarantine-guard';
import { allocateFefo, assertPostable, postMovement, transfer, type Allocation } from './ledger';
import { bookSight } from '../stocktake/blind';

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

const OUTSTANDING_SELECT = `SELECT rl.id AS requisitionLineId, r.id AS requisitionId, r.doc_no AS requisitionDocNo, r.clinic_id AS clinicId,
    c.name AS clinicName, rl.drug_id AS drugId, rl.approved_qty AS approvedQty, rl.issued_qty AS issuedQty
  FROM requisition_lines rl JOIN requisitions r ON r.id = rl.requisition_id JOIN clinics c ON c.id = r.clinic_id
  WHERE rl.decision IN ('approved', 'adjusted') AND rl.approved_qty > rl.issued_qty AND r.status IN ('reviewed', 'submitted')`;

export function hubAvailable(db: Db, drugId: number, asOf: string): number {
  const row = sql(
    db,
    `SELECT coalesce(sum(b.qty), 0) AS qty FROM stock_balances b JOIN lots l ON l.id = b.lot_id
      WHERE b.store_id = ? AND b.drug_id = ? AND l.expiry_date >= ? AND ${notQuarantined('b.lot_id')}`,
  ).get(hubStoreId(db), drugId, asOf) as { qty: number };
  return row.qty;
}

export function pendingIssues(ctx: HandlerContext, input: ParsedInput<'deliveries.pending'>) {
  const rows = sql(ctx.db, `${OUTSTANDING_SELECT} AND (? IS NULL OR r.clinic_id = ?) ORDER BY c.code, r.id, rl.line_no`).all(
    input.clinicId ?? null,
    input.clinicId ?? null,
  ) as OutstandingLine[];
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

function outstandingLine(db: Db, clinicId: number, requisitionLineId: number, qty: number): OutstandingLine {
  const line = sql(db, `${OUTSTANDING_SELECT} AND rl.id = ?`).get(requisitionLineId) as OutstandingLine | undefined;
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
    };
  });
  return { lines: out, totalAmount };
}

function lotUnitCost(db: Db, lotId: number): number {
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
export function createDelivery(ctx: HandlerContext, input: ParsedInput<'deliveries.create'>) {
  const db = ctx.db;
  assertActiveClinic(db, input.clinicId);
  const posting = postingContext(ctx, input.businessDate);
  assertPostable(db, posting.businessDate, ctx.today);
  const hub = hubStoreId(db);
  const { transitId } = clinicStores(db, input.clinicId);
  const seen = new Set<number>();
  for (const l of input.lines) {
    if (seen.has(l.requisitionLineId)) throw new AppError('VALIDATION', '同一条请领明细在出库单中出现了两次');
    seen.add(l.requisitionLineId);
  }

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

  for (const l of input.lines) {
    const line = outstandingLine(db, input.clinicId, l.requisitionLineId, l.qty);
    const d = drugSnapshot(db, line.drugId);
    // Allocated after the previous line posted, so lines of the same drug never share a unit.
    for (const lot of allocateFefo(db, hub, line.drugId, l.qty, posting.businessDate)) {
      lineNo += 1;
      const unitCost = lotUnitCost(db, lot.lotId);
      const { lastInsertRowid: lineId } = sql(
        db,
        `INSERT INTO delivery_lines (delivery_id, line_no, requisition_line_id, drug_id, lot_id, batch_no, expiry_date, qty, unit_cost, amount,
                                     drug_name, spec, manufacturer, pack_unit, base_unit, pack_size)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)`,
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
    }
    sql(db, 'UPDATE requisition_lines SET issued_qty = issued_qty + ? WHERE id = ?').run(l.qty, line.requisitionLineId);
    touchedRequisitions.add(line.requisitionId);
  }
  for (const requisitionId of touchedRequisitions) closeRequisitionIfIssued(db, requisitionId, ctx.now);
  sql(db, 'UPDATE deliveries SET total_amount = ? WHERE id = ?').run(total, deliveryId);
  ctx.audit.target = `delivery:${deliveryId}`;
  return getDelivery(db, deliveryId);
}

/** A reviewed requisition whose approved lines are all delivered is closed. */
function closeRequisitionIfIssued(db: Db, requisitionId: number, now: Date): void {
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
function owedAgain(db: Db, requisitionLineId: number, qty: number, now: Date): void {
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
export function signDelivery(ctx: HandlerContext, input: ParsedInput<'deliveries.sign'>) {
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
      transfer(posting, {
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
    }
    sql(db, 'UPDATE delivery_lines SET received_qty = ?, discrepancy_reason = ? WHERE id = ?').run(
      signed.receivedQty,
      signed.receivedQty < line.qty ? signed.reason : null,
      line.id,
    );
  }
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

/** The hub settles a signed shortfall: back into the hub store, or written off as lost in transit. */
export function resolveDiscrepancy(ctx: HandlerContext, input: ParsedInput<'deliveries.resolve'>) {
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
  if (input.resolution === 'returned_to_hub') {
    transfer(posting, {
      ...ref,
      fromStoreId: transitId,
      toStoreId: hubStoreId(db),
      lotId: line.lotId,
      qty: diff,
      outMovement: 'transit_out',
      inMovement: 'transit_back',
    });
  } else {
    postMovement(posting, { ...ref, storeId: transitId, lotId: line.lotId, qty: -diff, movement: 'writeoff' });
  }
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

export function getDelivery(db: Db, id: number) {
  const head = sql(db, `${DELIVERY_SELECT} WHERE d.id = ?`).get(id) as Record<string, unknown> | undefined;
  if (!head) throw notFound('配送单');
  const extra = sql(db, 'SELECT note, sign_note AS signNote, sign_date AS signDate FROM deliveries WHERE id = ?').get(id) as Record<string, unknown>;
  const lines = sql(
    db,
    `SELECT id, line_no AS lineNo, requisition_line_id AS requisitionLineId, drug_id AS drugId, drug_name AS drugName, spec, manufacturer,
            pack_unit AS packUnit, base_unit AS baseUnit, pack_size AS packSize, lot_id AS lotId, batch_no AS batchNo, expiry_date AS expiryDate,
            qty, unit_cost AS unitCost, amount, received_qty AS receivedQty, discrepancy_reason AS discrepancyReason,
            resolution, resolution_note AS resolutionNote
       FROM delivery_lines WHERE delivery_id = ? ORDER BY line_no`,
  ).all(id);
  return { ...head, ...extra, lines } as never;
}

export function listDeliveries(ctx: HandlerContext, input: ParsedInput<'deliveries.list'>) {
  const clinicId = clinicScope(ctx, input.clinicId);
  const { where, params } = givenFilters([
    ['d.clinic_id = ?', clinicId],
    ['d.status = ?', input.status],
  ]);
  return sql(ctx.db, `${DELIVERY_SELECT} ${where} ORDER BY d.id DESC LIMIT ?`).all(...params, input.limit) as never;
}
