import { z } from 'zod';
import { defineMethod } from './define';
import { id, isoDate, nonNegativeQty, optionalText, positiveQty, requiredText, text, unitPrice } from './common';
import { MOVEMENTS } from '../stock';

const HUB_STOCK_ROLES = ['admin', 'pharmacist'] as const;
const HUB_READ_ROLES = ['admin', 'pharmacist', 'finance'] as const;

export const storeRow = z.object({
  id: z.number().int(),
  kind: z.enum(['hub', 'clinic', 'transit']),
  clinicId: z.number().int().nullable(),
  clinicCode: z.string().nullable(),
  name: z.string(),
});
export type StoreRow = z.infer<typeof storeRow>;

/** The drug as the document saw it. */
const drugSnapshot = {
  drugId: z.number().int(),
  drugName: z.string(),
  spec: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: z.number().int(),
};

const batchNo = requiredText(40, '批号').regex(/^[A-Za-z0-9\-_/.]+$/, '批号只能包含字母、数字和 - _ / .');
export const traceCode = z.string().regex(/^\d{20}$/, '药品追溯码应为 20 位数字');

export const warning = z.object({ line: z.number().int().nullable(), message: z.string() });

// ───────────── receipts ─────────────

export const receiptLine = z.object({
  id: z.number().int(),
  lineNo: z.number().int(),
  poLineId: z.number().int().nullable(),
  ...drugSnapshot,
  manufacturer: z.string(),
  lotId: z.number().int(),
  batchNo: z.string(),
  mfgDate: z.string().nullable(),
  expiryDate: z.string(),
  qty: z.number().int(),
  packPrice: z.number().int(),
  amount: z.number().int(),
  traceCodes: z.array(z.string()),
});

export const receiptDetail = z.object({
  id: z.number().int(),
  docNo: z.string(),
  poId: z.number().int().nullable(),
  poDocNo: z.string().nullable(),
  supplierId: z.number().int(),
  supplierName: z.string(),
  invoiceNo: z.string().nullable(),
  invoiceDate: z.string().nullable(),
  businessDate: z.string(),
  status: z.enum(['posted', 'reversed']),
  totalAmount: z.number().int(),
  note: z.string().nullable(),
  createdByName: z.string(),
  createdAt: z.string(),
  reverseReason: z.string().nullable(),
  lines: z.array(receiptLine),
});

// ───────────── deliveries ─────────────

export const deliveryLine = z.object({
  id: z.number().int(),
  lineNo: z.number().int(),
  requisitionLineId: z.number().int().nullable(),
  ...drugSnapshot,
  manufacturer: z.string(),
  lotId: z.number().int(),
  batchNo: z.string(),
  expiryDate: z.string(),
  qty: z.number().int(),
  unitCost: z.number().int(),
  amount: z.number().int(),
  receivedQty: z.number().int().nullable(),
  discrepancyReason: z.string().nullable(),
  resolution: z.enum(['returned_to_hub', 'written_off']).nullable(),
  resolutionNote: z.string().nullable(),
});

export const deliveryStatus = z.enum(['in_transit', 'signed', 'discrepancy', 'resolved']);

export const deliverySummary = z.object({
  id: z.number().int(),
  docNo: z.string(),
  clinicId: z.number().int(),
  clinicName: z.string(),
  status: deliveryStatus,
  businessDate: z.string(),
  totalAmount: z.number().int(),
  lineCount: z.number().int(),
  createdByName: z.string(),
  signedByName: z.string().nullable(),
  signedAt: z.string().nullable(),
});

export const deliveryDetail = deliverySummary.extend({
  note: z.string().nullable(),
  signNote: z.string().nullable(),
  signDate: z.string().nullable(),
  lines: z.array(deliveryLine),
});

export const pendingIssueLine = z.object({
  requisitionLineId: z.number().int(),
  requisitionId: z.number().int(),
  requisitionDocNo: z.string(),
  clinicId: z.number().int(),
  clinicName: z.string(),
  ...drugSnapshot,
  approvedQty: z.number().int(),
  issuedQty: z.number().int(),
  outstandingQty: z.number().int(),
  hubAvailable: z.number().int(),
});

