import { z } from 'zod';
import { defineMethod } from './define';
import { id, nonNegativeQty, optionalText, pageOf, paging, positiveQty, text } from './common';

/** Requisitions (请领单 / 需求上报): a clinic reports what it needs; the hub decides line by line. */

export const REQUISITION_STATUSES = ['draft', 'submitted', 'reviewed', 'closed', 'cancelled'] as const;
export type RequisitionStatus = (typeof REQUISITION_STATUSES)[number];
export const REQUISITION_STATUS_LABELS: Record<RequisitionStatus, string> = {
  draft: '草稿',
  submitted: '待审核',
  reviewed: '已审核',
  closed: '已完成',
  cancelled: '已作废',
};

export const LINE_DECISIONS = ['pending', 'approved', 'adjusted', 'rejected'] as const;
export type LineDecision = (typeof LINE_DECISIONS)[number];
export const LINE_DECISION_LABELS: Record<LineDecision, string> = {
  pending: '待审核',
  approved: '同意',
  adjusted: '调整',
  rejected: '驳回',
};

export const INSURANCE_CLASSES = ['A', 'B', 'none'] as const;
export const INSURANCE_CLASS_LABELS: Record<(typeof INSURANCE_CLASSES)[number], string> = { A: '甲类', B: '乙类', none: '非医保' };

/** Policy: catalog drugs should be at least 70% of what is bought (by amount and by items), in basis points. */
export const CATALOG_SHARE_THRESHOLD_BP = 7000;

/** The drug as a document line shows it (a snapshot: later catalog edits do not change it). */
export const drugSnapshot = z.object({
  drugId: z.number().int(),
  drugName: z.string(),
  spec: z.string(),
  dosageForm: z.string(),
  manufacturer: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: z.number().int(),
  insuranceClass: z.enum(INSURANCE_CLASSES),
  vbp: z.boolean(),
});
export type DrugSnapshot = z.infer<typeof drugSnapshot>;

/** What a clinic needs to decide a quantity: stock on hand, consumption, in transit and the suggestion. */
export const stockInfo = z.object({
  drugId: z.number().int(),
  packSize: z.number().int(),
  /** Base units on the clinic's shelf in lots that have not expired. */
  stockOnHand: z.number().int(),
  /** Average monthly (30-day) consumption in base units, adjusted for days out of stock. */
  amc: z.number().int(),
  /** Net base units dispensed in the window the AMC looks at. */
  consumed: z.number().int(),
  /** Days of that window on which the clinic had the drug on its shelf. */
  daysInStock: z.number().int(),
  /** Days the AMC window covers (90, or fewer since the clinic first received the drug). */
  windowDays: z.number().int(),
  /** Issued but not signed for, plus approved but not yet issued. */
  inTransit: z.number().int(),
  targetMonths: z.number().int(),
  /** Whole packs: max(0, targetMonths × AMC − stock on hand − in transit), rounded up. */
  suggestedQty: z.number().int(),
});
export type StockInfo = z.infer<typeof stockInfo>;

/** 应采尽采: a 集采 drug with the same generic name, dosage form and strength per base unit as the requested one. */
export const vbpAlternative = z.object({
  drugId: z.number().int(),
  drugName: z.string(),
  spec: z.string(),
  manufacturer: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: z.number().int(),
  vbpBatch: z.string().nullable(),
  supplierName: z.string().nullable(),
  /** Price per pack (micro-yuan): the default supplier's contract price, else the winning bid price. */
  packPrice: z.number().int().nullable(),
  /** Price per base unit (micro-yuan), to compare drugs with different pack sizes. */
  unitPrice: z.number().int().nullable(),
  /** Amount (fen) saved on the line's quantity against the requested drug's price; negative costs more. */
  saving: z.number().int().nullable(),
});
export type VbpAlternative = z.infer<typeof vbpAlternative>;

export const vbpSuggestion = z.object({
  /** Base units the line asks for; a switch keeps exactly this many (only the packs they fill change). */
  qty: z.number().int(),
  /** The requested drug's price per base unit (micro-yuan), when it has a contract price. */
  currentUnitPrice: z.number().int().nullable(),
  alternatives: z.array(vbpAlternative),
});
export type VbpSuggestion = z.infer<typeof vbpSuggestion>;

export const SHORTFALL_RESOLUTIONS = ['returned_to_hub', 'written_off'] as const;
export const SHORTFALL_RESOLUTION_LABELS: Record<(typeof SHORTFALL_RESOLUTIONS)[number], string> = {
  returned_to_hub: '已退回中心库',
  written_off: '在途报损',
};

