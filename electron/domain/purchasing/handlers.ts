import { defineHandlers } from '../context';
import { clinicScope } from '../scope';
import { sql } from '../../db/database';
import { AppError, invalidState } from '../../errors';
import { CATALOG_SHARE_THRESHOLD_BP, type RequisitionSummary } from '../../../shared/contract/requisitions';
import type { OrderSummary } from '../../../shared/contract/orders';
import { AMC_MIN_DAYS_IN_STOCK, AMC_WINDOW_DAYS } from './amc';
import { clinicStockInfo, setTargetMonths, shownTo, targetMonths } from './stockinfo';
import { assertStoresBookVisible, bookSight } from '../stocktake/blind';
import { getDrug } from './drugs';
import {
  assertDraft,
  assertOwnClinic,
  createDraft,
  findByToken,
  loadRequisition,
  requisitionClinic,
  requisitionRow,
  SUMMARY_SELECT,
  writeContent,
} from './requisitions';
import { decideLines, switchToVbp } from './review';
import { createAggregation, planAggregation } from './aggregation';
import { cancelOrder, loadOrder, ORDER_STATUS_SQL, ORDER_SUMMARY_SELECT, orderSummary, sendOrder, shortCloseOrder } from './orders';
import { orderWorkbook } from './export';
import { clinicStores, hubStoreId } from '../master-data/stores';

const settingsOf = (months: number) => ({
  targetMonths: months,
  amcWindowDays: AMC_WINDOW_DAYS,
  minDaysInStock: AMC_MIN_DAYS_IN_STOCK,
  catalogShareThresholdBp: CATALOG_SHARE_THRESHOLD_BP,
});

/** Order quantities are worked out from the hub's stock, so they would show its book to its blind counter. */
const AGGREGATION_READS_HUB_BOOK = '汇总采购（订购数量由中心药库的账面库存算出），请由其他药库人员汇总';