// ───────────── dispensing ─────────────

export const dispensingEntry = z.object({
  id: z.number().int(),
  clinicId: z.number().int(),
  businessDate: z.string(),
  rxNo: z.string().nullable(),
  visitNo: z.string().nullable(),
  note: z.string().nullable(),
  status: z.enum(['posted', 'reversed']),
  totalAmount: z.number().int(),
  createdByName: z.string(),
  createdAt: z.string(),
  reverseReason: z.string().nullable(),
  lines: z.array(
    z.object({
      id: z.number().int(),
      lineNo: z.number().int(),
      ...drugSnapshot,
      qty: z.number().int(),
      amount: z.number().int(),
      lots: z.array(z.object({ batchNo: z.string(), expiryDate: z.string(), qty: z.number().int() })),
    }),
  ),
});

// ───────────── returns and write-offs ─────────────

export const returnReason = z.enum(['near_expiry', 'quality', 'damaged', 'overstock', 'recall', 'wrong_item', 'other']);
export const writeoffReason = z.enum(['expired', 'damaged', 'lost', 'quality', 'other']);

const lotLineInput = z.object({ lotId: id, qty: positiveQty });

export const lotDocLine = z.object({
  id: z.number().int(),
  lineNo: z.number().int(),
  ...drugSnapshot,
  lotId: z.number().int(),
  batchNo: z.string(),
  expiryDate: z.string(),
  qty: z.number().int(),
  amount: z.number().int().nullable(),
});