/** A delivery line that arrived short (base units missing). Once settled the quantity is pending again. */
export const lineShortfall = z.object({
  deliveryId: z.number().int(),
  deliveryDocNo: z.string(),
  qty: z.number().int(),
  /** The clinic's reason when signing. */
  reason: z.string().nullable(),
  /** How the hub settled it; null while it waits for the hub (the goods still count as issued). */
  resolution: z.enum(SHORTFALL_RESOLUTIONS).nullable(),
  resolutionNote: z.string().nullable(),
});
export type LineShortfall = z.infer<typeof lineShortfall>;

export const requisitionLine = drugSnapshot.extend({
  id: z.number().int(),
  lineNo: z.number().int(),
  requestedQty: z.number().int(),
  enteredIn: z.enum(['pack', 'base']),
  note: z.string().nullable(),
  stockOnHand: z.number().int().nullable(),
  amc: z.number().int().nullable(),
  inTransit: z.number().int().nullable(),
  suggestedQty: z.number().int().nullable(),
  decision: z.enum(LINE_DECISIONS),
  approvedQty: z.number().int().nullable(),
  decisionReason: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decidedByName: z.string().nullable(),
  /** The drug the clinic asked for, when the hub switched the line to a 集采 equivalent. */
  originalDrug: z
    .object({
      drugId: z.number().int(),
      drugName: z.string(),
      spec: z.string(),
      manufacturer: z.string(),
      /** The requested drug's pack as the catalog has it, to show the quantity before → after the switch. */
      packUnit: z.string(),
      packSize: z.number().int(),
    })
    .nullable(),
  /** Base units issued to the clinic (a shortfall the hub took back or wrote off no longer counts). */
  issuedQty: z.number().int(),
  /** What was issued for this line and did not arrive: signed short by the clinic, then settled by the hub (or not yet). */
  shortfalls: z.array(lineShortfall),
  /**
   * The purchase order buying for this line that the hub closed short (终止收货), latest first: the rest will
   * not come from it, and what the clinic still lacks went back to the aggregation pool.
   */
  shortClosedOrder: z.object({ orderDocNo: z.string(), supplierName: z.string(), reason: z.string(), closedAt: z.string() }).nullable(),
  /** The hub store's unexpired stock of the drug now (hub roles only). */
  hubStock: z.number().int().nullable(),
  /** 集采 equivalents (hub roles only, and only while the line can still change). */
  vbpSuggestion: vbpSuggestion.nullable(),
});
export type RequisitionLine = z.infer<typeof requisitionLine>;

export const requisitionSummary = z.object({
  id: z.number().int(),
  docNo: z.string(),
  clinicId: z.number().int(),
  clinicCode: z.string(),
  clinicName: z.string(),
  status: z.enum(REQUISITION_STATUSES),
  note: z.string().nullable(),
  lineCount: z.number().int(),
  pendingCount: z.number().int(),
  rejectedCount: z.number().int(),
  adjustedCount: z.number().int(),
  createdByName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  aggregationId: z.number().int().nullable(),
  aggregationDocNo: z.string().nullable(),
});
export type RequisitionSummary = z.infer<typeof requisitionSummary>;

export const requisitionDetail = requisitionSummary.extend({
  submittedByName: z.string().nullable(),
  reviewedByName: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  lines: z.array(requisitionLine),
  /** What the caller may do now (the server checks again on every write). */
  can: z.object({ edit: z.boolean(), submit: z.boolean(), cancel: z.boolean(), review: z.boolean() }),
});
export type RequisitionDetail = z.infer<typeof requisitionDetail>;

const token = z
  .string({ error: '缺少请求标识' })
  .min(8, '请求标识格式错误')
  .max(64, '请求标识格式错误')
  .regex(/^[A-Za-z0-9_-]+$/, '请求标识格式错误');

export const requisitionLineInput = z.object({
  drugId: id,
  /** Base units, always; the screen converts packs before sending. */
  qty: positiveQty,
  /** How the user typed it, so the screen can show it back the same way. */
  enteredIn: z.enum(['pack', 'base'], { error: '数量单位无效' }),
  note: optionalText(100, '备注'),
});

const requisitionContent = {
  /** The clinic (required for hub users entering a requisition on a clinic's behalf). */
  clinicId: id.optional(),
  note: optionalText(200, '备注'),
  lines: z.array(requisitionLineInput).min(1, '请至少添加一种药品').max(200, '一张请领单最多 200 种药品'),
};

