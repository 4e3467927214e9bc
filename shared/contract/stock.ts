import { z } from 'zod';
import { defineMethod } from './define';
import { clientToken, fileContent, id, isoDate, nonNegativeQty, optionalText, positiveQty, requiredText, text, unitPrice } from './common';
import { MOVEMENT_LABELS, MOVEMENTS, RETURN_REASON_LABELS, WRITEOFF_REASON_LABELS, DELIVERY_STATUSES, DELIVERY_STATUS_LABELS } from '../stock';
import { about, drugOut, out, valuesText } from './describe';
import { BOX_ANOMALIES, BOX_ANOMALY_LABELS, BOX_STATE_LABELS, BOX_STATES, OPENED_BOX_SCAN_LABELS, OPENED_BOX_SCANS, TRACE_KIND_LABELS } from '../traceCodes';
import { packageLevel } from './trace-packages';
import { acceptanceInput, acceptanceLineInput, lineAcceptanceOut, receiptAcceptanceOut, storageCondition } from './gsp';

const HUB_STOCK_ROLES = ['admin', 'pharmacist'] as const;
const HUB_READ_ROLES = ['admin', 'pharmacist', 'finance', 'director'] as const;

export const storeRow = z.object({
  id: out.id('库房（storeId）'),
  kind: z
    .enum(['hub', 'clinic', 'transit'])
    .describe(`库房类型。${valuesText({ hub: '中心药库', clinic: '村卫生室库房', transit: '某卫生室的在途库房（已出库、未签收的药品）' })}`),
  clinicId: out.id('所属村卫生室', 'null = 中心药库').nullable(),
  clinicCode: out.text('所属卫生室编码；null = 中心药库').nullable(),
  name: out.text('库房名称：<卫生院>中心药库、<卫生室名称>，或 <卫生室名称>（在途）'),
});

/** Movement kinds with their meaning and sign. */
const movementText = `收发类型。${valuesText(MOVEMENT_LABELS)}。receipt、transit_in、issue_in、transit_back、clinic_return_in、count_surplus 通常为正，其余为负；冲销行与原行类型相同、符号相反`;
const docTypeText = "来源单据类型：'receipt' 入库单、'delivery' 配送单、'dispensing' 用药登记、'return' 退货单、'writeoff' 报损单、'stocktake' 盘点单";
const businessDateOut = (what: string, more?: string) => out.date(`${what}：台账按它记入的日期`, more);
export type StoreRow = z.infer<typeof storeRow>;

/** The drug as the document saw it. */
const drugSnapshot = {
  drugId: drugOut.drugId,
  drugName: drugOut.drugName,
  spec: drugOut.spec,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
};

const batchNo = about(requiredText(40, '批号').regex(/^[A-Za-z0-9\-_/.]+$/, '批号只能包含字母、数字和 - _ / .'), '批号：字母、数字和 - _ / .');
export const traceCode = z
  .string({ error: '追溯码必须是文字' })
  .min(1, '请扫描或输入追溯码')
  .max(300, '追溯码过长')
  .describe(
    '药品追溯码（小码，一盒一个），照扫码枪输出原样传入：码上放心 20 位数字（前 7 位须与药品的追溯码前缀一致）、GS1 码（AI 01/17/11/10/21，含或不含 GS 分隔符、括号、]d2/]C1 前缀；须有序列号 21）或企业自有码（≤ 100 个字符）',
  );

export const warning = z.object({
  line: out.int('提示所在的行号（从 1 开始）；null = 整张单据').nullable(),
  message: out.text('提示（中文），如 近效期、单价与订单不同'),
});

const lotId = out.id('批次（lotId）');
const batchNoOut = out.text('批号');
const expiryOut = out.date('有效期至（含当天）');

// ───────────── receipts ─────────────

export const receiptLine = z.object({
  id: out.id('入库行'),
  lineNo: out.int('行号，从 1 开始'),
  poLineId: out.id('采购订单行', 'null = 不是按订单收货').nullable(),
  ...drugSnapshot,
  manufacturer: drugOut.manufacturer,
  lotId: about(lotId, '本行建立的批次'),
  batchNo: batchNoOut,
  mfgDate: out.date('生产日期', 'null = 未填').nullable(),
  expiryDate: expiryOut,
  qty: out.qty('入库数量'),
  packPrice: out.packPrice('入库单价（发票价）'),
  amount: out.fen('行金额 = qty × packPrice ÷ packSize，四舍五入到分'),
  traceCodes: z.array(z.string()).describe('本行录入的追溯码（统一写法：码上放心 20 位、GS1 为 01<GTIN>21<序列号>、企业码原文；按码排序）；冲销后清空'),
  acceptance: lineAcceptanceOut.nullable().describe('本行的验收记录；null = 升级前入库，没有验收记录'),
});

export const receiptDetail = z.object({
  id: out.id('入库单'),
  docNo: out.docNo('入库单号', 'RK'),
  poId: out.id('采购订单', 'null = 不是按订单收货').nullable(),
  poDocNo: out.docNo('采购订单号', 'CG', 'null = 不是按订单收货').nullable(),
  supplierId: out.id('配送企业'),
  supplierName: out.text('配送企业名称'),
  invoiceNo: out.text('发票号；null = 未填').nullable(),
  invoiceDate: out.date('发票日期', 'null = 未填').nullable(),
  businessDate: businessDateOut('入库日期'),
  status: z.enum(['posted', 'reversed']).describe(`状态。${valuesText({ posted: '已入库过账', reversed: '已冲销（以反向台账行冲回，原记录保留）' })}`),
  totalAmount: out.fen('入库金额（各行金额之和；冲销后不变）'),
  note: out.text('备注；null = 无').nullable(),
  createdByName: out.text('验收入库人姓名'),
  createdAt: out.instant('录入时刻'),
  reverseReason: out.text('冲销原因；null = 未冲销').nullable(),
  acceptance: receiptAcceptanceOut.nullable().describe('验收记录（随货同行单号、验收日期、验收人）；null = 升级前入库，没有验收记录'),
  lines: z.array(receiptLine).describe('入库行，按行号'),
});

// ───────────── deliveries ─────────────

const resolutionLabels = { returned_to_hub: '差异数量退回中心药库', written_off: '作为在途损失报损' };

export const boxStateOut = z.enum(BOX_STATES).describe(`一盒药现在的状态。${valuesText(BOX_STATE_LABELS)}`);
export const boxOnLine = z.object({
  code: out.text('追溯码（统一写法）'),
  state: boxStateOut,
});
export const traceNotice = z.object({
  code: out.text('扫到的追溯码（统一写法）'),
  anomaly: z.enum(BOX_ANOMALIES).describe(`扫码异常（作为监管证据记录，不阻止本次操作）。${valuesText(BOX_ANOMALY_LABELS)}`),
  message: out.text('说明（中文）'),
});

