import { z } from 'zod';
import { defineMethod } from './define';
import { id, isoDate, nonNegativeQty, optionalText, period, requiredText, text } from './common';
import { MOVEMENT_LABELS, MOVEMENTS } from '../stock';
import { about, drugOut, out, valuesText } from './describe';
import {
  COUNTER_MODE_LABELS,
  COUNTER_MODES,
  MAX_SPOT_SAMPLE,
  SELECTION_RULE_TEXT,
  STOCKTAKE_KIND_LABELS,
  STOCKTAKE_KINDS,
  STOCKTAKE_STATUS_LABELS,
  STOCKTAKE_STATUSES,
  VARIANCE_REASON_LABELS,
  VARIANCE_REASONS,
} from '../stocktake';

const HUB_STOCK_ROLES = ['admin', 'pharmacist'] as const;
const HUB_READ_ROLES = ['admin', 'pharmacist', 'finance', 'director'] as const;

export const stocktakeKind = z.enum(STOCKTAKE_KINDS).describe(`盘点类型。${valuesText(STOCKTAKE_KIND_LABELS)}`);
export const counterMode = z
  .enum(COUNTER_MODES)
  .describe(`盘点人。${valuesText(COUNTER_MODE_LABELS)}（onsite：药库管理员或系统管理员录入；self：该卫生室的村医录入）`);
export const stocktakeStatus = z.enum(STOCKTAKE_STATUSES).describe(`状态。${valuesText(STOCKTAKE_STATUS_LABELS)}（退回复盘时回到 counting）`);
export const varianceReason = z.enum(VARIANCE_REASONS, { error: '请选择差异原因' }).describe(`差异原因。${valuesText(VARIANCE_REASON_LABELS)}`);

const int = z.number().int();
/** Null while the caller may not see the book of this stocktake: the words every blind figure carries. */
const HIDDEN = 'null = 盲盘中调用者看不到账面数';

/** One count as entered. Book figures are null while the caller may not see them (blind count). */
export const stocktakeCount = z.object({
  id: out.id('录入记录'),
  countedQty: out.qty('实盘数量'),
  bookQty: out.qty('录入那一刻的账面数', HIDDEN).nullable(),
  variance: out.qty('差异 = 实盘 − 录入时账面，正为盘盈', HIDDEN).nullable(),
  note: out.text('录入备注；null = 无').nullable(),
  countedByName: out.text('录入人姓名'),
  countedAt: out.instant('录入时刻'),
  /** Why a later count replaced this one: the counter corrected it, or the reviewer asked for a recount. */
  superseded: z
    .enum(['correction', 'recount'])
    .nullable()
    .describe(`这条录入为何不再有效。${valuesText({ correction: '盘点人又录入了新数', recount: '审核人退回复盘' })}；null = 当前有效的录入`),
  recountReason: out.text('退回复盘的原因；null = 未退回').nullable(),
  recountByName: out.text('退回复盘的审核人；null = 未退回').nullable(),
});

/** A ledger row of the counted lot at this store posted between the start of the count and the line's entry. */
export const duringCountMovement = z.object({
  ledgerId: out.id('台账流水号'),
  createdAt: out.instant('记账时刻'),
  businessDate: out.date('业务日期'),
  movement: z.enum(MOVEMENTS).describe(`收发类型。${valuesText(MOVEMENT_LABELS)}`),
  docType: out.text("来源单据类型：'receipt'、'delivery'、'dispensing'、'return'、'writeoff'"),
  docId: out.id('来源单据'),
  qty: out.qty('变动数量，带符号'),
  userName: out.text('记账人姓名'),
});

