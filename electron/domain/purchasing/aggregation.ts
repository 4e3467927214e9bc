/**
 * Aggregation (汇总): approved requisitions + the hub's own replenishment → one purchase order per supplier.
 *
 * For every drug in the run:
 *   clinicQty     = Σ (approved − issued) over the selected requisitions' lines
 *   hubStock      = hub store balance in lots not expired today
 *   hubCommitted  = Σ (approved − issued) over other open requisitions (approved for clinics, outside this run)
 *   hubAvailable  = hubStock − hubCommitted
 *   onOrder       = Σ (ordered − received) over draft, sent and partly received orders
 *   hubNeed       = hub max (or hub min when no max) if replenishment is on, hub min is set and
 *                   hubAvailable + onOrder − clinicQty < hub min; else 0
 *   netQty        = max(0, clinicQty + hubNeed − hubAvailable − onOrder)
 *   orderQty      = netQty rounded up to whole packs
 * A drug with orderQty > 0 goes to its default supplier at that supplier's active contract price; one
 * without either is a blocking problem. The plan is deterministic: the same data gives the same plan and
 * the same fingerprint, which `create` checks again inside its transaction.
 */
import crypto from 'node:crypto';
import { sql, type ReadDb } from '../../db/database';
import { AppError, invalidState } from '../../errors';
import { divRound, lineAmountFromPackPrice } from '../../../shared/money';
import { CATALOG_SHARE_THRESHOLD_BP } from '../../../shared/contract/requisitions';
import type { WriteContext } from '../context';
import { nextDocNo } from '../docno';
import { closeIfFulfilled } from './requisitions';
import type { AggregationLine, AggregationPreview, CatalogShare, LineSource } from '../../../shared/contract/orders';
import { contractPrice, drugsWithHubMin, getDrug, snapshotOf, vbpSuggestionFor, type DrugRow } from './drugs';
import { ceilToPacks, usableStock } from './stockinfo';
import { hubStoreId } from '../master-data/stores';
import { chineseOrder } from '../../lib/chinese-order';

export interface Selection {
  requisitionIds: number[];
  hubReplenishment: boolean;
}

interface DemandRow {
  requisitionLineId: number;
  requisitionId: number;
  requisitionDocNo: string;
  clinicId: number;
  clinicName: string;
  drugId: number;
  qty: number;
  originalDrugName: string | null;
}

function selectedRequisitions(db: ReadDb, ids: number[]) {
  const rows = ids.map((id) => {
    const r = sql(
      db,
      `SELECT r.id, r.doc_no AS docNo, r.status, r.aggregation_id AS aggregationId, c.name AS clinicName,
          (SELECT count(*) FROM requisition_lines l WHERE l.requisition_id = r.id) AS lineCount
         FROM requisitions r JOIN clinics c ON c.id = r.clinic_id WHERE r.id = ?`,
    ).get(id) as { id: number; docNo: string; status: string; aggregationId: number | null; clinicName: string; lineCount: number } | undefined;
    if (!r) throw new AppError('NOT_FOUND', `请领单不存在（编号 ${id}）`);
    if (r.aggregationId !== null) throw invalidState(`${r.docNo}（${r.clinicName}）已经汇总过，不能重复汇总`);
    if (r.status !== 'reviewed') throw invalidState(`${r.docNo}（${r.clinicName}）尚未审核完毕或已结束，只能汇总已审核的请领单`);
    return r;
  });
  return rows;
}

function demandOf(db: ReadDb, requisitionId: number): DemandRow[] {
  return sql(
    db,
    `SELECT l.id AS requisitionLineId, r.id AS requisitionId, r.doc_no AS requisitionDocNo, r.clinic_id AS clinicId,
        c.name AS clinicName, l.drug_id AS drugId, l.approved_qty - l.issued_qty AS qty, l.original_drug_name AS originalDrugName
       FROM requisition_lines l JOIN requisitions r ON r.id = l.requisition_id JOIN clinics c ON c.id = r.clinic_id
      WHERE r.id = ? AND l.decision IN ('approved', 'adjusted') AND l.approved_qty > l.issued_qty
      ORDER BY l.line_no`,
  ).all(requisitionId) as DemandRow[];
}

