/**
 * Reading stocktakes, and who may see what.
 *
 * Blind count (盲盘): book quantities (and anything they can be worked out from: variances, values, the
 * draw's weight inputs, movements) are left out of the sheet while the caller may not see them
 * (sheetBookVisible in blind.ts, with the rest of the blind rule):
 * - village doctors see them only once the stocktake is approved;
 * - hub roles see them once the count is submitted (during a recount round they are hidden again, since
 *   the hub pharmacist may be the one counting on site).
 * An earlier sheet of a store shows no book figures of the drugs an open blind count hides from the caller
 * there (they are the book at an earlier date). An on-site count (药库人员现场盘点) is not shown to the
 * clinic's doctor before it is submitted, so the drugs drawn are not known at the clinic before the
 * pharmacist arrives.
 */
import type { HandlerContext } from '../context';
import { assertClinicAccess } from '../scope';
import { bool, sql, type ReadDb } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import { AppError, notFound } from '../../errors';
import { lineAmount } from '../../../shared/money';
import { addMonths, periodOf } from '../../../shared/dates';
import { SELECTION_WINDOW_MONTHS, type CounterMode, type StocktakeKind, type StocktakeStatus, type VarianceReason } from '../../../shared/stocktake';
import type { Movement } from '../../../shared/stock';
import type { z } from 'zod';
import type { selectionCandidate } from '../../../shared/contract/stocktake';
import type { LotWithDrug } from './lot-with-drug';
import { bookSight, sheetBookVisible } from './blind';

export interface StocktakeHead {
  id: number;
  docNo: string;
  kind: StocktakeKind;
  storeId: number;
  storeName: string;
  clinicId: number | null;
  clinicCode: string | null;
  counterMode: CounterMode;
  blind: boolean;
  status: StocktakeStatus;
  note: string | null;
  startDate: string;
  startLedgerId: number;
  createdAt: string;
  createdByName: string;
  submittedAt: string | null;
  submittedByName: string | null;
  decidedAt: string | null;
  decidedByName: string | null;
  decisionNote: string | null;
  businessDate: string | null;
  cancelReason: string | null;
  sampleSize: number | null;
  seed: number | null;
  algorithm: string | null;
  lineCountStored: number | null;
  matchedCountStored: number | null;
  surplusAmountStored: number | null;
  shortageAmountStored: number | null;
}

const headSelect = query`SELECT t.id, t.doc_no AS docNo, t.kind, t.store_id AS storeId, s.name AS storeName, t.clinic_id AS clinicId, c.code AS clinicCode,
    t.counter_mode AS counterMode, t.blind, t.status, t.note, t.start_date AS startDate, t.start_ledger_id AS startLedgerId,
    t.created_at AS createdAt, cu.display_name AS createdByName, t.submitted_at AS submittedAt, su.display_name AS submittedByName,
    t.decided_at AS decidedAt, du.display_name AS decidedByName, t.decision_note AS decisionNote, t.business_date AS businessDate,
    t.cancel_reason AS cancelReason, t.sample_size AS sampleSize, t.seed, t.algorithm, t.line_count AS lineCountStored,
    t.matched_count AS matchedCountStored, t.surplus_amount AS surplusAmountStored, t.shortage_amount AS shortageAmountStored
  FROM stocktakes t JOIN stores s ON s.id = t.store_id LEFT JOIN clinics c ON c.id = t.clinic_id
  JOIN users cu ON cu.id = t.created_by LEFT JOIN users su ON su.id = t.submitted_by LEFT JOIN users du ON du.id = t.decided_by`;
const HEAD_SELECT = headSelect.text;

function toHead(row: Record<string, unknown> | undefined): StocktakeHead | undefined {
  if (!row) return undefined;
  return { ...(row as unknown as StocktakeHead), blind: bool(row.blind) };
}

export function getHead(db: ReadDb, id: number): StocktakeHead {
  const head = toHead(sql(db, `${HEAD_SELECT} WHERE t.id = ?`).get(id) as Record<string, unknown> | undefined);
  if (!head) throw notFound('盘点单');
  return head;
}

/** An on-site count is not shown at the clinic until it is submitted. */
function hiddenFromDoctor(head: StocktakeHead): boolean {
  return head.counterMode === 'onsite' && head.status === 'counting';
}

/** The stocktake, if the caller may look at it at all. */
export function accessibleHead(ctx: HandlerContext, id: number): StocktakeHead {
  const head = getHead(ctx.db, id);
  assertClinicAccess(ctx, head.clinicId);
  if (ctx.user.role === 'village_doctor' && hiddenFromDoctor(head)) {
    throw new AppError('INVALID_STATE', '中心库正在现场盘点，提交盘点结果后可以查看');
  }
  return head;
}

export function bookVisible(ctx: HandlerContext, head: StocktakeHead): boolean {
  return sheetBookVisible(ctx.user, head);
}

