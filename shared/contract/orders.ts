import { z } from 'zod';
import { defineMethod } from './define';
import { fileContent, id, optionalText, pageOf, paging, requiredText, text } from './common';
import { drugSnapshot, vbpSuggestion } from './requisitions';

/** Aggregation (汇总) of approved requisitions and the hub's own needs into purchase orders (采购订单). */

/** short_closed: partly received, then closed by the pharmacist (终止收货): the rest will never come. */
export const ORDER_STATUSES = ['draft', 'sent', 'partly_received', 'received', 'short_closed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  draft: '草稿',
  sent: '已发送',
  partly_received: '部分到货',
  received: '已到货',
  short_closed: '已终止收货',
  cancelled: '已作废',
};

export const AGGREGATION_PROBLEMS = ['no_supplier', 'supplier_inactive', 'no_price', 'drug_inactive'] as const;

/** One requisition line an order line serves. */
export const lineSource = z.object({
  requisitionLineId: z.number().int(),
  requisitionId: z.number().int(),
  requisitionDocNo: z.string(),
  clinicId: z.number().int(),
  clinicName: z.string(),
  /** Base units of the clinic's approved, not yet issued quantity this order counted as demand. */
  qty: z.number().int(),
  /** Set when the hub switched the clinic's requested drug to this 集采 drug. */
  originalDrugName: z.string().nullable(),
});
export type LineSource = z.infer<typeof lineSource>;

/** The arithmetic of one drug in an aggregation: every number the order quantity comes from. */
export const aggregationLine = drugSnapshot.extend({
  nhsaCode: z.string(),
  /** Approved, not yet issued base units of the selected requisitions. */
  clinicQty: z.number().int(),
  hubMin: z.number().int().nullable(),
  hubMax: z.number().int().nullable(),
  /** The stock level the hub wants to keep for itself (hub max) when replenishment applies, else 0. */
  hubNeed: z.number().int(),
  /** Hub store balance in lots that have not expired. */
  hubStock: z.number().int(),
  /** Approved for clinics outside this run and not yet issued. */
  hubCommitted: z.number().int(),
  /** hubStock − hubCommitted (may be negative). */
  hubAvailable: z.number().int(),
  /** Ordered and not yet received (draft, sent and partly received orders). */
  onOrder: z.number().int(),
  /** clinicQty + hubNeed − hubAvailable − onOrder, at least 0, before rounding. */
  netQty: z.number().int(),
  /** netQty rounded up to whole packs. */
  orderQty: z.number().int(),
  supplierId: z.number().int().nullable(),
  supplierName: z.string().nullable(),
  packPrice: z.number().int().nullable(),
  amount: z.number().int().nullable(),
  sources: z.array(lineSource),
  problem: z.object({ code: z.enum(AGGREGATION_PROBLEMS), message: z.string() }).nullable(),
  vbpSuggestion: vbpSuggestion.nullable(),
});
export type AggregationLine = z.infer<typeof aggregationLine>;

export const catalogShare = z.object({
  totalAmount: z.number().int(),
  catalogAmount: z.number().int(),
  vbpAmount: z.number().int(),
  totalItems: z.number().int(),
  catalogItems: z.number().int(),
  vbpItems: z.number().int(),
  /** Insurance-catalog share in basis points (10000 = 100%), rounded half up. */
  amountShareBp: z.number().int(),
  itemShareBp: z.number().int(),
  thresholdBp: z.number().int(),
  belowThreshold: z.boolean(),
});
export type CatalogShare = z.infer<typeof catalogShare>;

export const aggregationPreview = z.object({
  /** Pass back to aggregation.create: it refuses if anything changed since this preview. */
  fingerprint: z.string(),
  hubReplenishment: z.boolean(),
  requisitions: z.array(z.object({ id: z.number().int(), docNo: z.string(), clinicName: z.string(), lineCount: z.number().int() })),
  orders: z.array(
    z.object({
      supplierId: z.number().int(),
      supplierName: z.string(),
      totalAmount: z.number().int(),
      lines: z.array(aggregationLine),
    }),
  ),
  /** Drugs the hub's stock and open orders already cover: nothing to order. */
  covered: z.array(aggregationLine),
  /** Drugs that need ordering but cannot be (no supplier or price): they block creating the orders. */
  problems: z.array(aggregationLine),
  share: catalogShare,
});
export type AggregationPreview = z.infer<typeof aggregationPreview>;

export const orderSummary = z.object({
  id: z.number().int(),
  docNo: z.string(),
  supplierId: z.number().int(),
  supplierName: z.string(),
  status: z.enum(ORDER_STATUSES),
  businessDate: z.string(),
  lineCount: z.number().int(),
  totalAmount: z.number().int(),
  aggregationId: z.number().int().nullable(),
  aggregationDocNo: z.string().nullable(),
  createdByName: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  shortClosedAt: z.string().nullable(),
});
export type OrderSummary = z.infer<typeof orderSummary>;

