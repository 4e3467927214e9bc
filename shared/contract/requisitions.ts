import { z } from 'zod';
import { defineMethod } from './define';
import { id, nonNegativeQty, optionalText, pageOf, paging, positiveQty, text } from './common';
import { about, drugOut, out, valuesText } from './describe';

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

/** The insurance class of a drug, as rows show it. */
export const insuranceClassOut = z.enum(INSURANCE_CLASSES).describe(`医保类别。${valuesText(INSURANCE_CLASS_LABELS)}`);

/** The drug as a document line shows it (a snapshot: later catalog edits do not change it). */
export const drugSnapshot = z.object({
  drugId: drugOut.drugId,
  drugName: drugOut.drugName,
  spec: drugOut.spec,
  dosageForm: drugOut.dosageForm,
  manufacturer: drugOut.manufacturer,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  insuranceClass: insuranceClassOut,
  vbp: drugOut.vbp,
});
export type DrugSnapshot = z.infer<typeof drugSnapshot>;

/** What a clinic needs to decide a quantity: stock on hand, consumption, in transit and the suggestion. */
export const stockInfo = z.object({
  drugId: drugOut.drugId,
  packSize: drugOut.packSize,
  /** True while a blind count hides the drug's book at the clinic from the caller: stockOnHand and suggestedQty are null. */
  bookHidden: out.flag('盲盘中：该药品在此库房的账面数对调用者隐藏（调用者是正在盘点的人），相应数字为 null；盘点审核或作废后恢复'),
  /** Base units on the clinic's shelf in lots that have not expired. */
  stockOnHand: out.qty('本室现有库存：今天未过期批次的结存', 'null = 盲盘中对调用者隐藏（bookHidden）').nullable(),
  /** Average monthly (30-day) consumption in base units, adjusted for days out of stock. */
  amc: out.qty('月均用量 AMC（30 天）= 窗口内净用药量 × 30 ÷ max(有货天数, 15)，四舍五入'),
  /** Net base units dispensed in the window the AMC looks at. */
  consumed: out.qty('窗口内的净用药量（用药登记减冲销）'),
  /** Days of that window on which the clinic had the drug on its shelf. */
  daysInStock: out.count('窗口内本室有货的天数（当天开始或结束时结存 > 0）'),
  /** Days the AMC window covers (90, or fewer since the clinic first received the drug). */
  windowDays: out.count('AMC 窗口天数：最近 90 天（含今天）；本室首次收到该药晚于窗口开始时，从首次收到算起'),
  /** Issued but not signed for, plus approved but not yet issued. */
  inTransit: out.qty('在途：已出库未签收，加已审核同意但尚未出库'),
  targetMonths: out.count('目标库存月数（purchasing.settings）'),
  /** Whole packs: max(0, targetMonths × AMC − stock on hand − in transit), rounded up. */
  suggestedQty: out
    .qty('建议请领量 = max(0, 目标月数 × AMC − 现有库存 − 在途)，向上取整到整包装（仍以最小单位计）', 'null = 盲盘中对调用者隐藏（bookHidden）')
    .nullable(),
});
export type StockInfo = z.infer<typeof stockInfo>;

/** 应采尽采: a 集采 drug with the same generic name, dosage form and strength per base unit as the requested one. */
export const vbpAlternative = z.object({
  drugId: about(drugOut.drugId, '集采药品'),
  drugName: drugOut.drugName,
  spec: drugOut.spec,
  manufacturer: drugOut.manufacturer,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  vbpBatch: out.text('集采批次，如 第七批；null = 未填').nullable(),
  supplierName: out.text('其默认配送企业（有有效合同价且企业启用时）；null = 没有可用的合同价，价格取中选价').nullable(),
  /** Price per pack (micro-yuan): the default supplier's contract price, else the winning bid price. */
  packPrice: out.packPrice('价格：默认配送企业的合同价，否则中选价', 'null = 两者都没有').nullable(),
  /** Price per base unit (micro-yuan), to compare drugs with different pack sizes. */
  unitPrice: out.unitCost('折合单价 = packPrice ÷ packSize，四舍五入，用于比较不同包装', 'null = 没有价格').nullable(),
  /** Amount (fen) saved on the line's quantity against the requested drug's price; negative costs more. */
  saving: out.fen('按该行数量比原药品节约的金额，负数表示更贵', 'null = 原药品或替代药品没有价格').nullable(),
});
export type VbpAlternative = z.infer<typeof vbpAlternative>;