/** The counter: the clinic's own doctor for a self-count, hub stock staff for an on-site count. */
export function isCounter(ctx: HandlerContext, head: StocktakeHead): boolean {
  const user = ctx.user;
  if (head.counterMode === 'self') return user.role === 'village_doctor' && user.clinicId === head.clinicId;
  return user.role === 'pharmacist' || user.role === 'admin';
}

export function canCount(ctx: HandlerContext, head: StocktakeHead): boolean {
  return head.status === 'counting' && isCounter(ctx, head);
}

export interface CountRow {
  id: number;
  lineId: number;
  countedQty: number;
  bookQty: number;
  bookValue: number;
  bookLedgerId: number;
  note: string | null;
  countedByName: string;
  countedAt: string;
  recountReason: string | null;
  recountByName: string | null;
}

export interface LineRow extends LotWithDrug {
  id: number;
  lineNo: number;
  origin: 'book' | 'found';
  bookQtyAtStart: number;
  reasonCode: VarianceReason | null;
  reasonNote: string | null;
  adjustmentQty: number | null;
  adjustmentAmount: number | null;
}

/** A line with its counts, the current one last, and where it stands. */
export interface LineState extends LineRow {
  counts: CountRow[];
  current: CountRow | null;
  status: 'pending' | 'counted' | 'recount';
}

export function lineStates(db: ReadDb, stocktakeId: number): LineState[] {
  const lines = sql(
    db,
    `SELECT id, line_no AS lineNo, origin, drug_id AS drugId, lot_id AS lotId, book_qty_at_start AS bookQtyAtStart, drug_name AS drugName, spec,
            manufacturer, pack_unit AS packUnit, base_unit AS baseUnit, pack_size AS packSize, batch_no AS batchNo, expiry_date AS expiryDate,
            unit_cost AS unitCost, reason_code AS reasonCode, reason_note AS reasonNote, adjustment_qty AS adjustmentQty,
            adjustment_amount AS adjustmentAmount
       FROM stocktake_lines WHERE stocktake_id = ? ORDER BY line_no`,
  ).all(stocktakeId) as LineRow[];
  const counts = sql(
    db,
    `SELECT c.id, c.line_id AS lineId, c.counted_qty AS countedQty, c.book_qty AS bookQty, c.book_value AS bookValue,
            c.book_ledger_id AS bookLedgerId, c.note, u.display_name AS countedByName, c.counted_at AS countedAt,
            r.reason AS recountReason, ru.display_name AS recountByName
       FROM stocktake_counts c JOIN users u ON u.id = c.counted_by
       LEFT JOIN stocktake_recounts r ON r.count_id = c.id LEFT JOIN users ru ON ru.id = r.requested_by
      WHERE c.stocktake_id = ? ORDER BY c.id`,
  ).all(stocktakeId) as CountRow[];
  const byLine = new Map<number, CountRow[]>();
  for (const c of counts) {
    const list = byLine.get(c.lineId) ?? [];
    list.push(c);
    byLine.set(c.lineId, list);
  }
  return lines.map((l) => {
    const list = byLine.get(l.id) ?? [];
    const current = list.length ? list[list.length - 1] : null;
    const status = !current ? 'pending' : current.recountReason !== null ? 'recount' : 'counted';
    return { ...l, counts: list, current, status };
  });
}

/** The value of a variance: a surplus at the lot's cost, a shortage as the ledger would value it (estimate). */
export function varianceValue(variance: number, unitCost: number): number {
  if (variance === 0) return 0;
  const amount = lineAmount(Math.abs(variance), unitCost);
  return variance > 0 ? amount : -amount;
}

interface Totals {
  lineCount: number;
  countedCount: number;
  recountCount: number;
  matchedCount: number;
  surplusAmount: number;
  shortageAmount: number;
}

function totalsOf(head: StocktakeHead, lines: LineState[]): Totals {
  const t: Totals = { lineCount: lines.length, countedCount: 0, recountCount: 0, matchedCount: 0, surplusAmount: 0, shortageAmount: 0 };
  for (const l of lines) {
    if (l.status === 'counted') t.countedCount += 1;
    if (l.status === 'recount') t.recountCount += 1;
    if (l.status !== 'counted' || !l.current) continue;
    const variance = l.current.countedQty - l.current.bookQty;
    if (variance === 0) t.matchedCount += 1;
    const value = l.adjustmentAmount ?? varianceValue(variance, l.unitCost);
    if (value > 0) t.surplusAmount += value;
    else t.shortageAmount -= value;
  }
  if (head.status === 'approved') {
    t.matchedCount = head.matchedCountStored ?? t.matchedCount;
    t.surplusAmount = head.surplusAmountStored ?? t.surplusAmount;
    t.shortageAmount = head.shortageAmountStored ?? t.shortageAmount;
  }
  return t;
}