export const stocktakeLine = z.object({
  id: out.id('盘点行（stocktakes.count 的 lineId）'),
  lineNo: out.int('行号，从 1 开始'),
  origin: z.enum(['book', 'found']).describe(`来源。${valuesText({ book: '账上有的批次', found: '盘点人添加的、本库房账上没有的批次（盘盈）' })}`),
  drugId: drugOut.drugId,
  drugName: drugOut.drugName,
  spec: drugOut.spec,
  manufacturer: drugOut.manufacturer,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  lotId: out.id('批次'),
  batchNo: out.text('批号'),
  expiryDate: out.date('有效期至'),
  unitCost: out.unitCost('批次成本单价'),
  /** The book at the start of the count (null when hidden). */
  bookQtyAtStart: out.qty('盘点开始时的账面数', HIDDEN).nullable(),
  status: z
    .enum(['pending', 'counted', 'recount'])
    .describe(`行状态。${valuesText({ pending: '尚未录入', counted: '已录入', recount: '审核人退回复盘，须重新录入' })}`),
  /** The current count (the latest one entered); null until counted. */
  countedQty: out.qty('当前有效的实盘数（最后一次录入）', 'null = 尚未录入').nullable(),
  /** The book when the current count was entered (null when hidden or not counted). */
  bookQty: out.qty('当前录入那一刻的账面数', `${HIDDEN}，或尚未录入`).nullable(),
  variance: out.qty('差异 = countedQty − bookQty，正为盘盈', `${HIDDEN}，或尚未录入`).nullable(),
  /** Value of the variance in fen: an estimate at lot cost before approval, the posted amount after. */
  varianceAmount: out.fen('差异金额：审核前按批次成本估算，审核后为过账金额；正为盘盈', `${HIDDEN}，或尚未录入`).nullable(),
  countedByName: out.text('当前录入人；null = 尚未录入').nullable(),
  countedAt: out.instant('当前录入时刻', 'null = 尚未录入').nullable(),
  note: out.text('当前录入的备注；null = 无').nullable(),
  counts: z.array(stocktakeCount).describe('该行的全部录入，旧的在前（改数、复盘都是新的一条）'),
  movements: z.array(duringCountMovement).nullable().describe(`盘点开始到当前录入之间该批次在本库房的收发（最多 5000 行）；${HIDDEN}`),
  reasonCode: varianceReason.nullable().describe(`审核时填写的差异原因。${valuesText(VARIANCE_REASON_LABELS)}；null = 尚未审核或没有差异`),
  reasonNote: out.text('差异说明；null = 未填').nullable(),
  adjustmentQty: out.qty('审核过账的调整数量（带符号，0 = 相符）', 'null = 尚未审核').nullable(),
  adjustmentAmount: out.fen('审核过账的调整金额（带符号）', 'null = 尚未审核').nullable(),
});

export const selectionCandidate = z.object({
  position: out.int('抽样时的读取顺序（按药品编号），从 1 开始'),
  drugId: drugOut.drugId,
  drugName: out.text('药品通用名（现在的）'),
  spec: drugOut.spec,
  stockValue: out.fen('抽样时的库存金额'),
  dispensedAmount: out.fen('窗口内（前 3 个月及当月）的用药金额'),
  dispensedQty: out.qty('窗口内的用药数量'),
  weight: out.int(`抽样权重。${SELECTION_RULE_TEXT}`),
  pickOrder: out.int('抽中顺序，从 1 开始；null = 未抽中').nullable(),
});

export const stocktakeSummary = z.object({
  id: out.id('盘点单'),
  docNo: out.docNo('盘点单号', 'PD'),
  kind: stocktakeKind,
  storeId: out.id('盘点的库房'),
  storeName: out.text('库房名称'),
  clinicId: out.id('库房所属村卫生室', 'null = 中心药库').nullable(),
  clinicCode: out.text('卫生室编码；null = 中心药库').nullable(),
  counterMode: counterMode,
  blind: out.flag('盲盘：盘点人看不到账面数（村医直到审核过账，药库角色直到提交）'),
  status: stocktakeStatus,
  note: out.text('备注；null = 无').nullable(),
  startDate: out.date('盘点开始日期'),
  createdAt: out.instant('发起时刻（随机抽查的抽样时刻）'),
  createdByName: out.text('发起人姓名'),
  submittedAt: out.instant('最近一次提交时刻', 'null = 尚未提交').nullable(),
  submittedByName: out.text('提交人；null = 尚未提交').nullable(),
  decidedAt: out.instant('审核过账或作废时刻', 'null = 尚未处理').nullable(),
  decidedByName: out.text('审核或作废的人；null = 尚未处理').nullable(),
  decisionNote: out.text('审核意见；null = 无').nullable(),
  businessDate: out.date('盘盈盘亏的过账日期', 'null = 尚未审核过账').nullable(),
  cancelReason: out.text('作废原因；null = 未作废').nullable(),
  sampleSize: out.count('随机抽查的药品种数', 'null = 全面盘点').nullable(),
  lineCount: out.count('盘点行数'),
  countedCount: out.count('已录入（有效）的行'),
  recountCount: out.count('退回复盘、待重新录入的行'),
  /** Null while book figures are hidden from the caller (amounts also for a cancelled stocktake). */
  matchedCount: out.count('相符的行（实盘 = 账面）', HIDDEN).nullable(),
  surplusAmount: out.fen('盘盈金额（审核前为估算）', `${HIDDEN}，或已作废`).nullable(),
  shortageAmount: out.fen('盘亏金额，正数（审核前为估算）', `${HIDDEN}，或已作废`).nullable(),
  /** Whether the caller sees book quantities of this stocktake now. */
  bookVisible: out.flag('调用者现在能看到本盘点的账面数'),
  /** Whether the caller is the one who counts (may enter counts and submit). */
  canCount: out.flag('调用者是盘点人且盘点中：可录入、添加行和提交'),
});

