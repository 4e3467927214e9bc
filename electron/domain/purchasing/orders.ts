/**
 * Purchase orders (采购订单) and their life cycle:
 *
 *   draft ──send──▶ sent ──receipt──▶ partly_received ──receipt──▶ received
 *     │               │  └──────────────receipt (all)─────────────────▲
 *     └──cancel──▶ cancelled ◀──cancel (nothing received, reason)──┘   partly_received ──shortClose (reason)──▶ short_closed
 *
 * Receipts are posted by the stock module, which calls `recordReceivedQty` (and `reverseReceivedQty` when
 * a receipt is reversed) inside its own write transaction. A short-closed order is stored as 'received' with
 * its short_closed_* columns set (migration 0011): every rule for "nothing more expected" already holds for it.
 */
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import type { HandlerContext, WriteContext } from '../context';
import { AppError, invalidState, notFound } from '../../errors';
import { getSetting, hubName } from '../settings';
import type { LineSource, OrderDetail, OrderLine, OrderStatus, OrderSummary } from '../../../shared/contract/orders';
import { ORDER_STATUS_LABELS } from '../../../shared/contract/orders';
import { describeQtyWithBase } from '../master-data/quantities';

/** The transitions a person may make; receipts move sent/partly_received/received among themselves. */
const MANUAL_TRANSITIONS: Record<OrderStatus, OrderStatus[]> = {
  draft: ['sent', 'cancelled'],
  sent: ['cancelled'],
  partly_received: ['short_closed'],
  received: [],
  short_closed: [],
  cancelled: [],
};

/** The status as people see it: a short-closed order is stored as received (see the header). */
export const ORDER_STATUS_SQL = "CASE WHEN o.short_closed_at IS NULL THEN o.status ELSE 'short_closed' END";

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return MANUAL_TRANSITIONS[from].includes(to);
}

export const ORDER_SUMMARY_SELECT = `SELECT o.id, o.doc_no AS docNo, o.supplier_id AS supplierId, o.supplier_name AS supplierName,
    ${ORDER_STATUS_SQL} AS status, o.business_date AS businessDate, o.total_amount AS totalAmount, o.aggregation_id AS aggregationId,
    a.doc_no AS aggregationDocNo, cu.display_name AS createdByName, o.created_at AS createdAt, o.sent_at AS sentAt,
    o.cancelled_at AS cancelledAt, o.short_closed_at AS shortClosedAt,
    (SELECT count(*) FROM purchase_order_lines l WHERE l.po_id = o.id) AS lineCount
  FROM purchase_orders o
  JOIN users cu ON cu.id = o.created_by
  LEFT JOIN aggregations a ON a.id = o.aggregation_id`;

interface OrderHead {
  id: number;
  status: OrderStatus;
  docNo: string;
}

function orderHead(db: ReadDb, id: number): OrderHead {
  const row = sql(db, `SELECT o.id, ${ORDER_STATUS_SQL} AS status, o.doc_no AS docNo FROM purchase_orders o WHERE o.id = ?`).get(id) as OrderHead | undefined;
  if (!row) throw notFound('采购订单');
  return row;
}

const ACTION_LABELS: Partial<Record<OrderStatus, string>> = { sent: '发送', cancelled: '作废', short_closed: '终止收货' };

function refuse(head: OrderHead, to: OrderStatus): AppError {
  return invalidState(`采购订单 ${head.docNo} 当前为“${ORDER_STATUS_LABELS[head.status]}”，不能${ACTION_LABELS[to]}`);
}

export function orderSummary(db: ReadDb, id: number): OrderSummary {
  const row = sql(db, `${ORDER_SUMMARY_SELECT} WHERE o.id = ?`).get(id) as OrderSummary | undefined;
  if (!row) throw notFound('采购订单');
  return row;
}

export function sourcesOfPoLine(db: ReadDb, poLineId: number): LineSource[] {
  return sql(
    db,
    `SELECT s.requisition_line_id AS requisitionLineId, r.id AS requisitionId, r.doc_no AS requisitionDocNo, c.id AS clinicId,
        c.name AS clinicName, s.qty, rl.original_drug_name AS originalDrugName
       FROM purchase_order_line_sources s
       JOIN requisition_lines rl ON rl.id = s.requisition_line_id
       JOIN requisitions r ON r.id = rl.requisition_id
       JOIN clinics c ON c.id = r.clinic_id
      WHERE s.po_line_id = ? ORDER BY c.code, r.doc_no, rl.line_no`,
  ).all(poLineId) as LineSource[];
}