function summaryOf(ctx: HandlerContext, head: StocktakeHead, t: Totals) {
  const visible = bookVisible(ctx, head);
  return {
    id: head.id,
    docNo: head.docNo,
    kind: head.kind,
    storeId: head.storeId,
    storeName: head.storeName,
    clinicId: head.clinicId,
    clinicCode: head.clinicCode,
    counterMode: head.counterMode,
    blind: head.blind,
    status: head.status,
    note: head.note,
    startDate: head.startDate,
    createdAt: head.createdAt,
    createdByName: head.createdByName,
    submittedAt: head.submittedAt,
    submittedByName: head.submittedByName,
    decidedAt: head.decidedAt,
    decidedByName: head.decidedByName,
    decisionNote: head.decisionNote,
    businessDate: head.businessDate,
    cancelReason: head.cancelReason,
    sampleSize: head.sampleSize,
    lineCount: t.lineCount,
    countedCount: t.countedCount,
    recountCount: t.recountCount,
    matchedCount: visible ? t.matchedCount : null,
    surplusAmount: visible && head.status !== 'cancelled' ? t.surplusAmount : null,
    shortageAmount: visible && head.status !== 'cancelled' ? t.shortageAmount : null,
    bookVisible: visible,
    canCount: canCount(ctx, head),
  };
}

interface MovementRow {
  ledgerId: number;
  lotId: number;
  createdAt: string;
  businessDate: string;
  movement: Movement;
  docType: string;
  docId: number;
  qty: number;
  userName: string;
}

/** Ledger rows of the counted lots at the store, posted after the count started and up to the last entry. */
function movementsDuringCount(db: ReadDb, head: StocktakeHead, lines: LineState[]): MovementRow[] {
  const until = Math.max(0, ...lines.map((l) => l.current?.bookLedgerId ?? 0));
  if (until <= head.startLedgerId) return [];
  return sql(
    db,
    `SELECT g.id AS ledgerId, g.lot_id AS lotId, g.created_at AS createdAt, g.business_date AS businessDate, g.movement, g.doc_type AS docType,
            g.doc_id AS docId, g.qty, u.display_name AS userName
       FROM ledger g JOIN users u ON u.id = g.user_id
      WHERE g.store_id = ? AND g.id > ? AND g.id <= ? AND g.doc_type <> 'stocktake' ORDER BY g.id LIMIT 5000`,
  ).all(head.storeId, head.startLedgerId, until) as MovementRow[];
}

function selectionOf(db: ReadDb, head: StocktakeHead, visible: boolean) {
  if (head.kind !== 'spot' || head.seed === null) return null;
  const candidates = visible
    ? (sql(
        db,
        `SELECT c.position, c.drug_id AS drugId, d.generic_name AS drugName, d.spec, c.stock_value AS stockValue, c.dispensed_amount AS dispensedAmount,
                c.dispensed_qty AS dispensedQty, c.weight, c.pick_order AS pickOrder
           FROM stocktake_candidates c JOIN drugs d ON d.id = c.drug_id WHERE c.stocktake_id = ? ORDER BY c.position`,
      ).all(head.id) as z.infer<typeof selectionCandidate>[])
    : null;
  return {
    seed: head.seed,
    algorithm: head.algorithm ?? '',
    sampleSize: head.sampleSize ?? 0,
    drawnAt: head.createdAt,
    windowFrom: periodOf(addMonths(head.startDate, -SELECTION_WINDOW_MONTHS)),
    windowTo: periodOf(head.startDate),
    candidates,
  };
}

