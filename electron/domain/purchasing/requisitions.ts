/** Requisitions (请领单): drafts, submission, withdrawal, and reading them back with their decisions. */
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import type { HandlerContext, WriteContext } from '../context';
import { AppError, invalidState, notFound } from '../../errors';
import { forbiddenClinic } from '../scope';
import { nextDocNo } from '../docno';
import type {
  RequisitionDetail,
  RequisitionLine,
  RequisitionStatus,
  RequisitionSummary,
  LineDecision,
  LineShortfall,
} from '../../../shared/contract/requisitions';
import { getDrug, vbpSuggestionFor, type DrugRow } from './drugs';
import { clinicStockInfo, targetMonths, usableStock } from './stockinfo';
import { bookSight } from '../stocktake/blind';
import { clinicStores } from '../master-data/stores';

export const SUMMARY_SELECT = `SELECT r.id, r.doc_no AS docNo, r.clinic_id AS clinicId, c.code AS clinicCode, c.name AS clinicName,
    r.status, r.note, r.created_at AS createdAt, r.updated_at AS updatedAt, r.submitted_at AS submittedAt,
    r.reviewed_at AS reviewedAt, r.aggregation_id AS aggregationId, a.doc_no AS aggregationDocNo,
    cu.display_name AS createdByName,
    (SELECT count(*) FROM requisition_lines l WHERE l.requisition_id = r.id) AS lineCount,
    (SELECT count(*) FROM requisition_lines l WHERE l.requisition_id = r.id AND l.decision = 'pending') AS pendingCount,
    (SELECT count(*) FROM requisition_lines l WHERE l.requisition_id = r.id AND l.decision = 'rejected') AS rejectedCount,
    (SELECT count(*) FROM requisition_lines l WHERE l.requisition_id = r.id AND l.decision = 'adjusted') AS adjustedCount
  FROM requisitions r
  JOIN clinics c ON c.id = r.clinic_id
  JOIN users cu ON cu.id = r.created_by
  LEFT JOIN aggregations a ON a.id = r.aggregation_id`;

interface RequisitionRow {
  id: number;
  clinicId: number;
  status: RequisitionStatus;
  aggregationId: number | null;
  createdBy: number;
}

export function requisitionRow(db: ReadDb, id: number): RequisitionRow {
  const row = sql(db, 'SELECT id, clinic_id AS clinicId, status, aggregation_id AS aggregationId, created_by AS createdBy FROM requisitions WHERE id = ?').get(
    id,
  ) as RequisitionRow | undefined;
  if (!row) throw notFound('请领单');
  return row;
}

/** A village doctor touches only their own clinic's requisitions. */
export function assertOwnClinic(ctx: HandlerContext, clinicId: number): void {
  if (ctx.user.role === 'village_doctor' && ctx.user.clinicId !== clinicId) throw forbiddenClinic();
}

/** Lines may still be decided, switched or re-decided: under review, not aggregated, nothing issued. */
export function isUnderReview(req: { status: RequisitionStatus; aggregationId: number | null }): boolean {
  return (req.status === 'submitted' || req.status === 'reviewed') && req.aggregationId === null;
}

interface LineDbRow {
  id: number;
  lineNo: number;
  drugId: number;
  drugName: string;
  spec: string;
  dosageForm: string;
  manufacturer: string;
  packUnit: string;
  baseUnit: string;
  packSize: number;
  insuranceClass: 'A' | 'B' | 'none';
  vbp: number;
  requestedQty: number;
  enteredIn: 'pack' | 'base';
  note: string | null;
  stockOnHand: number | null;
  amc: number | null;
  inTransit: number | null;
  suggestedQty: number | null;
  decision: LineDecision;
  approvedQty: number | null;
  decisionReason: string | null;
  decidedAt: string | null;
  decidedByName: string | null;
  originalDrugId: number | null;
  originalDrugName: string | null;
  originalSpec: string | null;
  originalManufacturer: string | null;
  originalPackUnit: string | null;
  originalPackSize: number | null;
  issuedQty: number;
}