export const stocktakeDetail = stocktakeSummary.extend({
  startLedgerId: out.id('盘点开始时最后一条台账的流水号'),
  lines: z.array(stocktakeLine).describe('盘点行，按行号（随机抽查按抽中顺序，全面盘点按药品名）'),
  selection: z
    .object({
      seed: out.int('随机种子（服务器用密码学随机数生成，无人选择）'),
      algorithm: out.text("抽样算法，如 'mulberry32/weighted-draw-v1'"),
      sampleSize: out.count('抽取的药品种数'),
      drawnAt: out.instant('抽样时刻'),
      windowFrom: out.period('用药金额窗口的第一个月'),
      windowTo: out.period('用药金额窗口的最后一个月（盘点当月）'),
      /** Every drug the draw read, with its weight inputs; null while book figures are hidden. */
      candidates: z.array(selectionCandidate).nullable().describe(`抽样读取的全部在库药品及其权重输入（可复核）；${HIDDEN}`),
    })
    .nullable()
    .describe('随机抽查的抽样记录；null = 全面盘点'),
});

export const accuracyFigures = z.object({
  stocktakes: out.count('审核过账的盘点单（按过账日期计入月份）'),
  countedLines: out.count('这些盘点的行'),
  matchedLines: out.count('其中相符的行'),
  /** matched ÷ counted in basis points (10000 = 100%), rounded; null when nothing was counted. */
  matchRateBp: out.bp('账实相符率 = matchedLines ÷ countedLines，四舍五入', 'null = 没有盘点行').nullable(),
  surplusAmount: out.fen('盘盈过账金额'),
  shortageAmount: out.fen('盘亏过账金额，正数'),
  /** Sum of |variance value| in fen. */
  varianceAbs: out.fen('差异绝对值 = 盘盈 + 盘亏'),
  /** Surplus − shortage in fen. */
  varianceNet: out.fen('净差异 = 盘盈 − 盘亏'),
});

const stocktakeRef = z.object({ id: about(id, '盘点单；村医只能是本室的，现场盘点在提交前村医看不到（409）') });