export const deliveryLine = z.object({
  id: out.id('配送行（deliveries.sign / resolve 的 lineId）'),
  lineNo: out.int('行号，从 1 开始；一条请领明细按批次可分成几行'),
  requisitionLineId: out.id('对应的请领行', 'null = 不对应请领行').nullable(),
  ...drugSnapshot,
  manufacturer: drugOut.manufacturer,
  lotId,
  batchNo: batchNoOut,
  expiryDate: expiryOut,
  qty: out.qty('出库数量'),
  unitCost: out.unitCost('批次成本单价'),
  amount: out.fen('出库金额（按批次成本）'),
  receivedQty: out.qty('村医签收的实收数量', 'null = 尚未签收').nullable(),
  discrepancyReason: out.text('实收少于出库时的差异原因；null = 没有差异或尚未签收').nullable(),
  resolution: z
    .enum(['returned_to_hub', 'written_off'])
    .nullable()
    .describe(`差异处理方式。${valuesText(resolutionLabels)}；null = 没有差异或尚未处理`),
  resolutionNote: out.text('差异处理说明；null = 尚未处理').nullable(),
  boxes: z.array(boxOnLine).describe('本行扫码出库的各盒（追溯码与现在的状态），按扫码顺序；未扫码出库的为空'),
  storageOverride: z
    .object({ reason: out.text('贮藏条件不符仍配送的原因'), byName: out.text('决定配送的人') })
    .nullable()
    .describe('卫生室不能按药品的贮藏条件保存（如冷藏药品而没有启用的冷藏柜）仍配送时的原因与决定人；null = 条件相符'),
});

export const deliveryStatus = z
  .enum(DELIVERY_STATUSES)
  .describe(`配送单状态。${valuesText(DELIVERY_STATUS_LABELS)}（discrepancy：有行实收少于出库，差异待中心库处理）`);

export const deliverySummary = z.object({
  id: out.id('配送单'),
  docNo: out.docNo('配送单号', 'CK'),
  clinicId: out.id('村卫生室'),
  clinicName: out.text('卫生室名称'),
  status: deliveryStatus,
  businessDate: businessDateOut('出库日期'),
  totalAmount: out.fen('出库金额（按批次成本）'),
  lineCount: out.count('行数'),
  createdByName: out.text('出库人姓名'),
  signedByName: out.text('签收人姓名；null = 尚未签收').nullable(),
  signedAt: out.instant('签收操作的时刻', 'null = 尚未签收').nullable(),
});

export const deliveryDetail = deliverySummary.extend({
  note: out.text('出库备注；null = 无').nullable(),
  signNote: out.text('签收备注；null = 无或尚未签收').nullable(),
  signDate: out.date('签收日期（实收药品按它记入本室台账）', 'null = 尚未签收').nullable(),
  lines: z.array(deliveryLine).describe('配送行，按行号'),
  traceNotices: z.array(traceNotice).describe('签收时扫到、但不在本配送单上的追溯码（foreign）；没有则为空'),
});

export const pendingIssueLine = z.object({
  requisitionLineId: out.id('请领行（deliveries.preview / create 的 requisitionLineId）'),
  requisitionId: out.id('请领单'),
  requisitionDocNo: out.docNo('请领单号', 'QL'),
  clinicId: out.id('村卫生室'),
  clinicName: out.text('卫生室名称'),
  ...drugSnapshot,
  approvedQty: out.qty('核准数量'),
  issuedQty: out.qty('已出库数量'),
  outstandingQty: out.qty('待配送 = approvedQty − issuedQty'),
  /** True while a blind count of the hub store hides this drug's book from the caller: hubAvailable is null. */
  bookHidden: out.flag('盲盘中：该药品在此库房的账面数对调用者隐藏（调用者是正在盘点的人），相应数字为 null；盘点审核或作废后恢复'),
  hubAvailable: out.qty('中心药库今天未过期批次的结存（未扣除其他待配送）', 'null = 盲盘中对调用者隐藏（bookHidden）').nullable(),
});

// ───────────── dispensing ─────────────

export const dispensingEntry = z.object({
  id: out.id('用药登记'),
  clinicId: out.id('村卫生室'),
  businessDate: businessDateOut('用药日期'),
  rxNo: out.text('处方号；null = 未填').nullable(),
  visitNo: out.text('就诊号；null = 未填').nullable(),
  note: out.text('备注；null = 无').nullable(),
  status: z.enum(['posted', 'reversed']).describe(`状态。${valuesText({ posted: '已过账', reversed: '已冲销（药品回到原批次）' })}`),
  totalAmount: out.fen('用药金额（按批次成本，零差率）'),
  createdByName: out.text('登记人姓名'),
  createdAt: out.instant('登记时刻'),
  reverseReason: out.text('冲销原因；null = 未冲销').nullable(),
  lines: z
    .array(
      z.object({
        id: out.id('登记行'),
        lineNo: out.int('行号，从 1 开始'),
        ...drugSnapshot,
        qty: out.qty('用药数量'),
        amount: out.fen('行金额（按所扣批次的成本）'),
        lots: z
          .array(z.object({ batchNo: batchNoOut, expiryDate: expiryOut, qty: out.qty('从该批次扣减的数量') }))
          .describe('扣减的批次：扫码的盒所在批次在前，其余按先到期先用（FEFO）'),
        traceCodes: z.array(z.string()).describe('本行扫到的追溯码（统一写法），按扫码顺序'),
      }),
    )
    .describe('登记行，按行号'),
  traceNotices: z.array(traceNotice).describe('本次扫码发现的异常（重复销售、串货、未入库、与药品不符）；没有则为空'),
});

// ───────────── returns and write-offs ─────────────

export const returnReason = z
  .enum(['near_expiry', 'quality', 'damaged', 'overstock', 'recall', 'wrong_item', 'other'])
  .describe(`退货原因。${valuesText(RETURN_REASON_LABELS)}`);
export const writeoffReason = z.enum(['expired', 'damaged', 'lost', 'quality', 'other']).describe(`报损原因。${valuesText(WRITEOFF_REASON_LABELS)}`);

const returnKindLabels = { clinic_to_hub: '村卫生室退回中心药库（待中心库确认后过账）', hub_to_supplier: '中心药库退给配送企业（立即过账）' };
const returnStatus = z
  .enum(['submitted', 'posted', 'rejected', 'cancelled'])
  .describe(`状态。${valuesText({ submitted: '待中心库确认', posted: '已过账', rejected: '中心库已拒绝', cancelled: '已撤回' })}`);
const writeoffStatus = z
  .enum(['pending', 'approved', 'rejected', 'cancelled'])
  .describe(`状态。${valuesText({ pending: '待审批', approved: '已批准并过账', rejected: '已驳回', cancelled: '已撤回' })}`);

const lotLineInput = z.object({
  lotId: about(id, '批次：须在该库房有库存（stock.lots 的 lotId）'),
  qty: about(positiveQty, '数量；同一批次出现多行时合计不能超过该库房的结存'),
  traceCodes: z
    .array(traceCode)
    .max(2_000)
    .default([])
    .describe(
      '本行扫码的各盒（可不扫）：须在该库房、属于本行批次、不在另一张待处理的退货单或报损单上；个数不超过本行数量折合的盒数（向上取整）；过账时随台账一起移出',
    ),
});

export const lotDocLine = z.object({
  id: out.id('单据行'),
  lineNo: out.int('行号，从 1 开始'),
  ...drugSnapshot,
  lotId,
  batchNo: batchNoOut,
  expiryDate: expiryOut,
  qty: out.qty('数量'),
  amount: out.fen('过账金额（按批次成本）', 'null = 尚未过账').nullable(),
  traceCodes: z.array(z.string()).describe('本行扫码的追溯码（统一写法），按扫码顺序；没扫则为空'),
});