export const vbpSuggestion = z.object({
  /** Base units the line asks for; a switch keeps exactly this many (only the packs they fill change). */
  qty: out.qty('该行请领的数量；改为集采药品时数量（最小单位）不变，只是折合的包装数变化'),
  /** The requested drug's price per base unit (micro-yuan), when it has a contract price. */
  currentUnitPrice: out.unitCost('原药品的折合单价（默认配送企业合同价 ÷ packSize）', 'null = 原药品没有合同价').nullable(),
  alternatives: z.array(vbpAlternative).describe('同通用名、同剂型、启用的集采药品，折合单价低的在前'),
});
export type VbpSuggestion = z.infer<typeof vbpSuggestion>;

export const SHORTFALL_RESOLUTIONS = ['returned_to_hub', 'written_off'] as const;
export const SHORTFALL_RESOLUTION_LABELS: Record<(typeof SHORTFALL_RESOLUTIONS)[number], string> = {
  returned_to_hub: '已退回中心库',
  written_off: '在途报损',
};

/** A delivery line that arrived short (base units missing). Once settled the quantity is pending again. */
export const lineShortfall = z.object({
  deliveryId: out.id('配送单'),
  deliveryDocNo: out.docNo('配送单号', 'CK'),
  qty: out.qty('签收短少的数量'),
  /** The clinic's reason when signing. */
  reason: out.text('签收时填写的差异原因；null = 未填').nullable(),
  /** How the hub settled it; null while it waits for the hub (the goods still count as issued). */
  resolution: z
    .enum(SHORTFALL_RESOLUTIONS)
    .nullable()
    .describe(`药库的处理。${valuesText(SHORTFALL_RESOLUTION_LABELS)}；null = 药库尚未处理（仍计为已出库）`),
  resolutionNote: out.text('处理说明；null = 未填').nullable(),
});
export type LineShortfall = z.infer<typeof lineShortfall>;

export const requisitionLine = drugSnapshot.extend({
  id: out.id('请领行（requisitions.decide 的 lineId）'),
  lineNo: out.int('行号，从 1 开始'),
  requestedQty: out.qty('请领数量'),
  enteredIn: z.enum(['pack', 'base']).describe(`录入方式，仅供界面按原样显示。${valuesText({ pack: '按包装单位录入', base: '按最小单位录入' })}`),
  note: out.text('行备注；null = 无').nullable(),
  /** True while a blind count hides the drug's book at the clinic from the caller: stockOnHand and suggestedQty are null. */
  bookHidden: out.flag('盲盘中：该药品在此库房的账面数对调用者隐藏（调用者是正在盘点的人），相应数字为 null；盘点审核或作废后恢复'),
  stockOnHand: out.qty('保存该行时本室的现有库存（快照）', 'null = 无快照，或盲盘中对调用者隐藏').nullable(),
  amc: out.qty('保存该行时的月均用量（快照）', 'null = 无快照').nullable(),
  inTransit: out.qty('保存该行时的在途数量（快照）', 'null = 无快照').nullable(),
  suggestedQty: out.qty('保存该行时的建议请领量（快照）', 'null = 无快照，或盲盘中对调用者隐藏').nullable(),
  decision: z.enum(LINE_DECISIONS).describe(`审核结论。${valuesText(LINE_DECISION_LABELS)}`),
  approvedQty: out.qty('核准数量：同意 = 请领数量，调整 = 调整后数量，驳回 = 0', 'null = 尚未审核').nullable(),
  decisionReason: out.text('审核原因（调整、驳回必填）；null = 无').nullable(),
  decidedAt: out.instant('审核时刻', 'null = 尚未审核').nullable(),
  decidedByName: out.text('审核人姓名；null = 尚未审核').nullable(),
  /** The drug the clinic asked for, when the hub switched the line to a 集采 equivalent. */
  originalDrug: z
    .object({
      drugId: about(drugOut.drugId, '原药品'),
      drugName: drugOut.drugName,
      spec: drugOut.spec,
      manufacturer: drugOut.manufacturer,
      /** The requested drug's pack as the catalog has it, to show the quantity before → after the switch. */
      packUnit: about(drugOut.packUnit, '原药品的包装单位（显示更换前后的数量）'),
      packSize: about(drugOut.packSize, '原药品的包装数量'),
    })
    .nullable()
    .describe('卫生室原来请领的药品（药库改为集采药品时记录）；null = 未更换'),
  /** Base units issued to the clinic (a shortfall the hub took back or wrote off no longer counts). */
  issuedQty: out.qty('已出库数量（累计；签收短少且药库已收回或报损的部分不计）'),
  /** What was issued for this line and did not arrive: signed short by the clinic, then settled by the hub (or not yet). */
  shortfalls: z.array(lineShortfall).describe('该行出库后签收短少的记录（签收差异），按配送单'),
  /**
   * The purchase order buying for this line that the hub closed short (终止收货), latest first: the rest will
   * not come from it, and what the clinic still lacks went back to the aggregation pool.
   */
  shortClosedOrder: z
    .object({
      orderDocNo: out.docNo('被终止收货的采购订单号', 'CG'),
      supplierName: out.text('配送企业名称'),
      reason: out.text('终止收货原因'),
      closedAt: out.instant('终止收货时刻'),
    })
    .nullable()
    .describe('为该行采购、被药库终止收货的订单（最近的一个）：余下的不会再到，本室仍缺的已回到待汇总；null = 无'),
  /** The hub store's unexpired stock of the drug now (hub roles only; null while a blind count hides it). */
  hubStock: out.qty('中心药库现在的未过期库存', 'null = 调用者是村医（只对药库角色显示），或盲盘中对调用者隐藏').nullable(),
  /** 集采 equivalents (hub roles only, and only while the line can still change). */
  vbpSuggestion: vbpSuggestion
    .nullable()
    .describe('应采尽采建议；null = 调用者是村医、该行已是集采药品、已开始出库、单据已不能再审核，或没有同通用名同剂型的集采药品'),
});
export type RequisitionLine = z.infer<typeof requisitionLine>;