function committedOutside(db: ReadDb, drugId: number, selected: Set<number>): number {
  const rows = sql(
    db,
    `SELECT l.requisition_id AS rid, l.approved_qty - l.issued_qty AS q
       FROM requisition_lines l JOIN requisitions r ON r.id = l.requisition_id
      WHERE l.drug_id = ? AND r.status IN ('submitted', 'reviewed') AND l.decision IN ('approved', 'adjusted')
        AND l.approved_qty > l.issued_qty`,
  ).all(drugId) as { rid: number; q: number }[];
  return rows.filter((r) => !selected.has(r.rid)).reduce((n, r) => n + r.q, 0);
}

export function onOrder(db: ReadDb, drugId: number): number {
  return (
    sql(
      db,
      `SELECT coalesce(sum(l.qty - l.received_qty), 0) AS q
         FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.po_id
        WHERE l.drug_id = ? AND o.status IN ('draft', 'sent', 'partly_received')`,
    ).get(drugId) as { q: number }
  ).q;
}

function problemOf(drug: DrugRow, price: ReturnType<typeof contractPrice>): AggregationLine['problem'] {
  const name = `${drug.genericName}（${drug.spec}）`;
  if (!drug.active) return { code: 'drug_inactive', message: `${name}已停用，不能采购` };
  if (!price) return { code: 'no_supplier', message: `${name}没有设置默认配送企业` };
  if (!price.supplierActive) return { code: 'supplier_inactive', message: `${name}的默认配送企业“${price.supplierName}”已停用` };
  if (price.packPrice === null) return { code: 'no_price', message: `${name}在“${price.supplierName}”没有有效的合同价` };
  return null;
}

export interface AggregationPlan extends AggregationPreview {
  requisitionIds: number[];
}

export function share(lines: { amount: number | null; insuranceClass: string; vbp: boolean }[]): CatalogShare {
  let totalAmount = 0;
  let catalogAmount = 0;
  let vbpAmount = 0;
  let catalogItems = 0;
  let vbpItems = 0;
  for (const l of lines) {
    const amount = l.amount ?? 0;
    totalAmount += amount;
    if (l.insuranceClass !== 'none') {
      catalogAmount += amount;
      catalogItems++;
    }
    if (l.vbp) {
      vbpAmount += amount;
      vbpItems++;
    }
  }
  const bp = (part: number, whole: number) => (whole === 0 ? 10000 : Number(divRound(BigInt(part) * 10000n, BigInt(whole))));
  const amountShareBp = bp(catalogAmount, totalAmount);
  const itemShareBp = bp(catalogItems, lines.length);
  return {
    totalAmount,
    catalogAmount,
    vbpAmount,
    totalItems: lines.length,
    catalogItems,
    vbpItems,
    amountShareBp,
    itemShareBp,
    thresholdBp: CATALOG_SHARE_THRESHOLD_BP,
    belowThreshold: lines.length > 0 && (amountShareBp < CATALOG_SHARE_THRESHOLD_BP || itemShareBp < CATALOG_SHARE_THRESHOLD_BP),
  };
}