export const returnDetail = z.object({
  id: out.id('退货单'),
  docNo: out.docNo('退货单号', 'TH'),
  kind: z.enum(['clinic_to_hub', 'hub_to_supplier']).describe(`退货方向。${valuesText(returnKindLabels)}`),
  clinicId: out.id('退货的村卫生室', 'null = 中心药库退给配送企业').nullable(),
  clinicName: out.text('卫生室名称；null = 中心药库退给配送企业').nullable(),
  supplierId: out.id('配送企业', 'null = 卫生室退回中心药库').nullable(),
  supplierName: out.text('配送企业名称；null = 卫生室退回中心药库').nullable(),
  reasonCode: returnReason,
  reason: out.text('退货说明；null = 未填').nullable(),
  status: returnStatus,
  businessDate: businessDateOut('过账日期', 'null = 尚未过账').nullable(),
  totalAmount: out.fen('过账金额（按批次成本）；尚未过账时为 0'),
  createdByName: out.text('申请人姓名'),
  createdAt: out.instant('申请时刻'),
  decidedByName: out.text('确认、拒绝或撤回的人；null = 尚未处理').nullable(),
  decidedAt: out.instant('处理时刻', 'null = 尚未处理').nullable(),
  decisionNote: out.text('中心库的说明（拒绝时必填）；null = 无').nullable(),
  lines: z.array(lotDocLine).describe('退货行，按行号'),
});

export const writeoffDetail = z.object({
  id: out.id('报损单'),
  docNo: out.docNo('报损单号', 'BS'),
  storeId: out.id('库房'),
  storeName: out.text('库房名称'),
  clinicId: out.id('库房所属村卫生室', 'null = 中心药库').nullable(),
  reasonCode: writeoffReason,
  reason: out.text('报损说明；null = 未填').nullable(),
  status: writeoffStatus,
  businessDate: businessDateOut('过账日期', 'null = 尚未批准').nullable(),
  totalAmount: out.fen('过账金额（按批次成本）；尚未批准时为 0'),
  createdByName: out.text('申请人姓名'),
  createdAt: out.instant('申请时刻'),
  decidedByName: out.text('审批或撤回的人；null = 尚未处理').nullable(),
  decidedAt: out.instant('处理时刻', 'null = 尚未处理').nullable(),
  decisionNote: out.text('审批意见（驳回时必填）；null = 无').nullable(),
  lines: z.array(lotDocLine).describe('报损行，按行号'),
});

// ───────────── views ─────────────

export const lotBalance = z.object({
  lotId,
  batchNo: batchNoOut,
  mfgDate: out.date('生产日期', 'null = 未填').nullable(),
  expiryDate: expiryOut,
  qty: out.qty('该批次在本库房的结存（> 0）'),
  value: out.fen('该批次在本库房的结存金额'),
  unitCost: out.unitCost('批次成本单价（入库价 ÷ packSize，四舍五入）'),
  supplierId: out.id('购进该批次的配送企业', 'null = 不是从配送企业购进').nullable(),
  supplierName: out.text('该配送企业名称；null = 不是从配送企业购进').nullable(),
  expired: out.flag('已过期：有效期早于今天'),
  nearExpiry: out.flag('近效期：未过期且 180 天内到期'),
});

const ALERT_KIND_VALUES = ['expired', 'near_expiry', 'below_min', 'out_of_stock'] as const;
const alertKindLabels = {
  expired: '已过期的批次（不论是否常用药）',
  near_expiry: '180 天内到期的批次（不论是否常用药）',
  below_min: '常用药：有未过期库存，但低于本库房的下限',
  out_of_stock: '常用药：未过期库存为零',
};

export const onHandRow = z.object({
  drugId: drugOut.drugId,
  nhsaCode: drugOut.nhsaCode,
  genericName: out.text('药品通用名'),
  spec: drugOut.spec,
  dosageForm: drugOut.dosageForm,
  manufacturer: drugOut.manufacturer,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  insuranceClass: out.text(`医保类别。${valuesText({ A: '甲类', B: '乙类', none: '非医保' })}`),
  vbp: drugOut.vbp,
  /** True while a blind count hides this drug's book from the caller: quantities and value are null, lots empty. */
  bookHidden: out.flag('盲盘中：该药品在此库房的账面数对调用者隐藏（调用者是正在盘点的人），相应数字为 null；盘点审核或作废后恢复'),
  qty: out.qty('结存合计（含已过期批次）', 'null = 盲盘中对调用者隐藏（bookHidden）').nullable(),
  value: out.fen('结存金额合计', 'null = 盲盘中对调用者隐藏（bookHidden）').nullable(),
  minQty: out.qty('库存下限（中心药库取 hubMin，卫生室取 clinicMin）', 'null = 未设置').nullable(),
  maxQty: out.qty('库存上限（中心药库取 hubMax，卫生室取 clinicMax）', 'null = 未设置').nullable(),
  belowMin: out.flag('设有下限且结存合计低于下限（盲盘中隐藏时为 false）'),
  nearExpiryQty: out.qty('其中近效期（180 天内到期）的数量', 'null = 盲盘中对调用者隐藏（bookHidden）').nullable(),
  expiredQty: out.qty('其中已过期的数量', 'null = 盲盘中对调用者隐藏（bookHidden）').nullable(),
  earliestExpiry: out.date('最早的有效期', 'null = 没有库存，或盲盘中对调用者隐藏').nullable(),
  lots: z.array(lotBalance).describe('有结存的批次，先到期的在前；盲盘中对调用者隐藏时为空'),
});

export const stockCardRow = z.object({
  id: out.id('台账流水号（ledger id），越大越晚记账'),
  businessDate: businessDateOut('业务日期'),
  createdAt: out.instant('记账时刻'),
  movement: z.enum(MOVEMENTS).describe(movementText),
  docType: out.text(docTypeText),
  docId: out.id('来源单据'),
  docNo: out.text('来源单据号；用药登记为处方号或就诊号；null = 没有单据号').nullable(),
  lotId,
  batchNo: batchNoOut,
  qty: out.qty('变动数量，带符号：入为正、出为负'),
  unitCost: out.unitCost('记账单价（批次成本）'),
  amount: out.fen('变动金额，带符号'),
  balanceQty: out.qty('本行之后的结存（从 opening 起按 业务日期、台账流水号 逐行累计）'),
  balanceValue: out.fen('本行之后的结存金额'),
  userName: out.text('记账人姓名'),
  reversesId: out.id('本行冲销的台账行', 'null = 不是冲销行').nullable(),
  reversed: out.flag('本行已被冲销'),
  /** The day (China time) the row was recorded; later than businessDate for a back-dated posting. */
  recordedOn: out.date('记账当天（中国时间）；补录时晚于业务日期'),
  /** 补录: booked on a business date before the day it was recorded. */
  backdated: out.flag('补录：业务日期早于记账当天'),
});

const levelSourceLabels = { set: '药库设定', suggested: '按本库房近 90 天用量建议', catalog: '药品目录的中心库上下限' };