export const stocktakeApi = {
  'stocktakes.create': defineMethod({
    summary: '发起盘点：任一库房全面盘点，或对村卫生室随机抽查 N 种药品（按金额和用量加权抽样，记录种子和时间，不可悄悄重抽）',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z
      .object({
        kind: stocktakeKind,
        storeId: about(id.optional(), 'kind 为 full 时必填：中心药库或启用的卫生室库房（不能是在途库房）；spot 时忽略'),
        clinicId: about(id.optional(), 'kind 为 spot 时必填：要抽查的村卫生室（须启用）；full 时忽略'),
        sampleSize: z
          .number({ error: '抽查数量必须是数字' })
          .int('抽查数量必须是整数')
          .min(1, '至少抽查 1 种')
          .max(MAX_SPOT_SAMPLE, `一次最多抽查 ${MAX_SPOT_SAMPLE} 种`)
          .optional()
          .describe(`kind 为 spot 时必填：抽查的药品种数，1–${MAX_SPOT_SAMPLE}（在库药品不足时全部抽中）；full 时忽略`),
        counterMode: about(counterMode, '中心药库只能 onsite；self 要求该卫生室有启用的村医'),
        blind: z.boolean().default(true).describe('盲盘（默认 true）：盘点人看不到账面数'),
        note: about(optionalText(200, '备注'), '备注'),
      })
      .superRefine((v, ctx) => {
        if (v.kind === 'full' && v.storeId === undefined) ctx.addIssue({ code: 'custom', path: ['storeId'], message: '请选择要盘点的库房' });
        if (v.kind === 'spot' && v.clinicId === undefined) ctx.addIssue({ code: 'custom', path: ['clinicId'], message: '请选择要抽查的村卫生室' });
        if (v.kind === 'spot' && v.sampleSize === undefined) ctx.addIssue({ code: 'custom', path: ['sampleSize'], message: '请填写抽查药品种数' });
      })
      .describe('kind = full 须填 storeId；kind = spot 须填 clinicId 和 sampleSize。同一库房已有未完成（盘点中或待审核）的盘点时答 409 CONFLICT'),
    output: stocktakeDetail,
  }),
  'stocktakes.list': defineMethod({
    summary: '盘点单列表；村医只看到本室（现场抽查在提交前不向村医显示）',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        clinicId: about(id.optional(), '只看该卫生室；村医无论如何只看本室'),
        storeId: about(id.optional(), '只看该库房；村医只能是本室'),
        status: about(stocktakeStatus.optional(), '只看该状态'),
        kind: about(stocktakeKind.optional(), '只看该类型'),
        limit: z.number().int().min(1).max(500).default(100).describe('最多返回的单据数'),
      })
      .default({ limit: 100 }),
    output: z.array(stocktakeSummary).describe('盘点中的在前，其次待审核，再按新旧；村医看不到盘点中的现场盘点'),
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
      id: about(id, '盘点单：盘点中（counting），调用者是盘点人（自盘：本室村医；现场盘点：药库管理员或系统管理员）'),
      entries: z
        .array(
          z.object({
            lineId: about(id, '该单的盘点行；一次提交中只能出现一次'),
            countedQty: about(nonNegativeQty, '实盘数量；账面数取录入这一刻的库存'),
            note: about(optionalText(200, '备注'), '备注'),
          }),
        )
        .min(1, '请至少录入一行')
        .max(500, '一次最多录入 500 行')
        .describe('1–500 行；再次录入同一行是新的一条记录，旧的留在历史中'),
    }),
    output: stocktakeDetail,
  }),
  'stocktakes.foundLots': defineMethod({
    summary: '账上没有而货架上有的药品：可添加的已知批次（本库房账面为零的批次）',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: false,
    clinicScoped: true,
    input: z.object({
      id: about(id, '盘点单；调用者不是盘点人或不在盘点中时返回空数组'),
      q: about(text(50, '关键字').optional(), '在通用名、批号（包含）或医保编码（开头）中查找'),
    }),
    output: z
      .array(
        z.object({
          lotId: out.id('批次（stocktakes.addLine 的 lotId）'),
          drugId: drugOut.drugId,
          drugName: drugOut.drugName,
          spec: drugOut.spec,
          manufacturer: drugOut.manufacturer,
          packUnit: drugOut.packUnit,
          baseUnit: drugOut.baseUnit,
          packSize: drugOut.packSize,
          batchNo: out.text('批号'),
          expiryDate: out.date('有效期至'),
        }),
      )
      .describe('不在盘点表上、本库房账面为零的已知批次（随机抽查只限抽中的药品），最多 100 个'),
  }),
  'stocktakes.addLine': defineMethod({
    summary: '盘点人添加一行：货架上有、但账上本库房没有的已知批次（盘盈）',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({
      id: about(id, '盘点单：盘点中，调用者是盘点人'),
      lotId: about(id, '批次（stocktakes.foundLots）：不在盘点表上；随机抽查只限抽中的药品'),
    }),
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
    input: z.object({
      id: about(id, '盘点单：待审核（submitted）'),
      lineIds: z.array(id).min(1, '请选择要复盘的行').max(500).describe('要复盘的盘点行（已录入），1–500 个；盘点单回到 counting'),
      reason: about(requiredText(200, '复盘原因'), '复盘原因'),
    }),
    output: stocktakeDetail,
  }),
  'stocktakes.approve': defineMethod({
    summary: '审核通过：每条差异须有原因，盘盈按批次成本入账、盘亏按批次出账，在一个事务中过账',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      id: about(id, '盘点单：待审核（submitted），每行都有有效录入'),
      businessDate: about(isoDate.optional(), '盘盈盘亏的过账日期：省略 = 今天；不早于盘点开始日期，不晚于今天，不在已结账月份'),
      note: about(optionalText(200, '审核意见'), '审核意见'),
      reasons: z
        .array(
          z.object({
            lineId: about(id, '该单的盘点行'),
            reasonCode: varianceReason,
            reasonNote: about(optionalText(200, '差异说明'), '差异说明：reasonCode 为 other 时必填'),
          }),
        )
        .max(500)
        .default([])
        .describe('差异原因：每个有差异的行都必须有一条；相符的行不需要'),
    }),
    output: stocktakeDetail,
  }),
  'stocktakes.cancel': defineMethod({
    summary: '作废尚未过账的盘点（须说明原因，作废的单据和抽样记录保留）',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      id: about(id, '盘点单：盘点中或待审核（已过账的不能作废）'),
      reason: about(requiredText(200, '作废原因'), '作废原因（作废的单据和抽样记录都保留）'),
    }),
    output: stocktakeDetail,
  }),
  'stocktakes.verifySelection': defineMethod({
    summary: '复核随机抽查：用记录的种子和权重输入重新抽样，应与当时抽中的药品完全一致',
    access: HUB_READ_ROLES,
    write: false,
    input: stocktakeRef,
    output: z.object({
      reproduced: out.flag('重新抽样的结果与记录完全一致（且权重一致）'),
      weightsMatch: out.flag('按记录的权重输入重算的权重与记录的一致'),
      recorded: z.array(int).describe('记录的抽中药品编号，按抽中顺序'),
      recomputed: z.array(int).describe('用记录的种子和权重重新抽出的药品编号，按抽中顺序'),
    }),
  }),
  'stocktakes.accuracy': defineMethod({
    summary: '账实相符率：按库房、按月统计已审核盘点的盘点行数、相符行数、相符率与差异金额（供督导看板调用）',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        from: about(period, '第一个月'),
        to: about(period, '最后一个月（不早于 from，最多 120 个月）'),
        clinicId: about(id.optional(), '只看该卫生室；村医无论如何只看本室'),
        kind: about(stocktakeKind.optional(), '只统计该类型；省略 = 两种都统计'),
      })
      .refine((v) => v.from <= v.to, { message: '开始月份不能晚于结束月份', path: ['to'] })
      .describe('from ≤ to，最多 120 个月'),
    output: z.object({
      periods: z.array(z.string()).describe("区间内的每个月 'YYYY-MM'"),
      rows: z
        .array(
          z.object({
            storeId: out.id('库房'),
            storeName: out.text('库房名称'),
            clinicId: out.id('所属村卫生室', 'null = 中心药库').nullable(),
            clinicCode: out.text('卫生室编码；null = 中心药库').nullable(),
            months: z.array(accuracyFigures.extend({ period: out.period('月份') })).describe('每个月一项，与 periods 对应'),
            total: accuracyFigures.describe('区间合计'),
            lastApprovedDate: out.date('最近一次审核过账的过账日期（不限区间）', 'null = 从未').nullable(),
            /** Spot checks cancelled in the range: each is a draw that did not count. */
            cancelledCount: out.count('区间内开始、已作废的盘点（每张都是一次不算数的抽样）'),
            openCount: out.count('现在未完成（盘点中或待审核）的盘点'),
          }),
        )
        .describe('中心药库（指定 clinicId 时不含）和各卫生室库房（停用的卫生室只在有盘点时列出）'),
      total: accuracyFigures.describe('各卫生室合计（不含中心药库）'),
    }),
  }),
};