/** Computes the whole run from the database as it is now. Reads only. */
export function planAggregation(db: ReadDb, sel: Selection, today: string): AggregationPlan {
  const ids = [...new Set(sel.requisitionIds)].sort((a, b) => a - b);
  if (ids.length === 0 && !sel.hubReplenishment) {
    throw new AppError('VALIDATION', '请选择要汇总的请领单，或勾选药库补货', [{ path: 'requisitionIds', message: '请选择请领单' }]);
  }
  const requisitions = selectedRequisitions(db, ids);
  const selected = new Set(ids);
  const demand = new Map<number, DemandRow[]>();
  for (const id of ids) {
    for (const d of demandOf(db, id)) {
      const list = demand.get(d.drugId) ?? [];
      list.push(d);
      demand.set(d.drugId, list);
    }
  }
  const drugs = new Map<number, DrugRow>();
  for (const drugId of demand.keys()) drugs.set(drugId, getDrug(db, drugId));
  if (sel.hubReplenishment) for (const d of drugsWithHubMin(db)) if (!drugs.has(d.id)) drugs.set(d.id, d);

  const hubStore = hubStoreId(db);
  const lines: AggregationLine[] = [];
  for (const drug of drugs.values()) {
    const sources: LineSource[] = (demand.get(drug.id) ?? []).map((d) => ({
      requisitionLineId: d.requisitionLineId,
      requisitionId: d.requisitionId,
      requisitionDocNo: d.requisitionDocNo,
      clinicId: d.clinicId,
      clinicName: d.clinicName,
      qty: d.qty,
      originalDrugName: d.originalDrugName,
    }));
    const clinicQty = sources.reduce((n, s) => n + s.qty, 0);
    const hubStock = usableStock(db, hubStore, drug.id, today);
    const hubCommitted = committedOutside(db, drug.id, selected);
    const hubAvailable = hubStock - hubCommitted;
    const ordered = onOrder(db, drug.id);
    let hubNeed = 0;
    if (sel.hubReplenishment && drug.hubMin !== null && hubAvailable + ordered - clinicQty < drug.hubMin) {
      hubNeed = Math.max(drug.hubMax ?? drug.hubMin, drug.hubMin);
    }
    const netQty = Math.max(0, clinicQty + hubNeed - hubAvailable - ordered);
    const orderQty = ceilToPacks(netQty, drug.packSize);
    if (clinicQty === 0 && orderQty === 0) continue; // a hub-min drug that is well stocked: not part of the run
    const price = orderQty > 0 ? contractPrice(db, drug) : null;
    const problem = orderQty > 0 ? problemOf(drug, price) : null;
    const packPrice = problem ? null : (price?.packPrice ?? null);
    lines.push({
      ...snapshotOf(drug),
      nhsaCode: drug.nhsaCode,
      clinicQty,
      hubMin: drug.hubMin,
      hubMax: drug.hubMax,
      hubNeed,
      hubStock,
      hubCommitted,
      hubAvailable,
      onOrder: ordered,
      netQty,
      orderQty,
      supplierId: price?.supplierId ?? null,
      supplierName: price?.supplierName ?? null,
      packPrice,
      amount: packPrice === null ? null : lineAmountFromPackPrice(orderQty, packPrice, drug.packSize),
      sources,
      problem,
      vbpSuggestion: vbpSuggestionFor(db, drug, Math.max(orderQty, clinicQty)),
    });
  }
  lines.sort((a, b) => chineseOrder.compare(a.drugName, b.drugName) || chineseOrder.compare(a.spec, b.spec) || a.drugId - b.drugId);

  const orderable = lines.filter((l) => l.orderQty > 0 && !l.problem);
  const bySupplier = new Map<number, { supplierId: number; supplierName: string; totalAmount: number; lines: AggregationLine[] }>();
  for (const l of orderable) {
    const o = bySupplier.get(l.supplierId!) ?? { supplierId: l.supplierId!, supplierName: l.supplierName!, totalAmount: 0, lines: [] };
    o.lines.push(l);
    o.totalAmount += l.amount!;
    bySupplier.set(l.supplierId!, o);
  }
  const orders = [...bySupplier.values()].sort((a, b) => chineseOrder.compare(a.supplierName, b.supplierName) || a.supplierId - b.supplierId);

  const plan = {
    hubReplenishment: sel.hubReplenishment,
    requisitions: requisitions.map((r) => ({ id: r.id, docNo: r.docNo, clinicName: r.clinicName, lineCount: r.lineCount })),
    orders,
    covered: lines.filter((l) => l.orderQty === 0),
    problems: lines.filter((l) => l.problem !== null),
    share: share(orderable),
  };
  return { ...plan, requisitionIds: ids, fingerprint: fingerprintOf(plan) };
}

function fingerprintOf(plan: Omit<AggregationPreview, 'fingerprint'>): string {
  return crypto.createHash('sha256').update(JSON.stringify(plan)).digest('hex');
}

export interface CreatedAggregation {
  id: number;
  docNo: string;
  orderIds: number[];
}

/**
 * Creates what the pharmacist previewed, in the caller's write transaction: the aggregation with its
 * arithmetic, one draft order per supplier with lines and their sources, and the requisitions marked
 * as aggregated (closed when nothing is left to deliver). Refuses when the data changed since the preview.
 */