export const alertRow = z.object({
  kind: z.enum(ALERT_KIND_VALUES).describe(`预警类型。${valuesText(alertKindLabels)}`),
  storeId: out.id('库房'),
  storeName: out.text('库房名称'),
  clinicId: out.id('库房所属村卫生室', 'null = 中心药库').nullable(),
  drugId: drugOut.drugId,
  drugName: drugOut.drugName,
  spec: drugOut.spec,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  qty: out.qty('过期、近效期：该批次的结存；低于下限、缺货：未过期库存合计'),
  minQty: out.qty('本库房该药品的下限', 'null = 未设置，也无用量可据以建议').nullable(),
  maxQty: out.qty('本库房该药品的上限', 'null = 未设置，也无用量可据以建议').nullable(),
  levelSource: z
    .enum(['set', 'suggested', 'catalog'])
    .nullable()
    .describe(`上下限从哪里来。${valuesText(levelSourceLabels)}；null = 没有上下限`),
  refillQty: out.qty('补到上限（没有上限时补到下限）所需的数量，整包装', 'null = 没有上下限').nullable(),
  batchNo: out.text('批号；null = 低于下限或缺货（按药品，不按批次）').nullable(),
  expiryDate: out.date('有效期至', 'null = 低于下限或缺货').nullable(),
  value: out.fen('该批次的结存金额；低于下限、缺货时为 0'),
});

export const watchRow = z.object({
  drugId: drugOut.drugId,
  drugName: drugOut.drugName,
  spec: drugOut.spec,
  manufacturer: drugOut.manufacturer,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  watched: out.flag('在本库房的常用药清单上（预警看它的缺货、低于下限）'),
  listedBy: z
    .enum(['used', 'added', 'catalog', 'removed'])
    .describe(
      `为什么在（或不在）清单上。${valuesText({ used: '近 90 天用过（村卫生室：用药登记；中心库：配送出库）', added: '药库加入', catalog: '中心库：药品目录设有下限', removed: '药库移出（即使近期用过）' })}`,
    ),
  usedInWindow: out.qty('近 90 天的用量（冲销已抵消）'),
  qty: out.qty('未过期库存', 'null = 盲盘中对调用者隐藏').nullable(),
  suggestedMin: out.qty('按用量建议的下限（两周用量，整包装）', 'null = 近 90 天没有用过').nullable(),
  suggestedMax: out.qty('按用量建议的上限（六周用量，整包装）', 'null = 近 90 天没有用过').nullable(),
  minQty: out.qty('生效的下限', 'null = 没有').nullable(),
  maxQty: out.qty('生效的上限', 'null = 没有').nullable(),
  levelSource: z
    .enum(['set', 'suggested', 'catalog'])
    .nullable()
    .describe(`生效的上下限从哪里来。${valuesText(levelSourceLabels)}；null = 没有上下限`),
});

const alertsFilter = {
  storeId: about(id.optional(), '只看该库房；省略 = 可见的全部库房（村医：本室）'),
  kinds: z
    .array(z.enum(ALERT_KIND_VALUES))
    .optional()
    .describe(`只看这些类型；省略 = 全部。${valuesText(alertKindLabels)}`),
  q: about(text(50, '关键字').optional(), '按通用名（包含）或医保编码（开头）筛选'),
};

const businessDate = about(isoDate.optional(), '业务日期（记入台账的日期）：省略 = 今天；不能晚于今天，不能落在已结账的月份');

/** 扫码规则: how an opened box is scanned at later dispensings. */
export const traceScanRules = z.object({
  openedBoxScan: z
    .enum(OPENED_BOX_SCANS)
    .describe(`拆零药品的扫码方式。${valuesText(OPENED_BOX_SCAN_LABELS)}；默认 once_at_open（按 2025 年通知“一盒只销售一次”：拆零药品在开盒即首次销售时扫码）`),
});
export type TraceScanRules = z.infer<typeof traceScanRules>;

/** 库存查询's filter: the screen, its printout and its Excel export take the same. */
const onHandFilter = z
  .enum(['all', 'in_stock', 'near_expiry', 'expired', 'below_min', 'out_of_stock'])
  .default('in_stock')
  .describe(
    `筛选。${valuesText({ all: '有库存的药品，加上设有下限或近 6 个月有收发的零库存药品', in_stock: '有库存', near_expiry: '有近效期批次', expired: '有过期批次', below_min: '低于下限', out_of_stock: '结存为零（设有下限或近 6 个月有收发的）' })}`,
  );

/** One store's card of one drug over a date range: what stock.card shows and stock.cardExport writes. */
const stockCardRange = z.object({
  storeId: about(id, '库房（可以是在途库房）；村医只能是本室'),
  drugId: about(id, '药品；村医在该药品盲盘期间答 409 INVALID_STATE'),
  from: about(isoDate, '开始日期（含）'),
  to: about(isoDate, '结束日期（含），不早于 from'),
});