export const orderLine = drugSnapshot.extend({
  id: z.number().int(),
  lineNo: z.number().int(),
  nhsaCode: z.string(),
  qty: z.number().int(),
  packPrice: z.number().int(),
  amount: z.number().int(),
  receivedQty: z.number().int(),
  sources: z.array(lineSource),
});
export type OrderLine = z.infer<typeof orderLine>;

export const orderDetail = orderSummary.extend({
  hub: z.object({ name: z.string(), address: z.string().nullable(), phone: z.string().nullable() }),
  supplier: z.object({
    name: z.string(),
    creditCode: z.string(),
    licenceNo: z.string().nullable(),
    contact: z.string().nullable(),
    phone: z.string().nullable(),
    address: z.string().nullable(),
  }),
  note: z.string().nullable(),
  sentByName: z.string().nullable(),
  cancelReason: z.string().nullable(),
  /** 终止收货: who closed the order short, when, and why. What each line still lacked (qty − receivedQty) will never come. */
  shortClose: z.object({ at: z.string(), byName: z.string(), reason: z.string() }).nullable(),
  lines: z.array(orderLine),
  can: z.object({ send: z.boolean(), cancel: z.boolean(), shortClose: z.boolean() }),
});
export type OrderDetail = z.infer<typeof orderDetail>;

const selection = {
  requisitionIds: z.array(id).max(1000, '一次最多汇总 1000 张请领单'),
  /** Add the hub's own replenishment (drugs below hub min are ordered up to hub max). */
  hubReplenishment: z.boolean(),
};

const PHARMACIST = ['pharmacist'] as const;
const HUB_READERS = ['admin', 'pharmacist', 'finance'] as const;

export const ordersApi = {
  'aggregation.preview': defineMethod({
    summary: '汇总预览：所选已审核请领单 + 药库补货（下限/上限）− 药库可用库存 − 在途订单 → 按配送企业拆分的订单行，含来源、集采替代建议与医保目录占比',
    access: PHARMACIST,
    write: false,
    input: z.object(selection),
    output: aggregationPreview,
  }),
  'aggregation.create': defineMethod({
    summary: '按预览生成汇总单与每个配送企业一张采购订单草稿（一个事务）；数据在预览后有变化时拒绝，须重新预览',
    access: PHARMACIST,
    write: true,
    input: z.object({
      ...selection,
      fingerprint: z.string({ error: '缺少预览标识' }).regex(/^[0-9a-f]{64}$/, '预览标识格式错误'),
      note: optionalText(200, '备注'),
    }),
    output: z.object({ id: z.number().int(), docNo: z.string(), orders: z.array(orderSummary) }),
  }),
  'orders.list': defineMethod({
    summary: '采购订单列表（可按状态、配送企业、单号筛选）',
    access: HUB_READERS,
    write: false,
    input: z
      .object({
        status: z.array(z.enum(ORDER_STATUSES)).max(ORDER_STATUSES.length).optional(),
        supplierId: id.optional(),
        aggregationId: id.optional(),
        keyword: text(40, '关键字').optional(),
        ...paging,
      })
      .default({ page: 1, pageSize: 50 }),
    output: pageOf(orderSummary),
  }),
  'orders.get': defineMethod({
    summary: '一张采购订单：配送企业、订单行（含对应的村卫生室请领行）、金额',
    access: HUB_READERS,
    write: false,
    input: z.object({ id }),
    output: orderDetail,
  }),
  'orders.send': defineMethod({
    summary: '发送采购订单（草稿 → 已发送）',
    access: PHARMACIST,
    write: true,
    input: z.object({ id }),
    output: orderDetail,
  }),
  'orders.cancel': defineMethod({
    summary: '作废采购订单：草稿可直接作废；已发送且尚未到货的须填原因。只由作废订单供应的请领单回到待汇总',
    access: PHARMACIST,
    write: true,
    input: z.object({ id, reason: optionalText(200, '作废原因') }),
    output: orderDetail,
  }),
  'orders.shortClose': defineMethod({
    summary:
      '终止收货：部分到货的订单，配送企业不再送来其余部分时由药库关闭，须填原因。未到的数量不再计入在途（汇总不再扣减、月结不再提醒）；它本要供应、仍未配送完的请领单回到待汇总（released 为其单号）',
    access: PHARMACIST,
    write: true,
    input: z.object({ id, reason: requiredText(200, '终止原因') }),
    output: orderDetail.extend({ released: z.array(z.string()) }),
  }),
  'orders.export': defineMethod({
    summary: '导出采购订单为 Excel（.xlsx）',
    access: HUB_READERS,
    write: false,
    input: z.object({ id }),
    output: fileContent,
  }),
};