export function loadRequisition(ctx: HandlerContext, id: number): RequisitionDetail {
  const db = ctx.db;
  const head = sql(
    db,
    `${SUMMARY_SELECT.replace(
      'FROM requisitions r',
      `, su.display_name AS submittedByName, ru.display_name AS reviewedByName, r.cancelled_at AS cancelledAt,
         r.cancel_reason AS cancelReason, r.created_by AS createdBy
       FROM requisitions r`,
    )}
     LEFT JOIN users su ON su.id = r.submitted_by
     LEFT JOIN users ru ON ru.id = r.reviewed_by
     WHERE r.id = ?`,
  ).get(id) as
    | (RequisitionSummary & {
        submittedByName: string | null;
        reviewedByName: string | null;
        cancelledAt: string | null;
        cancelReason: string | null;
        createdBy: number;
      })
    | undefined;
  if (!head) throw notFound('请领单');
  assertOwnClinic(ctx, head.clinicId);

  const rows = sql(
    db,
    `SELECT l.id, l.line_no AS lineNo, l.drug_id AS drugId, l.drug_name AS drugName, l.spec, l.dosage_form AS dosageForm,
        l.manufacturer, l.pack_unit AS packUnit, l.base_unit AS baseUnit, l.pack_size AS packSize,
        l.insurance_class AS insuranceClass, l.vbp, l.requested_qty AS requestedQty, l.entered_in AS enteredIn, l.note,
        l.stock_on_hand AS stockOnHand, l.amc, l.in_transit AS inTransit, l.suggested_qty AS suggestedQty,
        l.decision, l.approved_qty AS approvedQty, l.decision_reason AS decisionReason, l.decided_at AS decidedAt,
        du.display_name AS decidedByName, l.original_drug_id AS originalDrugId, l.original_drug_name AS originalDrugName,
        l.original_spec AS originalSpec, l.original_manufacturer AS originalManufacturer, l.issued_qty AS issuedQty,
        od.pack_unit AS originalPackUnit, od.pack_size AS originalPackSize
       FROM requisition_lines l LEFT JOIN users du ON du.id = l.decided_by LEFT JOIN drugs od ON od.id = l.original_drug_id
      WHERE l.requisition_id = ? ORDER BY l.line_no`,
  ).all(id) as LineDbRow[];

  const shortfalls = shortfallsOf(db, id);
  const shortClosed = shortClosedOrdersOf(db, id);
  const hub = ctx.user.role !== 'village_doctor';
  const reviewable = isUnderReview(head);
  const hubStore = hub ? (sql(db, "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number } | undefined)?.id : undefined;
  // A blind count hides the counted drugs' stock from the counter, in the snapshot too (the book at an earlier date).
  const sight = bookSight(ctx);
  const clinicStore = clinicStores(db, head.clinicId).storeId;
  const drugCache = new Map<number, DrugRow>();
  const lines: RequisitionLine[] = rows.map((r) => {
    let vbpSuggestion = null;
    if (hub && reviewable && r.issuedQty === 0 && r.vbp === 0) {
      const drug = drugCache.get(r.drugId) ?? getDrug(db, r.drugId);
      drugCache.set(r.drugId, drug);
      vbpSuggestion = vbpSuggestionFor(db, drug, r.approvedQty ?? r.requestedQty);
    }
    return {
      id: r.id,
      lineNo: r.lineNo,
      drugId: r.drugId,
      drugName: r.drugName,
      spec: r.spec,
      dosageForm: r.dosageForm,
      manufacturer: r.manufacturer,
      packUnit: r.packUnit,
      baseUnit: r.baseUnit,
      packSize: r.packSize,
      insuranceClass: r.insuranceClass,
      vbp: r.vbp === 1,
      requestedQty: r.requestedQty,
      enteredIn: r.enteredIn,
      note: r.note,
      bookHidden: sight.hides(clinicStore, r.drugId),
      stockOnHand: sight.hides(clinicStore, r.drugId) ? null : r.stockOnHand,
      amc: r.amc,
      inTransit: r.inTransit,
      suggestedQty: sight.hides(clinicStore, r.drugId) ? null : r.suggestedQty,
      decision: r.decision,
      approvedQty: r.approvedQty,
      decisionReason: r.decisionReason,
      decidedAt: r.decidedAt,
      decidedByName: r.decidedByName,
      originalDrug:
        r.originalDrugId === null
          ? null
          : {
              drugId: r.originalDrugId,
              drugName: r.originalDrugName ?? '',
              spec: r.originalSpec ?? '',
              manufacturer: r.originalManufacturer ?? '',
              packUnit: r.originalPackUnit ?? '',
              packSize: r.originalPackSize ?? 1,
            },
      issuedQty: r.issuedQty,
      shortfalls: shortfalls.get(r.id) ?? [],
      shortClosedOrder: shortClosed.get(r.id) ?? null,
      hubStock: hubStore === undefined || sight.hides(hubStore, r.drugId) ? null : usableStock(db, hubStore, r.drugId, ctx.today),
      vbpSuggestion,
    };
  });

  const role = ctx.user.role;
  const requester = role === 'village_doctor' || role === 'pharmacist';
  const { createdBy, ...summary } = head;
  void createdBy;
  return {
    ...summary,
    lines,
    can: {
      edit: requester && head.status === 'draft',
      submit: requester && head.status === 'draft',
      cancel: requester && (head.status === 'draft' || (head.status === 'submitted' && head.pendingCount === head.lineCount)),
      review: role === 'pharmacist' && reviewable && lines.some((l) => l.issuedQty === 0),
    },
  };
}

/** Delivery lines of a requisition that arrived short, by requisition line, oldest first. */
function shortfallsOf(db: ReadDb, requisitionId: number): Map<number, LineShortfall[]> {
  const rows = sql(
    db,
    `SELECT dl.requisition_line_id AS lineId, d.id AS deliveryId, d.doc_no AS deliveryDocNo, dl.qty - dl.received_qty AS qty,
        dl.discrepancy_reason AS reason, dl.resolution, dl.resolution_note AS resolutionNote
       FROM requisition_lines rl JOIN delivery_lines dl ON dl.requisition_line_id = rl.id JOIN deliveries d ON d.id = dl.delivery_id
      WHERE rl.requisition_id = ? AND dl.received_qty < dl.qty ORDER BY d.id, dl.line_no`,
  ).all(requisitionId) as (LineShortfall & { lineId: number })[];
  const out = new Map<number, LineShortfall[]>();
  for (const { lineId, ...s } of rows) out.set(lineId, [...(out.get(lineId) ?? []), s]);
  return out;
}

/** For each line of a requisition, the latest order buying for it that was closed short before all of it came. */
function shortClosedOrdersOf(db: ReadDb, requisitionId: number): Map<number, NonNullable<RequisitionLine['shortClosedOrder']>> {
  const rows = sql(
    db,
    `SELECT s.requisition_line_id AS lineId, o.doc_no AS orderDocNo, o.supplier_name AS supplierName, o.short_close_reason AS reason,
        o.short_closed_at AS closedAt
       FROM requisition_lines rl JOIN purchase_order_line_sources s ON s.requisition_line_id = rl.id
       JOIN purchase_order_lines pl ON pl.id = s.po_line_id JOIN purchase_orders o ON o.id = pl.po_id
      WHERE rl.requisition_id = ? AND o.short_closed_at IS NOT NULL AND pl.received_qty < pl.qty
      ORDER BY o.short_closed_at, o.id`,
  ).all(requisitionId) as ({ lineId: number } & NonNullable<RequisitionLine['shortClosedOrder']>)[];
  const out = new Map<number, NonNullable<RequisitionLine['shortClosedOrder']>>();
  for (const { lineId, ...order } of rows) out.set(lineId, order);
  return out;
}

export interface LineInput {
  drugId: number;
  qty: number;
  enteredIn: 'pack' | 'base';
  note: string | null;
}

/** The clinic a new requisition is for: the doctor's own, or the one a hub user names. */
export function requisitionClinic(ctx: HandlerContext, requested: number | undefined): number {
  const user = ctx.user;
  if (user.role === 'village_doctor') {
    if (requested !== undefined && requested !== user.clinicId) throw forbiddenClinic();
    return user.clinicId!;
  }
  if (requested === undefined) throw new AppError('VALIDATION', '请选择村卫生室', [{ path: 'clinicId', message: '请选择村卫生室' }]);
  const clinic = sql(ctx.db, 'SELECT active FROM clinics WHERE id = ?').get(requested) as { active: number } | undefined;
  if (!clinic) throw notFound('村卫生室');
  if (clinic.active !== 1) throw new AppError('BUSINESS_RULE', '该村卫生室已停用，不能新建请领单');
  return requested;
}

/** Checks the lines against the catalog: active drugs, no drug twice, packs entered as whole packs. */
function checkLines(db: ReadDb, lines: LineInput[]): DrugRow[] {
  const seen = new Map<number, number>();
  const issues: { path: string; message: string }[] = [];
  const drugs = lines.map((line, i) => {
    const drug = getDrug(db, line.drugId);
    if (!drug.active) issues.push({ path: `lines.${i}.drugId`, message: `${drug.genericName}（${drug.spec}）已停用，不能请领` });
    if (seen.has(line.drugId)) {
      issues.push({ path: `lines.${i}.drugId`, message: `${drug.genericName}（${drug.spec}）重复，请合并为一行（第 ${seen.get(line.drugId)! + 1} 行）` });
    }
    seen.set(line.drugId, i);
    if (line.enteredIn === 'pack' && line.qty % drug.packSize !== 0) {
      issues.push({
        path: `lines.${i}.qty`,
        message: `按${drug.packUnit}录入时数量必须是整${drug.packUnit}（每${drug.packUnit} ${drug.packSize} ${drug.baseUnit}）`,
      });
    }
    return drug;
  });
  if (issues.length) throw new AppError('VALIDATION', `请领单有误：${issues[0].message}`, issues);
  return drugs;
}

/** Replaces the content of a draft: note and lines, each with a snapshot of the drug and of the clinic's stock. */
export function writeContent(ctx: WriteContext, reqId: number, clinicId: number, note: string | null, lines: LineInput[]): void {
  const db = ctx.db;
  const drugs = checkLines(db, lines);
  const months = targetMonths(db);
  sql(db, 'DELETE FROM requisition_lines WHERE requisition_id = ?').run(reqId);
  const insert = sql(
    db,
    `INSERT INTO requisition_lines (requisition_id, line_no, drug_id, drug_name, spec, dosage_form, manufacturer, pack_unit,
       base_unit, pack_size, insurance_class, vbp, requested_qty, entered_in, note, stock_on_hand, amc, in_transit, suggested_qty)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  lines.forEach((line, i) => {
    const d = drugs[i];
    const info = clinicStockInfo(db, clinicId, d, ctx.today, months);
    insert.run(
      reqId,
      i + 1,
      d.id,
      d.genericName,
      d.spec,
      d.dosageForm,
      d.manufacturer,
      d.packUnit,
      d.baseUnit,
      d.packSize,
      d.insuranceClass,
      d.vbp ? 1 : 0,
      line.qty,
      line.enteredIn,
      line.note,
      info.stockOnHand,
      info.amc,
      info.inTransit,
      info.suggestedQty,
    );
  });
  sql(db, 'UPDATE requisitions SET note = ?, updated_at = ? WHERE id = ?').run(note, ctx.now.toISOString(), reqId);
}

export function createDraft(ctx: WriteContext, clinicId: number, createToken: string | null): number {
  const at = ctx.now.toISOString();
  const { lastInsertRowid } = sql(
    ctx.db,
    `INSERT INTO requisitions (doc_no, clinic_id, status, create_token, created_by, created_at, updated_at)
     VALUES (?, ?, 'draft', ?, ?, ?, ?)`,
  ).run(nextDocNo(ctx.db, 'QL', ctx.today), clinicId, createToken, ctx.user.id, at, at);
  return Number(lastInsertRowid);
}

export function findByToken(db: ReadDb, column: 'create_token' | 'submit_token', token: string): RequisitionRow | null {
  const row = sql(
    db,
    `SELECT id, clinic_id AS clinicId, status, aggregation_id AS aggregationId, created_by AS createdBy FROM requisitions WHERE ${column} = ?`,
  ).get(token) as RequisitionRow | undefined;
  return row ?? null;
}

export function assertDraft(req: RequisitionRow): void {
  if (req.status === 'draft') return;
  throw invalidState(req.status === 'cancelled' ? '该请领单已作废，不能修改' : '该请领单已提交，不能再修改');
}

/**
 * Closes a requisition once nothing is left to deliver: every line rejected, or issued in full.
 * Exported for the stock module, which calls it after issuing against requisition lines.
 */
export function closeIfFulfilled(db: WriteDb, requisitionId: number, at: Date): boolean {
  const row = sql(
    db,
    `SELECT r.status,
        (SELECT count(*) FROM requisition_lines l WHERE l.requisition_id = r.id AND l.decision = 'pending') AS pending,
        (SELECT count(*) FROM requisition_lines l WHERE l.requisition_id = r.id AND l.approved_qty > l.issued_qty) AS open
       FROM requisitions r WHERE r.id = ?`,
  ).get(requisitionId) as { status: RequisitionStatus; pending: number; open: number } | undefined;
  if (row?.status !== 'reviewed' || row.pending > 0 || row.open > 0) return false;
  sql(db, "UPDATE requisitions SET status = 'closed', closed_at = ?, updated_at = ? WHERE id = ?").run(at.toISOString(), at.toISOString(), requisitionId);
  return true;
}