/** A requisition's status, with each value's meaning. */
const requisitionStatus = z.enum(REQUISITION_STATUSES).describe(`状态。${valuesText(REQUISITION_STATUS_LABELS)}（closed：每行已驳回或已全部出库）`);

export const requisitionSummary = z.object({
  id: out.id('请领单'),
  docNo: out.docNo('请领单号', 'QL'),
  clinicId: out.id('村卫生室'),
  clinicCode: out.text('卫生室编码'),
  clinicName: out.text('卫生室名称'),
  status: requisitionStatus,
  note: out.text('备注；null = 无').nullable(),
  lineCount: out.count('行数'),
  pendingCount: out.count('待审核的行'),
  rejectedCount: out.count('驳回的行'),
  adjustedCount: out.count('调整了数量的行'),
  createdByName: out.text('建单人姓名'),
  createdAt: out.instant('建立时刻'),
  updatedAt: out.instant('最近修改时刻'),
  submittedAt: out.instant('提交时刻', 'null = 尚未提交').nullable(),
  reviewedAt: out.instant('审核完成（全部行有结论）时刻', 'null = 尚未审核完').nullable(),
  aggregationId: out.id('汇总单', 'null = 尚未汇总采购').nullable(),
  aggregationDocNo: out.docNo('汇总单号', 'HZ', 'null = 尚未汇总采购').nullable(),
});
export type RequisitionSummary = z.infer<typeof requisitionSummary>;

export const requisitionDetail = requisitionSummary.extend({
  submittedByName: out.text('提交人姓名；null = 尚未提交').nullable(),
  reviewedByName: out.text('完成审核的人；null = 尚未审核完').nullable(),
  cancelledAt: out.instant('作废或撤回时刻', 'null = 未作废').nullable(),
  cancelReason: out.text('作废或撤回原因；null = 未作废或未填').nullable(),
  lines: z.array(requisitionLine).describe('请领行，按行号'),
  /** What the caller may do now (the server checks again on every write). */
  can: z
    .object({
      edit: out.flag('可修改（村医或药库管理员，草稿）'),
      submit: out.flag('可提交（村医或药库管理员，草稿）'),
      cancel: out.flag('可作废或撤回（草稿，或没有任何行已审核的待审核单）'),
      review: out.flag('可审核（药库管理员；尚未汇总，且有未出库的行）'),
    })
    .describe('调用者现在能做什么，供界面显示按钮；每次写操作服务器都会再检查'),
});
export type RequisitionDetail = z.infer<typeof requisitionDetail>;