export function stocktakeDetail(ctx: HandlerContext, id: number) {
  const db = ctx.db;
  const head = getHead(db, id);
  const lines = lineStates(db, id);
  const sheetVisible = bookVisible(ctx, head);
  const sight = bookSight(ctx);
  const movements = sheetVisible ? movementsDuringCount(db, head, lines) : [];
  const out = lines.map((l) => {
    const visible = sheetVisible && !sight.hides(head.storeId, l.drugId);
    const cur = l.current;
    const variance = cur ? cur.countedQty - cur.bookQty : null;
    return {
      id: l.id,
      lineNo: l.lineNo,
      origin: l.origin,
      drugId: l.drugId,
      drugName: l.drugName,
      spec: l.spec,
      manufacturer: l.manufacturer,
      packUnit: l.packUnit,
      baseUnit: l.baseUnit,
      packSize: l.packSize,
      lotId: l.lotId,
      batchNo: l.batchNo,
      expiryDate: l.expiryDate,
      unitCost: l.unitCost,
      bookQtyAtStart: visible ? l.bookQtyAtStart : null,
      status: l.status,
      countedQty: cur?.countedQty ?? null,
      bookQty: visible && cur ? cur.bookQty : null,
      variance: visible ? variance : null,
      varianceAmount: visible && variance !== null ? (l.adjustmentAmount ?? varianceValue(variance, l.unitCost)) : null,
      countedByName: cur?.countedByName ?? null,
      countedAt: cur?.countedAt ?? null,
      note: cur?.note ?? null,
      counts: l.counts.map((c, i) => ({
        id: c.id,
        countedQty: c.countedQty,
        bookQty: visible ? c.bookQty : null,
        variance: visible ? c.countedQty - c.bookQty : null,
        note: c.note,
        countedByName: c.countedByName,
        countedAt: c.countedAt,
        superseded: c.recountReason !== null ? ('recount' as const) : i < l.counts.length - 1 ? ('correction' as const) : null,
        recountReason: c.recountReason,
        recountByName: c.recountByName,
      })),
      movements: visible
        ? movements.filter((m) => m.lotId === l.lotId && cur !== null && m.ledgerId <= cur.bookLedgerId).map(({ lotId: _lot, ...m }) => m)
        : null,
      reasonCode: l.reasonCode,
      reasonNote: l.reasonNote,
      adjustmentQty: l.adjustmentQty,
      adjustmentAmount: l.adjustmentAmount,
    };
  });
  return {
    ...summaryOf(ctx, head, totalsOf(head, lines)),
    startLedgerId: head.startLedgerId,
    lines: out,
    // The weight inputs are book values of every drug the draw read.
    selection: selectionOf(db, head, sheetVisible && sight.scopeAt(head.storeId) === null),
  };
}

export function listStocktakes(
  ctx: HandlerContext,
  filter: { clinicId: number | null; storeId?: number; status?: StocktakeStatus; kind?: StocktakeKind; limit: number },
) {
  const doctor = ctx.user.role === 'village_doctor';
  const filters = query.where([
    ...given(filter.clinicId, (id) => query`t.clinic_id = ${id}`),
    ...given(filter.storeId, (id) => query`t.store_id = ${id}`),
    ...given(filter.status, (status) => query`t.status = ${status}`),
    ...given(filter.kind, (kind) => query`t.kind = ${kind}`),
    // A village doctor does not see an on-site count while the hub's counter is still at it.
    ...(doctor ? [query`NOT (t.counter_mode = 'onsite' AND t.status = 'counting')`] : []),
  ]);
  const rows = selectRows<Record<string, unknown>>(
    ctx.db,
    query`${headSelect} ${filters}
      ORDER BY CASE t.status WHEN 'counting' THEN 0 WHEN 'submitted' THEN 1 ELSE 2 END, t.id DESC LIMIT ${filter.limit}`,
  );
  const heads = rows.map((r) => toHead(r)!);
  const closed = closedTotals(
    ctx.db,
    heads.filter((h) => h.status === 'approved' || h.status === 'cancelled'),
  );
  return heads.map((head) => summaryOf(ctx, head, closed.get(head.id) ?? totalsOf(head, lineStates(ctx.db, head.id))));
}

/**
 * Totals of finished stocktakes for a list, in one query per 500: approved ones carry their posted figures;
 * cancelled ones show only how far the count got. Open ones (at most one per store) are worked out in full.
 */
function closedTotals(db: ReadDb, heads: StocktakeHead[]): Map<number, Totals> {
  const out = new Map<number, Totals>();
  for (let i = 0; i < heads.length; i += 500) {
    const chunk = heads.slice(i, i + 500);
    const rows = db
      .prepare(
        `SELECT l.stocktake_id AS id, count(*) AS lines,
                coalesce(sum(c.id IS NOT NULL AND r.id IS NULL), 0) AS counted,
                coalesce(sum(r.id IS NOT NULL), 0) AS recount,
                coalesce(sum(c.id IS NOT NULL AND r.id IS NULL AND c.counted_qty = c.book_qty), 0) AS matched
           FROM stocktake_lines l
           LEFT JOIN stocktake_counts c ON c.id = (SELECT max(x.id) FROM stocktake_counts x WHERE x.line_id = l.id)
           LEFT JOIN stocktake_recounts r ON r.count_id = c.id
          WHERE l.stocktake_id IN (${chunk.map(() => '?').join(',')}) GROUP BY l.stocktake_id`,
      )
      .all(...chunk.map((h) => h.id)) as { id: number; lines: number; counted: number; recount: number; matched: number }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const h of chunk) {
      const r = byId.get(h.id) ?? { lines: 0, counted: 0, recount: 0, matched: 0 };
      out.set(h.id, {
        lineCount: r.lines,
        countedCount: r.counted,
        recountCount: r.recount,
        matchedCount: h.matchedCountStored ?? r.matched,
        surplusAmount: h.surplusAmountStored ?? 0,
        shortageAmount: h.shortageAmountStored ?? 0,
      });
    }
  }
  return out;
}