export function createAggregation(ctx: WriteContext, sel: Selection, fingerprint: string, note: string | null): CreatedAggregation {
  const db = ctx.db;
  const plan = planAggregation(db, sel, ctx.today);
  if (plan.fingerprint !== fingerprint) {
    throw new AppError('CONFLICT', '预览之后库存、订单或请领单有变化，汇总结果已不同，请重新预览后再生成订单');
  }
  if (plan.problems.length) {
    throw new AppError(
      'BUSINESS_RULE',
      `有 ${plan.problems.length} 种药品无法采购：${plan.problems[0].problem!.message}。请先在基础数据中补齐配送企业与合同价`,
    );
  }
  if (plan.orders.length === 0 && plan.requisitions.length === 0) {
    throw new AppError('BUSINESS_RULE', '药库库存充足，没有需要采购的药品');
  }
  const at = ctx.now.toISOString();
  const docNo = nextDocNo(db, 'HZ', ctx.today);
  const aggregationId = Number(
    sql(
      db,
      `INSERT INTO aggregations (doc_no, business_date, hub_replenishment, fingerprint, note, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(docNo, ctx.today, sel.hubReplenishment ? 1 : 0, fingerprint, note, ctx.user.id, at).lastInsertRowid,
  );
  const linkReq = sql(db, 'INSERT INTO aggregation_requisitions (aggregation_id, requisition_id) VALUES (?, ?)');
  const markReq = sql(db, 'UPDATE requisitions SET aggregation_id = ?, updated_at = ? WHERE id = ?');
  for (const id of plan.requisitionIds) {
    linkReq.run(aggregationId, id);
    markReq.run(aggregationId, at, id);
  }

  const insertAggLine = sql(
    db,
    `INSERT INTO aggregation_lines (aggregation_id, drug_id, clinic_qty, replenish_qty, hub_stock, hub_committed, hub_available,
       on_order, order_qty, po_line_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertPo = sql(
    db,
    `INSERT INTO purchase_orders (doc_no, supplier_id, supplier_name, aggregation_id, business_date, status, total_amount, note,
       created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)`,
  );
  const insertLine = sql(
    db,
    `INSERT INTO purchase_order_lines (po_id, line_no, drug_id, nhsa_code, drug_name, spec, dosage_form, manufacturer, pack_unit,
       base_unit, pack_size, insurance_class, vbp, qty, pack_price, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertSource = sql(db, 'INSERT INTO purchase_order_line_sources (po_line_id, requisition_line_id, qty) VALUES (?, ?, ?)');

  const orderIds: number[] = [];
  for (const order of plan.orders) {
    const poId = Number(
      insertPo.run(nextDocNo(db, 'CG', ctx.today), order.supplierId, order.supplierName, aggregationId, ctx.today, order.totalAmount, note, ctx.user.id, at, at)
        .lastInsertRowid,
    );
    orderIds.push(poId);
    order.lines.forEach((l, i) => {
      const poLineId = Number(
        insertLine.run(
          poId,
          i + 1,
          l.drugId,
          l.nhsaCode,
          l.drugName,
          l.spec,
          l.dosageForm,
          l.manufacturer,
          l.packUnit,
          l.baseUnit,
          l.packSize,
          l.insuranceClass,
          l.vbp ? 1 : 0,
          l.orderQty,
          l.packPrice!,
          l.amount!,
        ).lastInsertRowid,
      );
      for (const s of l.sources) insertSource.run(poLineId, s.requisitionLineId, s.qty);
      insertAggLine.run(aggregationId, l.drugId, l.clinicQty, l.hubNeed, l.hubStock, l.hubCommitted, l.hubAvailable, l.onOrder, l.orderQty, poLineId);
    });
  }
  for (const l of plan.covered) {
    insertAggLine.run(aggregationId, l.drugId, l.clinicQty, l.hubNeed, l.hubStock, l.hubCommitted, l.hubAvailable, l.onOrder, 0, null);
  }
  for (const id of plan.requisitionIds) closeIfFulfilled(db, id, ctx.now);

  ctx.audit.target = `aggregation:${aggregationId}`;
  ctx.audit.details = { docNo, orders: orderIds, requisitions: plan.requisitionIds };
  return { id: aggregationId, docNo, orderIds };
}