const token = z
  .string({ error: '缺少请求标识' })
  .min(8, '请求标识格式错误')
  .max(64, '请求标识格式错误')
  .regex(/^[A-Za-z0-9_-]+$/, '请求标识格式错误')
  .describe('客户端生成的请求标识（幂等键）：8–64 个字母、数字、下划线或减号，每次新操作换一个新的（如 UUID 去掉不合规字符）');

export const requisitionLineInput = z.object({
  drugId: about(id, '药品：须是启用的药品，同一药品在一张单上只能一行'),
  /** Base units, always; the screen converts packs before sending. */
  qty: about(positiveQty, '请领数量；enteredIn 为 pack 时须是 packSize 的整数倍'),
  /** How the user typed it, so the screen can show it back the same way. */
  enteredIn: z
    .enum(['pack', 'base'], { error: '数量单位无效' })
    .describe(`用户如何录入（只影响显示，qty 总是最小单位）。${valuesText({ pack: '按包装单位', base: '按最小单位' })}`),
  note: about(optionalText(100, '备注'), '行备注'),
});

const requisitionContent = {
  /** The clinic (required for hub users entering a requisition on a clinic's behalf). */
  clinicId: about(
    id.optional(),
    '村卫生室：村医省略（即本室，填他室答 403 FORBIDDEN_CLINIC）；药库管理员新建时必填（须是启用的卫生室）；修改已有单据时省略或填原卫生室',
  ),
  note: about(optionalText(200, '备注'), '单据备注'),
  lines: z.array(requisitionLineInput).min(1, '请至少添加一种药品').max(200, '一张请领单最多 200 种药品').describe('全部请领行（整体替换原有的行），1–200 行'),
};

