import { z } from 'zod';
import { defineMethod } from './define';
import { id, isoDate, nonNegativeQty, optionalText, period, requiredText, text } from './common';
import { MOVEMENTS } from '../stock';
import { COUNTER_MODES, MAX_SPOT_SAMPLE, STOCKTAKE_KINDS, STOCKTAKE_STATUSES, VARIANCE_REASONS } from '../stocktake';

const HUB_STOCK_ROLES = ['admin', 'pharmacist'] as const;
const HUB_READ_ROLES = ['admin', 'pharmacist', 'finance'] as const;

export const stocktakeKind = z.enum(STOCKTAKE_KINDS);
export const counterMode = z.enum(COUNTER_MODES);
export const stocktakeStatus = z.enum(STOCKTAKE_STATUSES);
export const varianceReason = z.enum(VARIANCE_REASONS, { error: '请选择差异原因' });

const int = z.number().int();

/** One count as entered. Book figures are null while the caller may not see them (blind count). */
export const stocktakeCount = z.object({
  id: int,
  countedQty: int,
  bookQty: int.nullable(),
  variance: int.nullable(),
  note: z.string().nullable(),
  countedByName: z.string(),
  countedAt: z.string(),
  /** Why a later count replaced this one: the counter corrected it, or the reviewer asked for a recount. */
  superseded: z.enum(['correction', 'recount']).nullable(),
  recountReason: z.string().nullable(),
  recountByName: z.string().nullable(),
});

/** A ledger row of the counted lot at this store posted between the start of the count and the line's entry. */
export const duringCountMovement = z.object({
  ledgerId: int,
  createdAt: z.string(),
  businessDate: z.string(),
  movement: z.enum(MOVEMENTS),
  docType: z.string(),
  docId: int,
  qty: int,
  userName: z.string(),
});

export const stocktakeLine = z.object({
  id: int,
  lineNo: int,
  origin: z.enum(['book', 'found']),
  drugId: int,
  drugName: z.string(),
  spec: z.string(),
  manufacturer: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: int,
  lotId: int,
  batchNo: z.string(),
  expiryDate: z.string(),
  unitCost: int,
  /** The book at the start of the count (null when hidden). */
  bookQtyAtStart: int.nullable(),
  status: z.enum(['pending', 'counted', 'recount']),
  /** The current count (the latest one entered); null until counted. */
  countedQty: int.nullable(),
  /** The book when the current count was entered (null when hidden or not counted). */
  bookQty: int.nullable(),
  variance: int.nullable(),
  /** Value of the variance in fen: an estimate at lot cost before approval, the posted amount after. */
  varianceAmount: int.nullable(),
  countedByName: z.string().nullable(),
  countedAt: z.string().nullable(),
  note: z.string().nullable(),
  counts: z.array(stocktakeCount),
  movements: z.array(duringCountMovement).nullable(),
  reasonCode: varianceReason.nullable(),
  reasonNote: z.string().nullable(),
  adjustmentQty: int.nullable(),
  adjustmentAmount: int.nullable(),
});

export const selectionCandidate = z.object({
  position: int,
  drugId: int,
  drugName: z.string(),
  spec: z.string(),
  stockValue: int,
  dispensedAmount: int,
  dispensedQty: int,
  weight: int,
  pickOrder: int.nullable(),
});

export const stocktakeSummary = z.object({
  id: int,
  docNo: z.string(),
  kind: stocktakeKind,
  storeId: int,
  storeName: z.string(),
  clinicId: int.nullable(),
  clinicCode: z.string().nullable(),
  counterMode: counterMode,
  blind: z.boolean(),
  status: stocktakeStatus,
  note: z.string().nullable(),
  startDate: z.string(),
  createdAt: z.string(),
  createdByName: z.string(),
  submittedAt: z.string().nullable(),
  submittedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decisionNote: z.string().nullable(),
  businessDate: z.string().nullable(),
  cancelReason: z.string().nullable(),
  sampleSize: int.nullable(),
  lineCount: int,
  countedCount: int,
  recountCount: int,
  /** Null while book figures are hidden from the caller (amounts also for a cancelled stocktake). */
  matchedCount: int.nullable(),
  surplusAmount: int.nullable(),
  shortageAmount: int.nullable(),
  /** Whether the caller sees book quantities of this stocktake now. */
  bookVisible: z.boolean(),
  /** Whether the caller is the one who counts (may enter counts and submit). */
  canCount: z.boolean(),
});

export const stocktakeDetail = stocktakeSummary.extend({
  startLedgerId: int,
  lines: z.array(stocktakeLine),
  selection: z
    .object({
      seed: int,
      algorithm: z.string(),
      sampleSize: int,
      drawnAt: z.string(),
      windowFrom: z.string(),
      windowTo: z.string(),
      /** Every drug the draw read, with its weight inputs; null while book figures are hidden. */
      candidates: z.array(selectionCandidate).nullable(),
    })
    .nullable(),
});

export const accuracyFigures = z.object({
  stocktakes: int,
  countedLines: int,
  matchedLines: int,
  /** matched ÷ counted in basis points (10000 = 100%), rounded; null when nothing was counted. */
  matchRateBp: int.nullable(),
  surplusAmount: int,
  shortageAmount: int,
  /** Sum of |variance value| in fen. */
  varianceAbs: int,
  /** Surplus − shortage in fen. */
  varianceNet: int,
});

const stocktakeRef = z.object({ id });