export const stockApi = {
  'stock.stores': defineMethod({
    summary: '库房列表：中心药库与各村卫生室库房（村医只看到本室）',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ includeTransit: z.boolean().default(false).describe('同时列出各卫生室的在途库房') }).default({ includeTransit: false }),
    output: z.array(storeRow).describe('中心药库在前，其后按卫生室编码；不含已停用卫生室的库房；村医只得到本室的'),
  }),
  'stock.onHand': defineMethod({
    summary: '某库房的库存：按药品汇总，含各批次、效期、上下限与预警标记',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({
      storeId: about(id, '库房（stock.stores）；村医只能是本室，本室正在盲盘时答 409 INVALID_STATE'),
      q: about(text(50, '关键字').optional(), '按通用名、生产企业（包含）或医保编码（开头，大小写不限）筛选'),
      filter: onHandFilter,
      page: z.number().int().min(1).max(100_000).default(1).describe('页码，从 1 开始'),
      pageSize: z.number().int().min(1).max(500).default(50).describe('每页行数'),
    }),
    output: z.object({
      rows: z.array(onHandRow).describe('本页的药品，按通用名排序'),
      total: out.count('符合条件的药品数'),
      /** totalValue is null while a blind count hides part of the store's book from the caller. */
      totalValue: out.fen('符合条件的全部药品（不只本页）的结存金额', 'null = 有药品的账面数盲盘中对调用者隐藏').nullable(),
    }),
  }),
  'stock.lots': defineMethod({
    summary: '某库房某药品的在库批次（先到期的在前）',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({
      storeId: about(id, '库房；村医只能是本室'),
      drugId: about(id, '药品；村医在该药品盲盘期间答 409 INVALID_STATE'),
    }),
    output: z.array(lotBalance).describe('有结存的批次（含已过期），先到期的在前'),
  }),
  'stock.card': defineMethod({
    summary: '库存台账（库存卡）：一个库房一种药品在一段时间内的每一笔收发及结存',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: stockCardRange
      .extend({ limit: z.number().int().min(1).max(5000).default(2000).describe('最多返回的台账行数；更多时 truncated 为 true') })
      .refine((v) => v.from <= v.to, { message: '开始日期不能晚于结束日期', path: ['to'] })
      .describe('from ≤ to'),
    output: z.object({
      drug: z.object({ ...drugSnapshot, manufacturer: drugOut.manufacturer, nhsaCode: drugOut.nhsaCode }).describe('药品（现在的资料）'),
      store: storeRow.describe('库房'),
      opening: z.object({ qty: out.qty('期初结存：from 之前的全部收发'), value: out.fen('期初结存金额') }).describe('from 当天开始时的结存'),
      rows: z.array(stockCardRow).describe('期间内的台账行，按业务日期、再按流水号排序'),
      closing: z
        .object({ qty: out.qty('期末结存 = 期初 + 所返回行的合计'), value: out.fen('期末结存金额') })
        .describe('最后一个返回行之后的结存（truncated 时不是 to 当天的结存）'),
      truncated: out.flag('期间内的台账行多于 limit，只返回了前 limit 行'),
    }),
  }),
  'stock.alerts': defineMethod({
    summary: '库存预警：已过期、近效期（6 个月内）的批次，以及各库房常用药（近 90 天用过的、药库加入的）的缺货与低于下限；分页，附各类型的条数',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        ...alertsFilter,
        page: z.number().int().min(1).max(100_000).default(1).describe('页码，从 1 开始'),
        pageSize: z.number().int().min(1).max(500).default(50).describe('每页行数'),
      })
      .default({ page: 1, pageSize: 50 }),
    output: z.object({
      rows: z.array(alertRow).describe('本页的预警：已过期、缺货、近效期、低于下限的顺序，再按库房、药品；本室盲盘中的药品不出现在清点人的预警里'),
      total: out.count('符合条件（含类型）的预警条数'),
      counts: z
        .object({
          expired: out.count('已过期'),
          near_expiry: out.count('近效期'),
          below_min: out.count('低于下限'),
          out_of_stock: out.count('缺货'),
        })
        .describe('按库房与关键字（不按类型）筛选后各类型的条数'),
    }),
  }),
  'stock.alertsExport': defineMethod({
    summary: '导出库存预警为 Excel（.xlsx）：与 stock.alerts 相同的筛选，不分页',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object(alertsFilter).default({}),
    output: fileContent.describe('Excel 文件：库存预警-<日期>.xlsx'),
  }),
  'stock.watchList': defineMethod({
    summary: '某库房的常用药与上下限：近 90 天用过的、药库加入或移出的药品，含建议与生效的上下限',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({
      storeId: about(id, '库房（中心药库或村卫生室库房）；村医只能是本室'),
      q: about(text(50, '关键字').optional(), '按通用名（包含）或医保编码（开头）筛选'),
      page: z.number().int().min(1).max(100_000).default(1).describe('页码，从 1 开始'),
      pageSize: z.number().int().min(1).max(500).default(50).describe('每页行数'),
    }),
    output: z.object({
      rows: z.array(watchRow).describe('本页的药品：清单上的在前，再按通用名'),
      total: out.count('符合条件的药品数'),
      windowDays: out.count('用量统计的天数（今天往前，含今天）'),
    }),
  }),
  'stock.setWatch': defineMethod({
    summary: '设置某库房某药品是否为常用药及其上下限（上下限留空 = 按用量建议）',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z
      .object({
        storeId: about(id, '库房：中心药库或村卫生室库房（不能是在途库房）'),
        drugId: about(id, '药品'),
        watched: z.boolean().describe('true = 列为常用药（预警看它）；false = 移出清单（即使近期用过）'),
        minQty: about(nonNegativeQty.nullable(), '下限；null = 按用量建议'),
        maxQty: about(positiveQty.nullable(), '上限；null = 按用量建议'),
      })
      .refine((v) => v.minQty === null || v.maxQty === null || v.minQty <= v.maxQty, { message: '下限不能高于上限', path: ['minQty'] })
      .describe('minQty ≤ maxQty'),
    output: watchRow,
  }),

  'receipts.create': defineMethod({
    summary: '验收入库：按采购订单收货，每行录入批号、生产日期、有效期、数量、单价、追溯码；过期与超收拒绝，近效期提示',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      poId: about(id, '采购订单：已发送或部分到货'),
      invoiceNo: about(optionalText(40, '发票号'), '发票号（配送企业对账单按它分组）'),
      invoiceDate: about(isoDate.nullish(), '发票日期；可省略或 null'),
      businessDate: about(businessDate, '入库日期'),
      note: about(optionalText(200, '备注'), '备注'),
      acceptance: acceptanceInput,
      lines: z
        .array(
          z.object({
            poLineId: about(id, '该订单的订单行（receipts.openOrders 的 poLineId）'),
            batchNo,
            mfgDate: about(isoDate.nullish(), '生产日期：早于有效期，不晚于入库日期；可省略或 null'),
            expiryDate: about(isoDate, '有效期至：不能早于入库日期（已过期拒绝）；180 天内到期时给出提示'),
            qty: about(positiveQty, '到货数量：不能超过该订单行未收的数量；其中验收合格的部分计入订单已收'),
            packPrice: about(unitPrice.optional(), '每包装单位的入库价（发票价）；省略 = 订单合同价，不同时给出提示'),
            traceCodes: z
              .array(traceCode)
              .max(10_000)
              .default([])
              .describe(
                '本行各盒的追溯码，个数不超过验收合格的整包装数（qty ÷ packSize 取整），不能重复；扫大码/中码（已导入关联关系）等于扫了装在里面的每一盒，按盒计数',
              ),
            ...acceptanceLineInput,
          }),
        )
        .min(1, '至少要有一行')
        .max(500, '一张入库单最多 500 行')
        .describe('入库行，1–500 行；每行建立一个新批次'),
    }),
    output: z.object({
      receipt: receiptDetail.describe('过账后的入库单'),
      warnings: z.array(warning).describe('提示（不阻止入库）：近效期、单价与订单不同'),
    }),
  }),
  'receipts.openOrders': defineMethod({
    summary: '待收货的采购订单（已发送或部分收货），含每行未收数量与合同单价',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ supplierId: about(id.optional(), '只看该配送企业的订单') }).default({}),
    output: z
      .array(
        z.object({
          poId: out.id('采购订单'),
          docNo: out.docNo('采购订单号', 'CG'),
          supplierId: out.id('配送企业'),
          supplierName: out.text('配送企业名称'),
          status: z.enum(['sent', 'partly_received']).describe(`状态。${valuesText({ sent: '已发送，未到货', partly_received: '部分到货' })}`),
          sentAt: out.instant('发送时刻', 'null = 未记录').nullable(),
          lines: z
            .array(
              z.object({
                poLineId: out.id('订单行（receipts.create 的 poLineId）'),
                ...drugSnapshot,
                manufacturer: drugOut.manufacturer,
                orderedQty: out.qty('订购数量'),
                receivedQty: out.qty('已收数量'),
                outstandingQty: out.qty('未收 = orderedQty − receivedQty'),
                packPrice: out.packPrice('合同价'),
                tracePrefix: out.text('药品的追溯码前缀（追溯码须以它开头）；null = 不检查前缀').nullable(),
                gtin: out.text('药品的 GS1 商品编码 GTIN-14（GS1 码须是它）；null = 未登记，不检查').nullable(),
                storageCondition,
                specialControl: out.flag('特殊管理药品（可能须双人验收，见 gsp.settings）'),
              }),
            )
            .describe('订单行（含已收齐的行）'),
        }),
      )
      .describe('按发送时间排序'),
  }),
  'receipts.list': defineMethod({
    summary: '入库单列表',
    access: HUB_READ_ROLES,
    write: false,
    input: z
      .object({
        supplierId: about(id.optional(), '只看该配送企业'),
        poId: about(id.optional(), '只看该采购订单'),
        from: about(isoDate.optional(), '入库日期从（含）'),
        to: about(isoDate.optional(), '入库日期到（含）'),
        limit: z.number().int().min(1).max(500).default(100).describe('最多返回的单据数'),
      })
      .default({ limit: 100 }),
    output: z
      .array(receiptDetail.omit({ lines: true, acceptance: true }).extend({ lineCount: out.count('行数') }))
      .describe('入库单（不含行），入库日期新的在前'),
  }),
  'receipts.get': defineMethod({
    summary: '入库单详情',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ id: about(id, '入库单') }),
    output: receiptDetail,
  }),
  'receipts.reverse': defineMethod({
    summary: '冲销入库单（货物仍全部在中心药库时）：以反向记录冲回，订单的已收数量随之减少',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      id: about(id, '入库单：已过账，且货物仍全部在中心药库（否则答 INSUFFICIENT_STOCK）；冲销记入今天'),
      reason: about(requiredText(200, '冲销原因'), '冲销原因'),
    }),
    output: receiptDetail,
  }),

  'deliveries.pending': defineMethod({
    summary: '待配送：已审核通过但尚未出库的请领明细，按卫生室列出，附中心库可用量',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ clinicId: about(id.optional(), '只看该卫生室') }).default({}),
    output: z.array(pendingIssueLine).describe('已核准、尚未全部出库的请领行，按卫生室编码、请领单、行号'),
  }),
  'deliveries.preview': defineMethod({
    summary: '出库预览：按先到期先出（FEFO）分配批次，过期批次不出库',
    access: HUB_STOCK_ROLES,
    write: false,
    input: z.object({
      clinicId: about(id, '村卫生室'),
      lines: z
        .array(
          z.object({
            requisitionLineId: about(id, '该卫生室已核准的请领行（deliveries.pending）'),
            qty: about(positiveQty, '本次出库数量：不超过待配送数量'),
          }),
        )
        .min(1, '请选择要出库的明细')
        .max(500)
        .describe('要出库的请领行，1–500 行'),
    }),
    output: z.object({
      lines: z
        .array(
          z.object({
            requisitionLineId: out.id('请领行'),
            ...drugSnapshot,
            qty: out.qty('出库数量'),
            lots: z
              .array(
                z.object({
                  lotId,
                  batchNo: batchNoOut,
                  expiryDate: expiryOut,
                  qty: out.qty('从该批次出库的数量'),
                  nearExpiry: out.flag('180 天内到期'),
                }),
              )
              .describe('按先到期先出（FEFO）分配的批次（不含过期批次）；中心药库未过期库存不足时整个预览答 409 INSUFFICIENT_STOCK'),
            storageMismatch: out
              .text('卫生室不能按该药品的贮藏条件保存的原因（如没有启用的冷藏柜）；出库时须填写 storageOverrideReason；null = 条件相符')
              .nullable(),
          }),
        )
        .describe('每个请领行一行，与输入同序'),
      totalAmount: out.fen('出库金额（按批次成本）'),
    }),
  }),
  'deliveries.create': defineMethod({
    summary: '出库配送：从中心药库按 FEFO 出库到卫生室，货物在途，等待村医签收',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      clinicId: about(id, '村卫生室（须启用）'),
      businessDate: about(businessDate, '出库日期'),
      note: about(optionalText(200, '备注'), '备注'),
      lines: z
        .array(
          z.object({
            requisitionLineId: about(id, '该卫生室已核准的请领行；同一行只能出现一次'),
            qty: about(positiveQty, '本次出库数量：不超过待配送数量，中心药库未过期库存须足够'),
            traceCodes: z
              .array(traceCode)
              .max(2_000)
              .default([])
              .describe(
                '拣货时扫码的各盒（可不扫）：须在中心药库、是本行药品，且属于按先到期先出分给本行的批次；个数不超过该批次的整盒数。扫大码/中码（已导入关联关系）等于扫了其中仍在中心药库的每一盒（已拆开发出一部分的，只算剩下的）',
              ),
            storageOverrideReason: about(
              optionalText(200, '贮藏条件不符的配送原因'),
              '卫生室不能按药品贮藏条件保存时（冷藏药品而该室没有启用的冷藏柜；阴凉药品而没有阴凉库或冷藏柜）仍要配送的原因：这时必填，否则答 422 BUSINESS_RULE 并指明该行；条件相符时忽略',
            ),
          }),
        )
        .min(1, '请选择要出库的明细')
        .max(500)
        .describe('要出库的请领行，1–500 行；按先到期先出分配批次，一行可分成多个配送行'),
    }),
    output: deliveryDetail,
  }),
  'deliveries.list': defineMethod({
    summary: '配送单列表；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        clinicId: about(id.optional(), '只看该卫生室；村医无论如何只看本室'),
        status: about(deliveryStatus.optional(), '只看该状态'),
        limit: z.number().int().min(1).max(500).default(100).describe('最多返回的单据数'),
      })
      .default({ limit: 100 }),
    output: z.array(deliverySummary).describe('配送单，新的在前'),
  }),
  'deliveries.get': defineMethod({
    summary: '配送单详情；村医只能查看本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ id: about(id, '配送单；村医只能是本室的') }),
    output: deliveryDetail,
  }),
  'deliveries.sign': defineMethod({
    summary: '村医逐行签收配送单，填写实收数量；有差异须说明原因，差异留在在途中等待中心库处理',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({
      id: about(id, '配送单：在途（in_transit）；村医只能是本室的'),
      signDate: about(businessDate, '签收日期：实收药品按它记入本室台账；不能早于出库日期'),
      note: about(optionalText(200, '签收备注'), '签收备注'),
      lines: z
        .array(
          z.object({
            lineId: about(id, '配送行'),
            receivedQty: about(nonNegativeQty, '实收数量：不能多于该行出库数量'),
            reason: about(optionalText(200, '差异原因'), '差异原因：实收少于出库数量时必填'),
          }),
        )
        .min(1)
        .max(500)
        .describe('该单的每一行都要出现且只出现一次；有差异时单据变为 discrepancy，差异数量留在在途库房等中心库处理'),
      scannedCodes: z
        .array(traceCode)
        .max(5_000)
        .default([])
        .describe(
          '签收时扫到的追溯码（大码/中码代表其中在本单上的盒）。扫了本单上的盒即按扫码签收：各行实收不能多于扫到的盒加该行无码数量（否则 VALIDATION，path 为 lines.N.receivedQty），未扫的盒留在途中（短少）等中心库处理；一盒也没扫时可不扫码，实收等于出库的行整行到本室。不在本单上的码记为 foreign 并在 traceNotices 中说明',
        ),
    }),
    output: deliveryDetail,
  }),
  'deliveries.resolve': defineMethod({
    summary: '处理签收差异：差异数量退回中心库，或作为在途损失报损',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      id: about(id, '配送单：状态为 discrepancy'),
      lineId: about(id, '有差异且尚未处理的配送行'),
      resolution: z.enum(['returned_to_hub', 'written_off']).describe(`处理方式（今天记账）。${valuesText(resolutionLabels)}`),
      note: about(requiredText(200, '处理说明'), '处理说明'),
    }),
    output: deliveryDetail,
  }),

  'dispensing.create': defineMethod({
    summary: '用药登记：村卫生室按先到期先用自动扣减批次，不能超过库存',
    access: ['village_doctor', 'pharmacist'],
    write: true,
    clinicScoped: true,
    input: z.object({
      clinicId: about(id.optional(), '村卫生室：村医省略（即本室）；药库管理员必填'),
      businessDate: about(businessDate, '用药日期'),
      rxNo: about(optionalText(40, '处方号'), '处方号'),
      visitNo: about(optionalText(40, '就诊号'), '就诊号'),
      note: about(optionalText(200, '备注'), '备注'),
      clientToken: about(clientToken.optional(), '建议总是填写；已被另一卫生室的登记用过时答 409 CONFLICT'),
      lines: z
        .array(
          z.object({
            drugId: about(id, '药品'),
            qty: about(positiveQty, '用药数量：按先到期先用扣减本室未过期批次，不能超过库存（答 INSUFFICIENT_STOCK）'),
            traceCodes: z
              .array(traceCode)
              .max(50)
              .default([])
              .describe(
                '用药时扫码的各盒（可不扫）：本室的盒先从它的批次扣减（拆零时该盒记为已拆，用完为止）；盒子到达本室之前的日期答 BUSINESS_RULE；在途未签收的答 BUSINESS_RULE；重复销售、串货、未入库、与药品不符的码照常登记并记为异常（traceNotices）',
              ),
          }),
        )
        .min(1, '至少登记一种药品')
        .max(50, '一次最多登记 50 种药品')
        .describe('1–50 行'),
    }),
    output: dispensingEntry,
  }),
  'dispensing.list': defineMethod({
    summary: '用药登记列表（默认当天）；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        clinicId: about(id.optional(), '只看该卫生室；村医无论如何只看本室'),
        from: about(isoDate.optional(), '用药日期从（含）；省略 = 与 to 相同，两者都省略 = 今天'),
        to: about(isoDate.optional(), '用药日期到（含）；省略 = 与 from 相同，两者都省略 = 今天'),
        limit: z.number().int().min(1).max(1000).default(200).describe('最多返回的登记数'),
      })
      .default({ limit: 200 }),
    output: z.array(dispensingEntry).describe('用药登记（含已冲销的），日期新的在前'),
  }),
  'dispensing.reverse': defineMethod({
    summary: '冲销一条用药登记（所在月份未结账时），药品回到原批次',
    access: ['village_doctor', 'pharmacist'],
    write: true,
    clinicScoped: true,
    input: z.object({
      id: about(id, '用药登记：已过账，所在月份未结账；村医只能是本室的'),
      reason: about(requiredText(200, '冲销原因'), '冲销原因'),
    }),
    output: dispensingEntry,
  }),

  'returns.create': defineMethod({
    summary: '退货：村卫生室申请退回中心库（待中心库确认），或中心库退给配送企业（直接过账）',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({
      kind: z.enum(['clinic_to_hub', 'hub_to_supplier']).describe(`退货方向。${valuesText(returnKindLabels)}；hub_to_supplier 只限药库管理员和系统管理员`),
      clinicId: about(id.optional(), 'clinic_to_hub：退货的村卫生室（村医省略即本室，药库角色必填）；hub_to_supplier 时忽略'),
      supplierId: about(id.optional(), 'hub_to_supplier：配送企业，必填；退的批次须是从它购进的'),
      reasonCode: returnReason,
      reason: about(optionalText(200, '退货说明'), '退货说明'),
      businessDate: about(businessDate, 'hub_to_supplier：过账日期；clinic_to_hub：只决定单据号的年月（过账日期由 returns.decide 决定）'),
      lines: z.array(lotLineInput).min(1, '至少退一个批次').max(200).describe('退货批次，1–200 行：clinic_to_hub 取自本室库房，hub_to_supplier 取自中心药库'),
    }),
    output: returnDetail,
  }),
  'returns.decide': defineMethod({
    summary: '中心库确认收到卫生室退回的药品（过账）或拒绝',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      id: about(id, '卫生室退回中心库的退货单，状态 submitted'),
      accept: z.boolean().describe('true = 确认收到并过账（本室库存转入中心药库）；false = 拒绝'),
      note: about(optionalText(200, '说明'), '说明：拒绝时必填'),
      businessDate: about(businessDate, '过账日期（accept 为 true 时）'),
    }),
    output: returnDetail,
  }),
  'returns.cancel': defineMethod({
    summary: '撤回尚未处理的退货申请',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({ id: about(id, '退货单：状态 submitted；村医只能是本室的') }),
    output: returnDetail,
  }),
  'returns.list': defineMethod({
    summary: '退货单列表；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        kind: z
          .enum(['clinic_to_hub', 'hub_to_supplier'])
          .optional()
          .describe(`只看该方向。${valuesText(returnKindLabels)}`),
        clinicId: about(id.optional(), '只看该卫生室；村医无论如何只看本室（看不到退给配送企业的）'),
        status: about(returnStatus.optional(), '只看该状态'),
      })
      .default({}),
    output: z.array(returnDetail).describe('退货单，新的在前，最多 300 张'),
  }),

  'writeoffs.create': defineMethod({
    summary: '报损申请（过期、破损、丢失等），须药库管理员审批后过账',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({
      storeId: about(id, '库房：中心药库或卫生室库房（不能是在途库房，在途损失见 deliveries.resolve）；村医只能是本室'),
      reasonCode: writeoffReason,
      reason: about(optionalText(200, '报损说明'), '报损说明'),
      lines: z.array(lotLineInput).min(1, '至少报损一个批次').max(200).describe('报损批次，1–200 行'),
    }),
    output: writeoffDetail,
  }),
  'writeoffs.decide': defineMethod({
    summary: '审批报损：批准即过账扣减库存，或驳回',
    access: HUB_STOCK_ROLES,
    write: true,
    input: z.object({
      id: about(id, '报损单：状态 pending'),
      approve: z.boolean().describe('true = 批准并过账（扣减库存）；false = 驳回'),
      note: about(optionalText(200, '审批意见'), '审批意见：驳回时必填'),
      businessDate: about(businessDate, '过账日期（approve 为 true 时）'),
    }),
    output: writeoffDetail,
  }),
  'writeoffs.cancel': defineMethod({
    summary: '撤回尚未审批的报损申请',
    access: ['village_doctor', 'pharmacist', 'admin'],
    write: true,
    clinicScoped: true,
    input: z.object({ id: about(id, '报损单：状态 pending；村医只能是本室的') }),
    output: writeoffDetail,
  }),
  'writeoffs.list': defineMethod({
    summary: '报损单列表；村医只看到本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z
      .object({
        storeId: about(id.optional(), '只看该库房；村医只能是本室'),
        status: about(writeoffStatus.optional(), '只看该状态'),
      })
      .default({}),
    output: z.array(writeoffDetail).describe('报损单，新的在前，最多 300 张；村医只看到本室的'),
  }),
  'trace.lookup': defineMethod({
    summary: '追溯：扫码或输入一盒药的追溯码，查看它现在在哪里、经过的每一步（入库、配送、签收、用药）及单据、经手人、日期',
    access: 'authenticated',
    write: false,
    input: z.object({ code: about(traceCode, '要查的追溯码（原样传入扫码枪的输出）；无法识别时答 VALIDATION') }),
    output: z.object({
      code: out.text('追溯码（统一写法）；null = GS1 码没有序列号（只能认出药品和批号）').nullable(),
      kind: z.enum(['mssf', 'gs1', 'maker']).describe(`码的种类。${valuesText(TRACE_KIND_LABELS)}`),
      gtin: out.text('GS1 码中的商品条码（14 位）；null = 不是 GS1 码').nullable(),
      batchNo: out.text('GS1 码中的批号；null = 码中没有').nullable(),
      expiryDate: out.date('GS1 码中的有效期', 'null = 码中没有').nullable(),
      mfgDate: out.date('GS1 码中的生产日期', 'null = 码中没有').nullable(),
      serial: out.text('GS1 码中的序列号；null = 码中没有').nullable(),
      drug: z
        .object({
          drugId: drugOut.drugId,
          drugName: drugOut.drugName,
          spec: drugOut.spec,
          manufacturer: drugOut.manufacturer,
          packUnit: drugOut.packUnit,
          baseUnit: drugOut.baseUnit,
          packSize: drugOut.packSize,
        })
        .nullable()
        .describe('这个码所属的药品：入过库的按入库记录，否则按追溯码前缀或商品条码在目录中唯一匹配的药品；null = 认不出'),
      box: z
        .object({
          state: z
            .enum(BOX_STATES)
            .nullable()
            .describe(`现在的状态。${valuesText(BOX_STATE_LABELS)}；null = 这盒药现在在别的卫生室（村医看不到）`),
          storeName: out.text('现在所在的库房；null = 已离开账面（已用完、报损、退货）或村医看不到').nullable(),
          usedQty: out.qty('拆零已用的数量'),
          batchNo: batchNoOut,
          expiryDate: expiryOut,
          supplierName: out.text('购进的配送企业；null = 不是从配送企业购进').nullable(),
          lastDate: out.date('最后一次移动的业务日期'),
        })
        .nullable()
        .describe('卫生院登记过的这盒药；null = 从未入库或出库扫码'),
      events: z
        .array(
          z.object({
            id: out.id('追溯记录'),
            event: out.text('动作代码（receipt、issue、sign、dispense…）'),
            eventLabel: out.text('动作（中文）'),
            businessDate: businessDateOut('业务日期'),
            createdAt: out.instant('记录时刻'),
            qty: out.qty('拆零时本次用掉的数量；整盒移动为 0'),
            anomaly: z
              .enum(BOX_ANOMALIES)
              .nullable()
              .describe(`扫码异常。${valuesText(BOX_ANOMALY_LABELS)}；null = 正常`),
            note: out.text('异常说明；null = 正常').nullable(),
            docType: out.text('单据类型：receipt 入库单、delivery 配送单、dispensing 用药登记'),
            docId: out.id('单据'),
            docNo: out.text('单据号；用药登记为处方号或就诊号；null = 没有').nullable(),
            supplierName: out.text('入库时的配送企业；null = 不是入库').nullable(),
            visitNo: out.text('用药登记的就诊号；null = 不是用药或未填').nullable(),
            docStatus: out.text('用药登记的状态（posted / reversed）；null = 不是用药').nullable(),
            clinicName: out.text('扫码所在的卫生室；null = 中心药库').nullable(),
            fromStore: out.text('从哪个库房；null = 无').nullable(),
            toStore: out.text('到哪个库房；null = 离开账面或未移动').nullable(),
            userName: out.text('经手人'),
            storageOverride: out.text('配送行的贮藏条件不符仍配送的原因及决定人，如“卫生室冰箱维修中（周药师）”；null = 不是这样的配送').nullable(),
          }),
        )
        .describe('经过的每一步，按业务日期；村医只看到中心药库和本室的记录'),
      packedIn: z
        .array(z.object({ code: out.text('上级码'), level: packageLevel }))
        .describe('这个码装在哪些大码/中码里（由导入的关联关系得知），由内到外；空 = 没有'),
      package: z
        .object({
          level: packageLevel,
          children: z
            .array(z.object({ code: out.text('下级码'), level: packageLevel.nullable().describe('下级码本身的层级；null = 小码（一盒）') }))
            .describe('直接装在里面的码'),
          boxCount: out.count('装在里面的小码（盒）总数（含中码里的）'),
          atHubCount: out.count('其中现在在中心药库、可以出库的盒数（含从未扫码登记的无码库存）'),
          boxes: z
            .array(
              z.object({
                code: out.text('小码'),
                registered: out.flag('卫生院登记过这盒药（入库或出库时扫过码）'),
                atHub: out.flag('现在在中心药库（在库或入库后未再扫码）'),
                state: z
                  .enum(BOX_STATES)
                  .nullable()
                  .describe(`现在的状态。${valuesText(BOX_STATE_LABELS)}；null = 从未登记，或在别的卫生室（村医看不到）`),
                storeName: out.text('现在所在的库房；null = 从未登记、已离开账面或村医看不到').nullable(),
                batchNo: out.text('批号；null = 从未登记').nullable(),
              }),
            )
            .describe('装在里面的每一盒，按码排序'),
        })
        .nullable()
        .describe('这个码是大码或中码时：装了什么、各盒现在在哪里；null = 不是（是一盒药的码或不认识）'),
    }),
  }),
  'trace.scanRules': defineMethod({
    summary: '扫码规则：拆零药品开盒后再用药是否还要扫码（各省要求不同，由卫生院设定）',
    access: 'authenticated',
    write: false,
    input: z.object({}).strict().default({}),
    output: traceScanRules,
  }),
  'trace.updateScanRules': defineMethod({
    summary: '修改扫码规则（拆零药品开盒扫码一次，或每次用药扫码）；只影响之后的用药登记',
    access: ['admin', 'pharmacist'],
    write: true,
    input: traceScanRules,
    output: traceScanRules,
  }),
  'stock.cardExport': defineMethod({
    summary: '导出库存台账（药品账页）为 Excel（.xlsx）：与 stock.card 相同的库房、药品和日期范围，含期初、期末结存、每一笔收发的单据号与签字行',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: stockCardRange.refine((v) => v.from <= v.to, { message: '开始日期不能晚于结束日期', path: ['to'] }).describe('from ≤ to'),
    output: fileContent.describe('Excel 文件：库存台账-<库房>-<药品>-<开始日期>至<结束日期>.xlsx'),
  }),
  'stock.onHandExport': defineMethod({
    summary: '导出库存查询为 Excel（.xlsx）：与 stock.onHand 相同的库房、筛选和关键字，不分页，每个批次一行，含合计与签字行',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({
      storeId: about(id, '库房（stock.stores）；村医只能是本室，本室正在盲盘时答 409 INVALID_STATE'),
      q: about(text(50, '关键字').optional(), '按通用名、生产企业（包含）或医保编码（开头，大小写不限）筛选'),
      filter: onHandFilter,
    }),
    output: fileContent.describe('Excel 文件：库存-<库房>-<日期>.xlsx'),
  }),
};