export const purchasingSettings = z.object({
  /** Months of stock a clinic's suggestion aims for (目标库存月数). */
  targetMonths: out.count('目标库存月数 1–12（默认 2）：建议请领量按它计算'),
  amcWindowDays: out.count('月均用量（AMC）的计算窗口天数，固定 90'),
  minDaysInStock: out.count('AMC 分母的最少有货天数，固定 15（防止只有几天有货时放大用量）'),
  catalogShareThresholdBp: out.bp('医保目录药品占比警戒线，7000 = 70%'),
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
    input: z.object({
      targetMonths: z
        .number({ error: '目标库存月数必须是数字' })
        .int('目标库存月数必须是整数')
        .min(1, '目标库存月数至少 1 个月')
        .max(12, '目标库存月数不能超过 12 个月')
        .describe('目标库存月数，1–12 的整数'),
    }),
    output: purchasingSettings,
  }),
  'requisitions.stockInfo': defineMethod({
    summary: '请领参考：本室各药品的现有库存、月均用量（按缺货天数修正）、在途数量与建议请领量',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({
      clinicId: about(id.optional(), '村卫生室：村医省略（即本室）；药库角色必填'),
      drugIds: z.array(id).min(1, '请选择药品').max(200, '一次最多查询 200 种药品').describe('药品编号，1–200 个；重复的只算一次'),
    }),
    output: z.object({
      targetMonths: out.count('目标库存月数'),
      rows: z.array(stockInfo).describe('每种药品一行，按 drugIds 的顺序（去重后）'),
    }),
  }),
  'requisitions.list': defineMethod({
    summary: '请领单列表（可按卫生室、状态筛选；aggregatable 只列出可以汇总的已审核单）；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        clinicId: about(id.optional(), '只看该卫生室；村医无论如何只看本室（填他室答 403）'),
        status: z
          .array(z.enum(REQUISITION_STATUSES))
          .max(5)
          .optional()
          .describe(`只看这些状态；省略 = 全部。${valuesText(REQUISITION_STATUS_LABELS)}。药库角色只看到自己建的草稿`),
        aggregatable: z.boolean().optional().describe('true = 只列出可汇总的单据（已审核且尚未汇总）'),
        keyword: about(text(40, '关键字').optional(), '在单据号、卫生室名称和编码中查找（包含即可）'),
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
    input: z.object({ id: about(id, '请领单；村医只能是本室的') }),
    output: requisitionDetail,
  }),
  'requisitions.saveDraft': defineMethod({
    summary: '保存请领单草稿（新建时带 createToken，重复保存不会生成两张）',
    access: REQUESTERS,
    write: true,
    clinicScoped: true,
    input: z
      .object({
        id: about(id.optional(), '要修改的草稿；省略 = 新建'),
        createToken: about(token.optional(), '新建时必填：同一 createToken 再次保存修改的是它建的那张草稿，不会生成第二张'),
        ...requisitionContent,
      })
      .refine((v) => v.id !== undefined || v.createToken !== undefined, { message: '新建草稿缺少请求标识', path: ['createToken'] })
      .describe('id 与 createToken 至少填一个：id 修改已有草稿，createToken 新建（重试不重复）。只能修改草稿'),
    output: requisitionDetail,
  }),
  'requisitions.submit': defineMethod({
    summary: '提交请领单（保存内容并提交）；同一 submitToken 重复提交返回同一张单据，绝不重复生成',
    access: REQUESTERS,
    write: true,
    clinicScoped: true,
    input: z.object({
      submitToken: about(token, '提交标识：同一 submitToken 再次提交返回第一次生成的单据，什么也不改'),
      id: about(id.optional(), '要提交的草稿；省略 = 直接新建并提交'),
      ...requisitionContent,
    }),
    output: requisitionDetail,
  }),
  'requisitions.cancel': defineMethod({
    summary: '作废草稿，或撤回尚未开始审核的已提交请领单',
    access: ['village_doctor', 'pharmacist'],
    write: true,
    clinicScoped: true,
    input: z.object({
      id: about(id, '请领单：草稿，或还没有任何行被审核的待审核单'),
      reason: about(optionalText(200, '原因'), '作废或撤回原因'),
    }),
    output: requisitionDetail,
  }),
  'requisitions.decide': defineMethod({
    summary: '药库审核：逐行同意、调整（须填原因）或驳回（须填原因）；全部行有结论后单据变为已审核',
    access: ['pharmacist'],
    write: true,
    input: z.object({
      id: about(id, '请领单：已提交或已审核、尚未汇总'),
      lines: z
        .array(
          z.object({
            lineId: about(id, '该单的请领行；尚未出库，同一行只能出现一次'),
            decision: z
              .enum(['approved', 'adjusted', 'rejected'], { error: '审核结论无效' })
              .describe(
                `结论。${valuesText({ approved: '同意（核准数量 = 请领数量）', adjusted: '调整数量（须填 approvedQty 与 reason）', rejected: '驳回（须填 reason）' })}`,
              ),
            /** Base units; required when adjusting. */
            approvedQty: about(nonNegativeQty.optional(), '核准数量：adjusted 时必填，须 > 0 且不等于请领数量；approved 时省略或等于请领数量；rejected 时忽略'),
            reason: about(optionalText(200, '原因'), '原因：adjusted 和 rejected 必填'),
          }),
        )
        .min(1, '请至少审核一行')
        .max(200)
        .describe('本次审核的行（1–200 行，可只审核一部分，已审核的行可重新审核）；全部行有结论后单据变为已审核'),
    }),
    output: requisitionDetail,
  }),
  'requisitions.switchToVbp': defineMethod({
    summary:
      '应采尽采：把请领行改为同通用名、同剂型、每最小单位含量相同的集采中选药品（数量按最小单位不变，包装不同只改变折合的包装数，记录原药品）；规格不同或无法从规格确认含量的拒绝并说明原因',
    access: ['pharmacist'],
    write: true,
    input: z.object({
      lineIds: z
        .array(id)
        .min(1, '请选择请领行')
        .max(500)
        .describe('请领行编号，1–500 个：所在单据尚未汇总、该行未出库、原药品不是集采药品且与 vbpDrugId 通用名和剂型相同'),
      vbpDrugId: about(id, '替换成的集采中选药品（须启用）'),
    }),
    output: z.object({ switched: out.count('实际更换的行（已是该药品的行不计）') }),
  }),
};