export const returnDetail = z.object({
  id: z.number().int(),
  docNo: z.string(),
  kind: z.enum(['clinic_to_hub', 'hub_to_supplier']),
  clinicId: z.number().int().nullable(),
  clinicName: z.string().nullable(),
  supplierId: z.number().int().nullable(),
  supplierName: z.string().nullable(),
  reasonCode: returnReason,
  reason: z.string().nullable(),
  status: z.enum(['submitted', 'posted', 'rejected', 'cancelled']),
  businessDate: z.string().nullable(),
  totalAmount: z.number().int(),
  createdByName: z.string(),
  createdAt: z.string(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  lines: z.array(lotDocLine),
});

export const writeoffDetail = z.object({
  id: z.number().int(),
  docNo: z.string(),
  storeId: z.number().int(),
  storeName: z.string(),
  clinicId: z.number().int().nullable(),
  reasonCode: writeoffReason,
  reason: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']),
  businessDate: z.string().nullable(),
  totalAmount: z.number().int(),
  createdByName: z.string(),
  createdAt: z.string(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  lines: z.array(lotDocLine),
});

// ───────────── views ─────────────

export const lotBalance = z.object({
  lotId: z.number().int(),
  batchNo: z.string(),
  mfgDate: z.string().nullable(),
  expiryDate: z.string(),
  qty: z.number().int(),
  value: z.number().int(),
  unitCost: z.number().int(),
  supplierId: z.number().int().nullable(),
  supplierName: z.string().nullable(),
  expired: z.boolean(),
  nearExpiry: z.boolean(),
});

export const onHandRow = z.object({
  drugId: z.number().int(),
  nhsaCode: z.string(),
  genericName: z.string(),
  spec: z.string(),
  dosageForm: z.string(),
  manufacturer: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: z.number().int(),
  insuranceClass: z.string(),
  vbp: z.boolean(),
  qty: z.number().int(),
  value: z.number().int(),
  minQty: z.number().int().nullable(),
  maxQty: z.number().int().nullable(),
  belowMin: z.boolean(),
  nearExpiryQty: z.number().int(),
  expiredQty: z.number().int(),
  earliestExpiry: z.string().nullable(),
  lots: z.array(lotBalance),
});

export const stockCardRow = z.object({
  id: z.number().int(),
  businessDate: z.string(),
  createdAt: z.string(),
  movement: z.enum(MOVEMENTS),
  docType: z.string(),
  docId: z.number().int(),
  docNo: z.string().nullable(),
  lotId: z.number().int(),
  batchNo: z.string(),
  qty: z.number().int(),
  unitCost: z.number().int(),
  amount: z.number().int(),
  balanceQty: z.number().int(),
  balanceValue: z.number().int(),
  userName: z.string(),
  reversesId: z.number().int().nullable(),
  reversed: z.boolean(),
  /** The day (China time) the row was recorded; later than businessDate for a back-dated posting. */
  recordedOn: z.string(),
  /** 补录: booked on a business date before the day it was recorded. */
  backdated: z.boolean(),
});

export const alertRow = z.object({
  kind: z.enum(['expired', 'near_expiry', 'below_min', 'out_of_stock']),
  storeId: z.number().int(),
  storeName: z.string(),
  clinicId: z.number().int().nullable(),
  drugId: z.number().int(),
  drugName: z.string(),
  spec: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: z.number().int(),
  qty: z.number().int(),
  minQty: z.number().int().nullable(),
  batchNo: z.string().nullable(),
  expiryDate: z.string().nullable(),
  value: z.number().int(),
});

const businessDate = isoDate.optional();

export const stockApi = {
  'stock.stores': defineMethod({
    summary: '库房列表：中心药库与各村卫生室库房（村医只看到本室）',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ includeTransit: z.boolean().default(false) }).default({ includeTransit: false }),
    output: z.array(storeRow),
  }),
  'stock.onHand': defineMethod({
    summary: '某库房的库存：按药品汇总，含各批次、效期、上下限与预警标记',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({
      storeId: id,
      q: text(50, '关键字').optional(),
      filter: z.enum(['all', 'in_stock', 'near_expiry', 'expired', 'below_min', 'out_of_stock']).default('in_stock'),
      page: z.number().int().min(1).max(100_000).default(1),
      pageSize: z.number().int().min(1).max(500).default(50),
    }),
    output: z.object({ rows: z.array(onHandRow), total: z.number().int(), totalValue: z.number().int() }),
  }),
  'stock.lots': defineMethod({
    summary: '某库房某药品的在库批次（先到期的在前）',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ storeId: id, drugId: id }),
    output: z.array(lotBalance),
  }),
  'stock.card': defineMethod({
    summary: '库存台账（库存卡）：一个库房一种药品在一段时间内的每一笔收发及结存',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({ storeId: id, drugId: id, from: isoDate, to: isoDate, limit: z.number().int().min(1).max(5000).default(2000) })
      .refine((v) => v.from <= v.to, { message: '开始日期不能晚于结束日期', path: ['to'] }),
    output: z.object({
      drug: z.object({ ...drugSnapshot, manufacturer: z.string(), nhsaCode: z.string() }),
      store: storeRow,
      opening: z.object({ qty: z.number().int(), value: z.number().int() }),
      rows: z.array(stockCardRow),
      closing: z.object({ qty: z.number().int(), value: z.number().int() }),
      truncated: z.boolean(),
    }),
  }),
  'stock.alerts': defineMethod({
    summary: '库存预警：已过期、近效期（6 个月内）、低于下限、缺货',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ storeId: id.optional(), kinds: z.array(z.enum(['expired', 'near_expiry', 'below_min', 'out_of_stock'])).optional() }).default({}),
    output: z.array(alertRow),
  }),

  'receipts.create': defineMethod({
    summary: '验收入库：按采购订单收货，每行录入批号、生产日期、有效期、数量、单价、追溯码；过期与超收拒绝，近效期提示',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      poId: id,
      invoiceNo: optionalText(40, '发票号'),
      invoiceDate: isoDate.nullish(),
      businessDate,
      note: optionalText(200, '备注'),
      lines: z
        .array(
          z.object({
            poLineId: id,
            batchNo,
            mfgDate: isoDate.nullish(),
            expiryDate: isoDate,
            qty: positiveQty,
            packPrice: unitPrice.optional(),
            traceCodes: z.array(traceCode).max(10_000).default([]),
          }),
        )
        .min(1, '至少要有一行')
        .max(500, '一张入库单最多 500 行'),
    }),
    output: z.object({ receipt: receiptDetail, warnings: z.array(warning) }),
  }),
  'receipts.openOrders': defineMethod({
    summary: '待收货的采购订单（已发送或部分收货），含每行未收数量与合同单价',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ supplierId: id.optional() }).default({}),
    output: z.array(
      z.object({
        poId: z.number().int(),
        docNo: z.string(),
        supplierId: z.number().int(),
        supplierName: z.string(),
        status: z.enum(['sent', 'partly_received']),
        sentAt: z.string().nullable(),
        lines: z.array(
          z.object({
            poLineId: z.number().int(),
            ...drugSnapshot,
            manufacturer: z.string(),
            orderedQty: z.number().int(),
            receivedQty: z.number().int(),
            outstandingQty: z.number().int(),
            packPrice: z.number().int(),
            tracePrefix: z.string().nullable(),
          }),
        ),
      }),
    ),
  }),
  'receipts.list': defineMethod({
    summary: '入库单列表',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ supplierId: id.optional(), poId: id.optional(), from: isoDate.optional(), to: isoDate.optional(), limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }),
    output: z.array(receiptDetail.omit({ lines: true }).extend({ lineCount: z.number().int() })),
  }),
  'receipts.get': defineMethod({
    summary: '入库单详情',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ id }),
    output: receiptDetail,
  }),
  'receipts.reverse': defineMethod({
    summary: '冲销入库单（货物仍全部在中心药库时）：以反向记录冲回，订单的已收数量随之减少',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({ id, reason: requiredText(200, '冲销原因') }),
    output: receiptDetail,
  }),

  'deliveries.pending': defineMethod({
    summary: '待配送：已审核通过但尚未出库的请领明细，按卫生室列出，附中心库可用量',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ clinicId: id.optional() }).default({}),
    output: z.array(pendingIssueLine),
  }),
  'deliveries.preview': defineMethod({
    summary: '出库预览：按先到期先出（FEFO）分配批次，过期批次不出库',
    access: HUB_STOCK_ROLES,
    write: false,
    input: z.object({ clinicId: id, lines: z.array(z.object({ requisitionLineId: id, qty: positiveQty })).min(1, '请选择要出库的明细').max(500) }),
    output: z.object({
      lines: z.array(
        z.object({
          requisitionLineId: z.number().int(),
          ...drugSnapshot,
          qty: z.number().int(),
          lots: z.array(z.object({ lotId: z.number().int(), batchNo: z.string(), expiryDate: z.string(), qty: z.number().int(), nearExpiry: z.boolean() })),
        }),
      ),
      totalAmount: z.number().int(),
    }),
  }),
  'deliveries.create': defineMethod({
    summary: '出库配送：从中心药库按 FEFO 出库到卫生室，货物在途，等待村医签收',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      clinicId: id,
      businessDate,
      note: optionalText(200, '备注'),
      lines: z.array(z.object({ requisitionLineId: id, qty: positiveQty })).min(1, '请选择要出库的明细').max(500),
    }),
    output: deliveryDetail,
  }),
  'deliveries.list': defineMethod({
    summary: '配送单列表；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ clinicId: id.optional(), status: deliveryStatus.optional(), limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }),
    output: z.array(deliverySummary),
  }),
  'deliveries.get': defineMethod({
    summary: '配送单详情；村医只能查看本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ id }),
    output: deliveryDetail,
  }),
  'deliveries.sign': defineMethod({
    summary: '村医逐行签收配送单，填写实收数量；有差异须说明原因，差异留在在途中等待中心库处理',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({
      id,
      signDate: businessDate,
      note: optionalText(200, '签收备注'),
      lines: z.array(z.object({ lineId: id, receivedQty: nonNegativeQty, reason: optionalText(200, '差异原因') })).min(1).max(500),
    }),
    output: deliveryDetail,
  }),
  'deliveries.resolve': defineMethod({
    summary: '处理签收差异：差异数量退回中心库，或作为在途损失报损',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({ id, lineId: id, resolution: z.enum(['returned_to_hub', 'written_off']), note: requiredText(200, '处理说明') }),
    output: deliveryDetail,
  }),

  'dispensing.create': defineMethod({
    summary: '用药登记：村卫生室按先到期先用自动扣减批次，不能超过库存',
    access: ['village_doctor', 'pharmacist'],
    write: true,
    clinicScoped: true,
    input: z.object({
      clinicId: id.optional(),
      businessDate,
      rxNo: optionalText(40, '处方号'),
      visitNo: optionalText(40, '就诊号'),
      note: optionalText(200, '备注'),
      clientToken: text(64, '提交标识').min(8).optional(),
      lines: z.array(z.object({ drugId: id, qty: positiveQty })).min(1, '至少登记一种药品').max(50, '一次最多登记 50 种药品'),
    }),
    output: dispensingEntry,
  }),
  'dispensing.list': defineMethod({
    summary: '用药登记列表（默认当天）；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ clinicId: id.optional(), from: isoDate.optional(), to: isoDate.optional(), limit: z.number().int().min(1).max(1000).default(200) }).default({ limit: 200 }),
    output: z.array(dispensingEntry),
  }),
  'dispensing.reverse': defineMethod({
    summary: '冲销一条用药登记（所在月份未结账时），药品回到原批次',
    access: ['village_doctor', 'pharmacist'],
    write: true,
    clinicScoped: true,
    input: z.object({ id, reason: requiredText(200, '冲销原因') }),
    output: dispensingEntry,
  }),

  'returns.create': defineMethod({
    summary: '退货：村卫生室申请退回中心库（待中心库确认），或中心库退给配送企业（直接过账）',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({
      kind: z.enum(['clinic_to_hub', 'hub_to_supplier']),
      clinicId: id.optional(),
      supplierId: id.optional(),
      reasonCode: returnReason,
      reason: optionalText(200, '退货说明'),
      businessDate,
      lines: z.array(lotLineInput).min(1, '至少退一个批次').max(200),
    }),
    output: returnDetail,
  }),
  'returns.decide': defineMethod({
    summary: '中心库确认收到卫生室退回的药品（过账）或拒绝',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({ id, accept: z.boolean(), note: optionalText(200, '说明'), businessDate }),
    output: returnDetail,
  }),
  'returns.cancel': defineMethod({
    summary: '撤回尚未处理的退货申请',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({ id }),
    output: returnDetail,
  }),
  'returns.list': defineMethod({
    summary: '退货单列表；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ kind: z.enum(['clinic_to_hub', 'hub_to_supplier']).optional(), clinicId: id.optional(), status: z.enum(['submitted', 'posted', 'rejected', 'cancelled']).optional() }).default({}),
    output: z.array(returnDetail),
  }),

  'writeoffs.create': defineMethod({
    summary: '报损申请（过期、破损、丢失等），须药库管理员审批后过账',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({ storeId: id, reasonCode: writeoffReason, reason: optionalText(200, '报损说明'), lines: z.array(lotLineInput).min(1, '至少报损一个批次').max(200) }),
    output: writeoffDetail,
  }),
  'writeoffs.decide': defineMethod({
    summary: '审批报损：批准即过账扣减库存，或驳回',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({ id, approve: z.boolean(), note: optionalText(200, '审批意见'), businessDate }),
    output: writeoffDetail,
  }),
  'writeoffs.cancel': defineMethod({
    summary: '撤回尚未审批的报损申请',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({ id }),
    output: writeoffDetail,
  }),
  'writeoffs.list': defineMethod({
    summary: '报损单列表；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ storeId: id.optional(), status: z.enum(['pending', 'approved', 'rejected', 'cancelled']).optional() }).default({}),
    output: z.array(writeoffDetail),
  }),
};