export const stocktakeApi = {
  'stocktakes.create': defineMethod({
    summary: '发起盘点：任一库房全面盘点，或对村卫生室随机抽查 N 种药品（按金额和用量加权抽样，记录种子和时间，不可悄悄重抽）',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z
      .object({
        kind: stocktakeKind,
        storeId: id.optional(),
        clinicId: id.optional(),
        sampleSize: z.number({ error: '抽查数量必须是数字' }).int('抽查数量必须是整数').min(1, '至少抽查 1 种').max(MAX_SPOT_SAMPLE, `一次最多抽查 ${MAX_SPOT_SAMPLE} 种`).optional(),
        counterMode: counterMode,
        blind: z.boolean().default(true),
        note: optionalText(200, '备注'),
      })
      .superRefine((v, ctx) => {
        if (v.kind === 'full' && v.storeId === undefined) ctx.addIssue({ code: 'custom', path: ['storeId'], message: '请选择要盘点的库房' });
        if (v.kind === 'spot' && v.clinicId === undefined) ctx.addIssue({ code: 'custom', path: ['clinicId'], message: '请选择要抽查的村卫生室' });
        if (v.kind === 'spot' && v.sampleSize === undefined) ctx.addIssue({ code: 'custom', path: ['sampleSize'], message: '请填写抽查药品种数' });
      }),
    output: stocktakeDetail,
  }),
  'stocktakes.list': defineMethod({
    summary: '盘点单列表；村医只看到本室（现场抽查在提交前不向村医显示）',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        clinicId: id.optional(),
        storeId: id.optional(),
        status: stocktakeStatus.optional(),
        kind: stocktakeKind.optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .default({ limit: 100 }),
    output: z.array(stocktakeSummary),
  }),
  'stocktakes.get': defineMethod({
    summary: '盘点单详情：各批次的账面数、实盘数、差异及全部录入历史；盲盘时盘点人看不到账面数',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: stocktakeRef,
    output: stocktakeDetail,
  }),
  'stocktakes.count': defineMethod({
    summary: '录入实盘数量（按批次）；账面数取录入时刻的库存；改数是新的一条记录，旧的留在历史中',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({
      id,
      entries: z
        .array(z.object({ lineId: id, countedQty: nonNegativeQty, note: optionalText(200, '备注') }))
        .min(1, '请至少录入一行')
        .max(500, '一次最多录入 500 行'),
    }),
    output: stocktakeDetail,
  }),
  'stocktakes.foundLots': defineMethod({
    summary: '账上没有而货架上有的药品：可添加的已知批次（本库房账面为零的批次）',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: false,
    clinicScoped: true,
    input: z.object({ id, q: text(50, '关键字').optional() }),
    output: z.array(
      z.object({
        lotId: int,
        drugId: int,
        drugName: z.string(),
        spec: z.string(),
        manufacturer: z.string(),
        packUnit: z.string(),
        baseUnit: z.string(),
        packSize: int,
        batchNo: z.string(),
        expiryDate: z.string(),
      }),
    ),
  }),
  'stocktakes.addLine': defineMethod({
    summary: '盘点人添加一行：货架上有、但账上本库房没有的已知批次（盘盈）',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({ id, lotId: id }),
    output: stocktakeDetail,
  }),
  'stocktakes.submit': defineMethod({
    summary: '盘点人提交盘点结果（每行都已录入），等待药库管理员审核',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: stocktakeRef,
    output: stocktakeDetail,
  }),
  'stocktakes.requestRecount': defineMethod({
    summary: '审核时把有疑问的行退回复盘；原录入保留在历史中',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({ id, lineIds: z.array(id).min(1, '请选择要复盘的行').max(500), reason: requiredText(200, '复盘原因') }),
    output: stocktakeDetail,
  }),
  'stocktakes.approve': defineMethod({
    summary: '审核通过：每条差异须有原因，盘盈按批次成本入账、盘亏按批次出账，在一个事务中过账',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      id,
      businessDate: isoDate.optional(),
      note: optionalText(200, '审核意见'),
      reasons: z
        .array(z.object({ lineId: id, reasonCode: varianceReason, reasonNote: optionalText(200, '差异说明') }))
        .max(500)
        .default([]),
    }),
    output: stocktakeDetail,
  }),
  'stocktakes.cancel': defineMethod({
    summary: '作废尚未过账的盘点（须说明原因，作废的单据和抽样记录保留）',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({ id, reason: requiredText(200, '作废原因') }),
    output: stocktakeDetail,
  }),
  'stocktakes.verifySelection': defineMethod({
    summary: '复核随机抽查：用记录的种子和权重输入重新抽样，应与当时抽中的药品完全一致',
    access: HUB_READ_ROLES,
    write: false,
    input: stocktakeRef,
    output: z.object({
      reproduced: z.boolean(),
      weightsMatch: z.boolean(),
      recorded: z.array(int),
      recomputed: z.array(int),
    }),
  }),
  'stocktakes.accuracy': defineMethod({
    summary: '账实相符率：按库房、按月统计已审核盘点的盘点行数、相符行数、相符率与差异金额（供督导看板调用）',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({ from: period, to: period, clinicId: id.optional(), kind: stocktakeKind.optional() })
      .refine((v) => v.from <= v.to, { message: '开始月份不能晚于结束月份', path: ['to'] }),
    output: z.object({
      periods: z.array(z.string()),
      rows: z.array(
        z.object({
          storeId: int,
          storeName: z.string(),
          clinicId: int.nullable(),
          clinicCode: z.string().nullable(),
          months: z.array(accuracyFigures.extend({ period: z.string() })),
          total: accuracyFigures,
          lastApprovedDate: z.string().nullable(),
          /** Spot checks cancelled in the range: each is a draw that did not count. */
          cancelledCount: int,
          openCount: int,
        }),
      ),
      total: accuracyFigures,
    }),
  }),
};