export function loadOrder(ctx: HandlerContext, id: number): OrderDetail {
  const db = ctx.db;
  const summary = orderSummary(db, id);
  const extra = sql(
    db,
    `SELECT o.note, o.cancel_reason AS cancelReason, su.display_name AS sentByName,
        o.short_closed_at AS shortClosedAt, o.short_close_reason AS shortCloseReason, scu.display_name AS shortClosedByName,
        s.name, s.credit_code AS creditCode, s.licence_no AS licenceNo, s.contact, s.phone, s.address
       FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id LEFT JOIN users su ON su.id = o.sent_by
       LEFT JOIN users scu ON scu.id = o.short_closed_by
      WHERE o.id = ?`,
  ).get(id) as {
    note: string | null;
    cancelReason: string | null;
    shortClosedAt: string | null;
    shortCloseReason: string | null;
    shortClosedByName: string | null;
    sentByName: string | null;
    name: string;
    creditCode: string;
    licenceNo: string | null;
    contact: string | null;
    phone: string | null;
    address: string | null;
  };
  const rows = sql(
    db,
    `SELECT id, line_no AS lineNo, drug_id AS drugId, nhsa_code AS nhsaCode, drug_name AS drugName, spec, dosage_form AS dosageForm,
        manufacturer, pack_unit AS packUnit, base_unit AS baseUnit, pack_size AS packSize, insurance_class AS insuranceClass,
        vbp, qty, pack_price AS packPrice, amount, received_qty AS receivedQty
       FROM purchase_order_lines WHERE po_id = ? ORDER BY line_no`,
  ).all(id) as (Omit<OrderLine, 'vbp' | 'sources'> & { vbp: number })[];
  const lines: OrderLine[] = rows.map((r) => ({ ...r, vbp: r.vbp === 1, sources: sourcesOfPoLine(db, r.id) }));
  const pharmacist = ctx.user.role === 'pharmacist';
  const received = lines.some((l) => l.receivedQty > 0);
  const { shortClosedAt, shortCloseReason, shortClosedByName, ...contact } = extra;
  return {
    ...summary,
    hub: { name: hubName(db), address: getSetting(db, 'hub.address'), phone: getSetting(db, 'hub.phone') },
    // Supplier name as printed on the order (a snapshot); contact details as they are now.
    supplier: { ...contact, name: summary.supplierName },
    note: extra.note,
    sentByName: extra.sentByName,
    cancelReason: extra.cancelReason,
    shortClose: shortClosedAt === null ? null : { at: shortClosedAt, byName: shortClosedByName ?? '', reason: shortCloseReason ?? '' },
    lines,
    can: {
      send: pharmacist && canTransition(summary.status, 'sent'),
      cancel: pharmacist && canTransition(summary.status, 'cancelled') && !received,
      shortClose: pharmacist && canTransition(summary.status, 'short_closed'),
    },
  };
}

export function sendOrder(ctx: WriteContext, id: number): void {
  const head = orderHead(ctx.db, id);
  if (!canTransition(head.status, 'sent')) throw refuse(head, 'sent');
  const at = ctx.now.toISOString();
  sql(ctx.db, "UPDATE purchase_orders SET status = 'sent', sent_at = ?, sent_by = ?, updated_at = ? WHERE id = ?").run(at, ctx.user.id, at, id);
  ctx.audit.target = `purchase_order:${id}`;
}

/**
 * Cancels an order. A sent one only when nothing has been received, and with a reason. Requisitions that
 * this order alone was serving (every order line they feed is now cancelled) return to the aggregation
 * pool, so their demand can be ordered again.
 */