/** LIKE pattern for a keyword typed by a user (wildcards escaped). */
const likeOf = (k: string) => `%${k.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export const purchasingHandlers = defineHandlers({
  'purchasing.settings': (ctx) => settingsOf(targetMonths(ctx.db)),

  'purchasing.updateSettings': (ctx, input) => {
    setTargetMonths(ctx.db, input.targetMonths);
    ctx.audit.target = 'setting:purchasing.targetMonths';
    return settingsOf(input.targetMonths);
  },

  'requisitions.stockInfo': (ctx, input) => {
    const clinicId = clinicScope(ctx, input.clinicId);
    if (clinicId === null) throw new AppError('VALIDATION', '请选择村卫生室', [{ path: 'clinicId', message: '请选择村卫生室' }]);
    const months = targetMonths(ctx.db);
    const sight = bookSight(ctx);
    const store = clinicStores(ctx.db, clinicId).storeId;
    const rows = [...new Set(input.drugIds)].map((id) => shownTo(sight, store, clinicStockInfo(ctx.db, clinicId, getDrug(ctx.db, id), ctx.today, months)));
    return { targetMonths: months, rows };
  },

  'requisitions.list': (ctx, input) => {
    const clinicId = clinicScope(ctx, input.clinicId);
    const where: string[] = [];
    const params: unknown[] = [];
    if (clinicId !== null) {
      where.push('r.clinic_id = ?');
      params.push(clinicId);
    }
    if (input.status?.length) {
      where.push(`r.status IN (${input.status.map(() => '?').join(', ')})`);
      params.push(...input.status);
    }
    if (input.aggregatable) where.push("r.status = 'reviewed' AND r.aggregation_id IS NULL");
    // Drafts are the clinic's work in progress: the hub sees only its own.
    if (ctx.user.role !== 'village_doctor') {
      where.push("(r.status <> 'draft' OR r.created_by = ?)");
      params.push(ctx.user.id);
    }
    if (input.keyword) {
      where.push("(r.doc_no LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\' OR c.code LIKE ? ESCAPE '\\')");
      const k = likeOf(input.keyword);
      params.push(k, k, k);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (sql(ctx.db, `SELECT count(*) AS n FROM requisitions r JOIN clinics c ON c.id = r.clinic_id ${filter}`).get(...params) as { n: number }).n;
    const rows = sql(ctx.db, `${SUMMARY_SELECT} ${filter} ORDER BY coalesce(r.submitted_at, r.created_at) DESC, r.id DESC LIMIT ? OFFSET ?`).all(
      ...params,
      input.pageSize,
      (input.page - 1) * input.pageSize,
    ) as RequisitionSummary[];
    return { rows, total, page: input.page, pageSize: input.pageSize };
  },

  'requisitions.get': (ctx, input) => loadRequisition(ctx, input.id),

  'requisitions.saveDraft': (ctx, input) => {
    let id: number;
    let clinicId: number;
    const again = input.id === undefined && input.createToken ? findByToken(ctx.db, 'create_token', input.createToken) : null;
    if (input.id !== undefined || again) {
      const req = requisitionRow(ctx.db, input.id ?? again!.id);
      assertOwnClinic(ctx, req.clinicId);
      if (input.clinicId !== undefined && input.clinicId !== req.clinicId) throw new AppError('VALIDATION', '不能更改请领单所属的卫生室');
      assertDraft(req);
      id = req.id;
      clinicId = req.clinicId;
    } else {
      clinicId = requisitionClinic(ctx, input.clinicId);
      id = createDraft(ctx, clinicId, input.createToken ?? null);
    }
    writeContent(ctx, id, clinicId, input.note, input.lines);
    ctx.audit.target = `requisition:${id}`;
    return loadRequisition(ctx, id);
  },

  'requisitions.submit': (ctx, input) => {
    // A retried or double-clicked submit finds the requisition the first one made, and changes nothing.
    const done = findByToken(ctx.db, 'submit_token', input.submitToken);
    if (done) {
      assertOwnClinic(ctx, done.clinicId);
      ctx.audit.target = `requisition:${done.id}`;
      ctx.audit.details = { repeated: true };
      return loadRequisition(ctx, done.id);
    }
    let id: number;
    let clinicId: number;
    if (input.id !== undefined) {
      const req = requisitionRow(ctx.db, input.id);
      assertOwnClinic(ctx, req.clinicId);
      if (input.clinicId !== undefined && input.clinicId !== req.clinicId) throw new AppError('VALIDATION', '不能更改请领单所属的卫生室');
      assertDraft(req);
      id = req.id;
      clinicId = req.clinicId;
    } else {
      clinicId = requisitionClinic(ctx, input.clinicId);
      id = createDraft(ctx, clinicId, null);
    }
    writeContent(ctx, id, clinicId, input.note, input.lines);
    const at = ctx.now.toISOString();
    sql(ctx.db, "UPDATE requisitions SET status = 'submitted', submit_token = ?, submitted_at = ?, submitted_by = ?, updated_at = ? WHERE id = ?").run(
      input.submitToken,
      at,
      ctx.user.id,
      at,
      id,
    );
    ctx.audit.target = `requisition:${id}`;
    return loadRequisition(ctx, id);
  },

  'requisitions.cancel': (ctx, input) => {
    const req = requisitionRow(ctx.db, input.id);
    assertOwnClinic(ctx, req.clinicId);
    if (req.status === 'submitted') {
      const decided = sql(ctx.db, "SELECT count(*) AS n FROM requisition_lines WHERE requisition_id = ? AND decision <> 'pending'").get(req.id) as {
        n: number;
      };
      if (decided.n > 0) throw invalidState('药库已开始审核这张请领单，不能撤回；如有变化请联系药库');
    } else if (req.status !== 'draft') {
      throw invalidState(req.status === 'cancelled' ? '该请领单已作废' : '该请领单已审核，不能撤回');
    }
    const at = ctx.now.toISOString();
    sql(ctx.db, "UPDATE requisitions SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, cancel_reason = ?, updated_at = ? WHERE id = ?").run(
      at,
      ctx.user.id,
      input.reason,
      at,
      req.id,
    );
    ctx.audit.target = `requisition:${req.id}`;
    return loadRequisition(ctx, req.id);
  },

  'requisitions.decide': (ctx, input) => {
    decideLines(ctx, input.id, input.lines);
    ctx.audit.target = `requisition:${input.id}`;
    return loadRequisition(ctx, input.id);
  },

  'requisitions.switchToVbp': (ctx, input) => ({ switched: switchToVbp(ctx, input.lineIds, input.vbpDrugId) }),

  'aggregation.preview': (ctx, input) => {
    assertStoresBookVisible(ctx, [hubStoreId(ctx.db)], AGGREGATION_READS_HUB_BOOK);
    const { requisitionIds: _ids, ...preview } = planAggregation(ctx.db, input, ctx.today);
    void _ids;
    return preview;
  },

  'aggregation.create': (ctx, input) => {
    assertStoresBookVisible(ctx, [hubStoreId(ctx.db)], AGGREGATION_READS_HUB_BOOK);
    const created = createAggregation(ctx, input, input.fingerprint, input.note);
    return { id: created.id, docNo: created.docNo, orders: created.orderIds.map((id) => orderSummary(ctx.db, id)) };
  },

  'orders.list': (ctx, input) => {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.status?.length) {
      where.push(`${ORDER_STATUS_SQL} IN (${input.status.map(() => '?').join(', ')})`);
      params.push(...input.status);
    }
    if (input.supplierId) {
      where.push('o.supplier_id = ?');
      params.push(input.supplierId);
    }
    if (input.aggregationId) {
      where.push('o.aggregation_id = ?');
      params.push(input.aggregationId);
    }
    if (input.keyword) {
      where.push("(o.doc_no LIKE ? ESCAPE '\\' OR o.supplier_name LIKE ? ESCAPE '\\')");
      const k = likeOf(input.keyword);
      params.push(k, k);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (sql(ctx.db, `SELECT count(*) AS n FROM purchase_orders o ${filter}`).get(...params) as { n: number }).n;
    const rows = sql(ctx.db, `${ORDER_SUMMARY_SELECT} ${filter} ORDER BY o.created_at DESC, o.id DESC LIMIT ? OFFSET ?`).all(
      ...params,
      input.pageSize,
      (input.page - 1) * input.pageSize,
    ) as OrderSummary[];
    return { rows, total, page: input.page, pageSize: input.pageSize };
  },

  'orders.get': (ctx, input) => loadOrder(ctx, input.id),

  'orders.send': (ctx, input) => {
    sendOrder(ctx, input.id);
    return loadOrder(ctx, input.id);
  },

  'orders.cancel': (ctx, input) => {
    cancelOrder(ctx, input.id, input.reason);
    return loadOrder(ctx, input.id);
  },

  'orders.shortClose': (ctx, input) => {
    const released = shortCloseOrder(ctx, input.id, input.reason);
    return { ...loadOrder(ctx, input.id), released };
  },

  'orders.export': {
    async: async (ctx, input) => orderWorkbook(loadOrder(ctx, input.id)),
  },
});