export const purchasingSettings = z.object({
  /** Months of stock a clinic's suggestion aims for (目标库存月数). */
  targetMonths: z.number().int(),
  amcWindowDays: z.number().int(),
  minDaysInStock: z.number().int(),
  catalogShareThresholdBp: z.number().int(),
});

const REQUESTERS = ['village_doctor', 'pharmacist'] as const;

export const requisitionsApi = {
  'purchasing.settings': defineMethod({
    summary: '统一购药参数：目标库存月数、月均用量计算窗口、医保目录占比警戒线',
    access: 'authenticated',
    write: false,
    input: z.object({}).strict().default({}),
    output: purchasingSettings,
  }),
  'purchasing.updateSettings': defineMethod({
    summary: '修改目标库存月数（建议请领量 = 目标月数 × 月均用量 − 现有库存 − 在途）',
    access: ['admin', 'pharmacist'],
    write: true,
    input: z.object({ targetMonths: z.number({ error: '目标库存月数必须是数字' }).int('目标库存月数必须是整数').min(1, '目标库存月数至少 1 个月').max(12, '目标库存月数不能超过 12 个月') }),
    output: purchasingSettings,
  }),
  'requisitions.stockInfo': defineMethod({
    summary: '请领参考：本室各药品的现有库存、月均用量（按缺货天数修正）、在途数量与建议请领量',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ clinicId: id.optional(), drugIds: z.array(id).min(1, '请选择药品').max(200, '一次最多查询 200 种药品') }),
    output: z.object({ targetMonths: z.number().int(), rows: z.array(stockInfo) }),
  }),
  'requisitions.list': defineMethod({
    summary: '请领单列表（可按卫生室、状态筛选；aggregatable 只列出可以汇总的已审核单）；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        clinicId: id.optional(),
        status: z.array(z.enum(REQUISITION_STATUSES)).max(5).optional(),
        aggregatable: z.boolean().optional(),
        keyword: text(40, '关键字').optional(),
        ...paging,
      })
      .default({ page: 1, pageSize: 50 }),
    output: pageOf(requisitionSummary),
  }),
  'requisitions.get': defineMethod({
    summary: '一张请领单及每行的审核结果；村医只能查看本室的单据',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ id }),
    output: requisitionDetail,
  }),
  'requisitions.saveDraft': defineMethod({
    summary: '保存请领单草稿（新建时带 createToken，重复保存不会生成两张）',
    access: REQUESTERS,
    write: true,
    clinicScoped: true,
    input: z
      .object({ id: id.optional(), createToken: token.optional(), ...requisitionContent })
      .refine((v) => v.id !== undefined || v.createToken !== undefined, { message: '新建草稿缺少请求标识', path: ['createToken'] }),
    output: requisitionDetail,
  }),
  'requisitions.submit': defineMethod({
    summary: '提交请领单（保存内容并提交）；同一 submitToken 重复提交返回同一张单据，绝不重复生成',
    access: REQUESTERS,
    write: true,
    clinicScoped: true,
    input: z.object({ submitToken: token, id: id.optional(), ...requisitionContent }),
    output: requisitionDetail,
  }),
  'requisitions.cancel': defineMethod({
    summary: '作废草稿，或撤回尚未开始审核的已提交请领单',
    access: ['village_doctor', 'pharmacist'],
    write: true,
    clinicScoped: true,
    input: z.object({ id, reason: optionalText(200, '原因') }),
    output: requisitionDetail,
  }),
  'requisitions.decide': defineMethod({
    summary: '药库审核：逐行同意、调整（须填原因）或驳回（须填原因）；全部行有结论后单据变为已审核',
    access: ['pharmacist'],
    write: true,
    input: z.object({
      id,
      lines: z
        .array(
          z.object({
            lineId: id,
            decision: z.enum(['approved', 'adjusted', 'rejected'], { error: '审核结论无效' }),
            /** Base units; required when adjusting. */
            approvedQty: nonNegativeQty.optional(),
            reason: optionalText(200, '原因'),
          }),
        )
        .min(1, '请至少审核一行')
        .max(200),
    }),
    output: requisitionDetail,
  }),
  'requisitions.switchToVbp': defineMethod({
    summary:
      '应采尽采：把请领行改为同通用名、同剂型、每最小单位含量相同的集采中选药品（数量按最小单位不变，包装不同只改变折合的包装数，记录原药品）；规格不同或无法从规格确认含量的拒绝并说明原因',
    access: ['pharmacist'],
    write: true,
    input: z.object({ lineIds: z.array(id).min(1, '请选择请领行').max(500), vbpDrugId: id }),
    output: z.object({ switched: z.number().int() }),
  }),
};