export function cancelOrder(ctx: WriteContext, id: number, reason: string | null): string[] {
  const db = ctx.db;
  const head = orderHead(db, id);
  if (!canTransition(head.status, 'cancelled')) throw refuse(head, 'cancelled');
  const received = (sql(db, 'SELECT coalesce(sum(received_qty), 0) AS q FROM purchase_order_lines WHERE po_id = ?').get(id) as { q: number }).q;
  if (received > 0) throw invalidState(`采购订单 ${head.docNo} 已有到货，不能作废`);
  if (head.status === 'sent' && !reason) {
    throw new AppError('VALIDATION', '已发送的订单作废时必须填写原因（并告知配送企业）', [{ path: 'reason', message: '请填写作废原因' }]);
  }
  const at = ctx.now.toISOString();
  sql(db, "UPDATE purchase_orders SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, cancel_reason = ?, updated_at = ? WHERE id = ?").run(
    at,
    ctx.user.id,
    reason,
    at,
    id,
  );

  const affected = sql(
    db,
    `SELECT DISTINCT r.id, r.doc_no AS docNo FROM purchase_order_lines pl
       JOIN purchase_order_line_sources s ON s.po_line_id = pl.id
       JOIN requisition_lines rl ON rl.id = s.requisition_line_id
       JOIN requisitions r ON r.id = rl.requisition_id
      WHERE pl.po_id = ? AND r.status = 'reviewed' AND r.aggregation_id IS NOT NULL`,
  ).all(id) as { id: number; docNo: string }[];
  const released: string[] = [];
  for (const r of affected) {
    const live = sql(
      db,
      `SELECT 1 FROM requisition_lines rl
         JOIN purchase_order_line_sources s ON s.requisition_line_id = rl.id
         JOIN purchase_order_lines pl ON pl.id = s.po_line_id
         JOIN purchase_orders o ON o.id = pl.po_id
        WHERE rl.requisition_id = ? AND o.status <> 'cancelled' LIMIT 1`,
    ).get(r.id);
    const issued = sql(db, 'SELECT 1 FROM requisition_lines WHERE requisition_id = ? AND issued_qty > 0 LIMIT 1').get(r.id);
    if (live || issued) continue;
    sql(db, 'UPDATE requisitions SET aggregation_id = NULL, updated_at = ? WHERE id = ?').run(at, r.id);
    released.push(r.docNo);
  }
  ctx.audit.target = `purchase_order:${id}`;
  ctx.audit.details = { released };
  return released;
}

/**
 * 终止收货: closes a partly received order whose supplier will not deliver the rest. What was not received
 * stops counting as on order. Requisitions it was buying for that still wait for goods go back to the
 * aggregation pool, so the next aggregation orders what their clinics lack (possibly elsewhere); the
 * pharmacist may still reject such a line in review, with its reason. Returns their document numbers.
 */
export function shortCloseOrder(ctx: WriteContext, id: number, reason: string): string[] {
  const db = ctx.db;
  const head = orderHead(db, id);
  if (!canTransition(head.status, 'short_closed')) {
    if (head.status === 'sent') throw invalidState(`采购订单 ${head.docNo} 尚未到货：不再需要时请作废订单`);
    throw refuse(head, 'short_closed');
  }
  const at = ctx.now.toISOString();
  sql(db, "UPDATE purchase_orders SET status = 'received', short_closed_at = ?, short_closed_by = ?, short_close_reason = ?, updated_at = ? WHERE id = ?").run(
    at,
    ctx.user.id,
    reason,
    at,
    id,
  );
  const unfilled = sql(
    db,
    'SELECT line_no AS lineNo, drug_name AS drugName, qty - received_qty AS qty FROM purchase_order_lines WHERE po_id = ? AND received_qty < qty ORDER BY line_no',
  ).all(id) as { lineNo: number; drugName: string; qty: number }[];
  const waiting = sql(
    db,
    `SELECT DISTINCT r.id, r.doc_no AS docNo FROM purchase_order_lines pl
       JOIN purchase_order_line_sources s ON s.po_line_id = pl.id
       JOIN requisition_lines rl ON rl.id = s.requisition_line_id
       JOIN requisitions r ON r.id = rl.requisition_id
      WHERE pl.po_id = ? AND pl.received_qty < pl.qty AND rl.approved_qty > rl.issued_qty
        AND r.status = 'reviewed' AND r.aggregation_id IS NOT NULL
      ORDER BY r.doc_no`,
  ).all(id) as { id: number; docNo: string }[];
  const release = sql(db, 'UPDATE requisitions SET aggregation_id = NULL, updated_at = ? WHERE id = ?');
  for (const r of waiting) release.run(at, r.id);
  const released = waiting.map((r) => r.docNo);
  ctx.audit.target = `purchase_order:${id}`;
  ctx.audit.details = { reason, unfilled, released };
  return released;
}

interface PoLineForReceipt {
  id: number;
  poId: number;
  docNo: string;
  status: OrderStatus;
  qty: number;
  receivedQty: number;
  drugName: string;
  spec: string;
  packSize: number;
  packUnit: string;
  baseUnit: string;
}

function poLineForReceipt(db: ReadDb, poLineId: number): PoLineForReceipt {
  const row = sql(
    db,
    `SELECT l.id, l.po_id AS poId, o.doc_no AS docNo, ${ORDER_STATUS_SQL} AS status, l.qty, l.received_qty AS receivedQty, l.drug_name AS drugName,
        l.spec, l.pack_size AS packSize, l.pack_unit AS packUnit, l.base_unit AS baseUnit
       FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.po_id WHERE l.id = ?`,
  ).get(poLineId) as PoLineForReceipt | undefined;
  if (!row) throw notFound('采购订单行');
  return row;
}

function assertQty(qty: number): void {
  if (!Number.isSafeInteger(qty) || qty <= 0) throw new AppError('VALIDATION', '收货数量必须是大于 0 的整数');
}

/** sent / partly_received / received from the lines' received quantities; a short-closed order stays closed. */
function settleStatus(db: WriteDb, poId: number, at: Date | undefined): void {
  const t = sql(
    db,
    `SELECT sum(l.received_qty) AS got, sum(l.qty) AS ordered, sum(l.received_qty >= l.qty) AS full, count(*) AS n,
        (SELECT short_closed_at FROM purchase_orders WHERE id = ?) AS shortClosedAt
       FROM purchase_order_lines l WHERE l.po_id = ?`,
  ).get(poId, poId) as { got: number; ordered: number; full: number; n: number; shortClosedAt: string | null };
  const status: OrderStatus = t.shortClosedAt !== null ? 'received' : t.got === 0 ? 'sent' : t.full === t.n ? 'received' : 'partly_received';
  if (at) sql(db, 'UPDATE purchase_orders SET status = ?, updated_at = ? WHERE id = ?').run(status, at.toISOString(), poId);
  else sql(db, 'UPDATE purchase_orders SET status = ? WHERE id = ?').run(status, poId);
}

/**
 * For the stock module's receipts (验收入库): adds `qty` base units to what an order line has received
 * and moves the order to partly_received / received. Refuses a draft or cancelled order (INVALID_STATE)
 * and more than was ordered (BUSINESS_RULE). Call inside the receipt's write transaction.
 */
export function recordReceivedQty(db: WriteDb, poLineId: number, qty: number, at?: Date): void {
  assertQty(qty);
  const line = poLineForReceipt(db, poLineId);
  if (line.status === 'draft') throw invalidState(`采购订单 ${line.docNo} 尚未发送，不能收货`);
  if (line.status === 'cancelled') throw invalidState(`采购订单 ${line.docNo} 已作废，不能收货`);
  if (line.status === 'short_closed') throw invalidState(`采购订单 ${line.docNo} 已终止收货，不能再收货`);
  const left = line.qty - line.receivedQty;
  if (qty > left) {
    throw new AppError(
      'BUSINESS_RULE',
      `${line.drugName}（${line.spec}）超出订单数量：订购 ${describeQtyWithBase(line.qty, line)}，已收 ${describeQtyWithBase(line.receivedQty, line)}，本次最多还能收 ${describeQtyWithBase(left, line)}`,
    );
  }
  sql(db, 'UPDATE purchase_order_lines SET received_qty = received_qty + ? WHERE id = ?').run(qty, poLineId);
  settleStatus(db, line.poId, at);
}

/** For a reversed receipt: takes `qty` base units back off an order line and settles the order's status. */
export function reverseReceivedQty(db: WriteDb, poLineId: number, qty: number, at?: Date): void {
  assertQty(qty);
  const line = poLineForReceipt(db, poLineId);
  if (line.status === 'draft' || line.status === 'cancelled') throw invalidState(`采购订单 ${line.docNo} 没有到货记录`);
  if (qty > line.receivedQty) {
    throw new AppError(
      'BUSINESS_RULE',
      `${line.drugName}（${line.spec}）冲销数量超过已收数量：已收 ${describeQtyWithBase(line.receivedQty, line)}，冲销 ${describeQtyWithBase(qty, line)}`,
    );
  }
  sql(db, 'UPDATE purchase_order_lines SET received_qty = received_qty - ? WHERE id = ?').run(qty, poLineId);
  settleStatus(db, line.poId, at);
}
