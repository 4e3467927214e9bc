import { z } from 'zod';
import { defineMethod } from './define';
import { clientToken, fen, fileContent, id, isoDate, optionalText, period, requiredText } from './common';
import { storeRow } from './stock';
import { about, drugOut, out, valuesText } from './describe';
import { CLINIC_COLUMNS, HUB_COLUMNS, OTHER_COLUMN, PAYMENT_METHOD_LABELS, type StatementColumnDef } from '../settlement';

const HUB_READ_ROLES = ['admin', 'pharmacist', 'finance', 'director'] as const;
const PAYMENT_ROLES = ['admin', 'finance'] as const;
const CLOSE_ROLES = ['admin', 'pharmacist', 'finance'] as const;

const int = z.number().int();

// ───────────── stock statements (卫生室结算单 / 中心药库进销存) ─────────────

export const qtyValue = z.object({ qty: out.qty('数量'), value: out.fen('金额，按批次成本') });

const columnKeys = (columns: readonly StatementColumnDef[]) => columns.map((c) => `\`${c.key}\` ${c.label}`).join('，');
const COLUMN_KEYS = `中心药库：${columnKeys(HUB_COLUMNS)}；卫生室：${columnKeys(CLINIC_COLUMNS)}；台账中有未归入任何列的收发时另加 \`${OTHER_COLUMN.key}\` ${OTHER_COLUMN.label}`;

export const statementColumn = z.object({
  key: out.text(`列代码。${COLUMN_KEYS}`),
  label: out.text('列名（中文，打印在表头）'),
  sign: z.union([z.literal(1), z.literal(-1)]).describe('列的方向：1 = 增加结存（收入），-1 = 减少结存（发出，数字以正数打印）；期末 = 期初 + Σ sign × 列'),
});

export const statementRow = z.object({
  drugId: drugOut.drugId,
  nhsaCode: drugOut.nhsaCode,
  drugName: drugOut.drugName,
  spec: drugOut.spec,
  dosageForm: drugOut.dosageForm,
  manufacturer: drugOut.manufacturer,
  packUnit: drugOut.packUnit,
  baseUnit: drugOut.baseUnit,
  packSize: drugOut.packSize,
  essential: drugOut.essential,
  vbp: drugOut.vbp,
  /**
   * True while a blind count hides this drug's book at the store from the caller: opening and closing (the
   * balances) are null; the movements stay.
   */
  bookHidden: out.flag('盲盘中：该药品在此库房的账面数对调用者隐藏（调用者是正在盘点的人），相应数字为 null；盘点审核或作废后恢复'),
  opening: qtyValue.nullable().describe('期初（月初）结存；null = 盲盘中对调用者隐藏（bookHidden）'),
  /** One per column, as printed: closing = opening + Σ sign × cell. */
  cells: z.array(qtyValue).describe('每列一项，顺序同 columns，按打印的方向（发出列为正数）；期末 = 期初 + Σ sign × 列'),
  closing: qtyValue.nullable().describe('期末（月末）结存；null = 盲盘中对调用者隐藏（bookHidden）'),
});
export type StatementRow = z.infer<typeof statementRow>;

const periodState = {
  period: out.period('月份'),
  /** The month is closed: its figures can no longer change. */
  closed: out.flag('该月已结账：数字不会再变'),
  closedAt: out.instant('结账时刻', 'null = 未结账（或随后面的月份一并结账）').nullable(),
  closedByName: out.text('结账人；null = 未结账（或随后面的月份一并结账）').nullable(),
};
const hubNameOut = out.text('卫生院名称（打印在抬头）');
const sourceLabels = { snapshot: '取自已结账月份的结存快照', ledger: '由台账计算' };

export const storeStatement = z.object({
  hubName: hubNameOut,
  ...periodState,
  store: storeRow.describe('库房'),
  clinic: z
    .object({ id: out.id('村卫生室'), code: out.text('卫生室编码'), name: out.text('卫生室名称') })
    .nullable()
    .describe('村卫生室；null = 中心药库的进销存'),
  columns: z.array(statementColumn).describe('收发列，按打印顺序'),
  rows: z.array(statementRow).describe('有期初、收发或期末的药品，按通用名、规格排序'),
  /** opening and closing are null while a row's balances are hidden (blind count). */
  totals: z
    .object({
      opening: out.fen('期初金额合计', 'null = 有行的结存盲盘中对调用者隐藏').nullable(),
      cells: z.array(int).describe('各列金额合计（分 fen），顺序同 columns'),
      closing: out.fen('期末金额合计', 'null = 有行的结存盲盘中对调用者隐藏').nullable(),
    })
    .describe('金额合计'),
  /** Where the opening and closing figures come from: the snapshots of closed months, or the ledger. */
  openingSource: z.enum(['snapshot', 'ledger']).describe(`期初的来源。${valuesText(sourceLabels)}`),
  closingSource: z
    .enum(['snapshot', 'ledger'])
    .describe(`期末的来源。${valuesText({ snapshot: '该月已结账，取自结账快照', ledger: '该月未结账，由期初加本月收发计算' })}`),
  /** Every row and the total satisfy closing = opening + Σ sign × cell (false only if the books are damaged). */
  balanced: out.flag('每行和合计都满足 期末 = 期初 + Σ sign × 列（false 只在账务损坏时出现）'),
  /** Clinic: the dispensed value at cost (零差率), what the clinic owes for the month. Null for the hub. */
  amountDue: out.fen('卫生室本月应结算金额 = 本期用药列的金额（成本价，零差率）', 'null = 中心药库').nullable(),
  /** Hub: goods issued to clinics and not yet signed for, at cost, at the start and end of the month. */
  inTransit: z
    .object({ opening: out.fen('月初在途金额'), closing: out.fen('月末在途金额') })
    .nullable()
    .describe('已出库、各卫生室尚未签收的药品（成本价）；null = 卫生室结算单'),
  /**
   * Hub: the same goods by drug (all clinics' transit stores): opening + 配送出库 − 签收或退回 − 在途报损 = closing,
   * in quantity and money, with the columns named as printed. Null for a clinic.
   */
  transit: z
    .object({
      columns: z.array(statementColumn).describe('在途收发列，按打印顺序'),
      rows: z.array(statementRow).describe('在途药品，按药品'),
      totals: z
        .object({ opening: out.fen('期初在途合计'), cells: z.array(out.fen('各列合计')).describe('与 columns 一一对应'), closing: out.fen('期末在途合计') })
        .describe('在途合计'),
      balanced: out.flag('期初 + 配送出库 − 签收或退回 − 在途报损 = 期末，逐行逐列平衡到分'),
    })
    .nullable()
    .describe('中心药库结算单的在途部分（全部卫生室的在途库房）：期初在途 + 配送出库 − 卫生室签收或退回中心库 − 在途报损 = 期末在途；null = 卫生室结算单'),
});
export type StoreStatement = z.infer<typeof storeStatement>;

export const clinicSummaryRow = z.object({
  clinicId: out.id('村卫生室'),
  code: out.text('卫生室编码'),
  name: out.text('卫生室名称'),
  active: out.flag('卫生室启用中（停用的只在有数字时列出）'),
  /** True while a blind count hides part of the clinic's book from the caller: opening and closing are null. */
  bookHidden: out.flag('盲盘中：该药品在此库房的账面数对调用者隐藏（调用者是正在盘点的人），相应数字为 null；盘点审核或作废后恢复'),
  opening: out.fen('期初结存金额', 'null = 盲盘中对调用者隐藏（bookHidden）').nullable(),
  cells: z.array(int).describe('各列金额（分 fen），顺序同 columns，发出列为正数'),
  closing: out.fen('期末结存金额', 'null = 盲盘中对调用者隐藏（bookHidden）').nullable(),
  amountDue: out.fen('本月应结算金额（本期用药，成本价）'),
  inTransit: out.fen('月末在途金额（已出库未签收）'),
});

export const clinicSummary = z.object({
  hubName: hubNameOut,
  ...periodState,
  columns: z.array(statementColumn).describe('收发列，按打印顺序'),
  rows: z.array(clinicSummaryRow).describe('每个卫生室一行，按编码'),
  totals: z
    .object({
      opening: out.fen('期初合计', 'null = 有卫生室的结存盲盘中对调用者隐藏').nullable(),
      cells: z.array(int).describe('各列合计（分 fen）'),
      closing: out.fen('期末合计', 'null = 有卫生室的结存盲盘中对调用者隐藏').nullable(),
      amountDue: out.fen('应结算合计'),
      inTransit: out.fen('在途合计'),
    })
    .describe('合计'),
});
export type ClinicSummary = z.infer<typeof clinicSummary>;

// ───────────── suppliers (供应商结算) ─────────────

export const paymentMethod = z.enum(['transfer', 'cheque', 'cash', 'other']).describe(`付款方式。${valuesText(PAYMENT_METHOD_LABELS)}`);

export const paymentRow = z.object({
  id: out.id('付款记录'),
  supplierId: out.id('配送企业'),
  supplierName: out.text('配送企业名称'),
  payDate: out.date('付款日期（记入该日所在月份）'),
  voucherNo: out.text('凭证号'),
  method: paymentMethod,
  amount: out.fen('付款金额；冲销记录为负数'),
  note: out.text('备注（冲销记录写明冲销的哪笔付款）；null = 无').nullable(),
  reversesId: out.id('本记录冲销的付款', 'null = 不是冲销记录').nullable(),
  reverseReason: out.text('冲销原因；null = 不是冲销记录').nullable(),
  /** The reversal that cancelled this payment, if any. */
  reversedById: out.id('冲销了本付款的记录', 'null = 未被冲销').nullable(),
  createdByName: out.text('登记人姓名'),
  createdAt: out.instant('登记时刻'),
});
export type PaymentRow = z.infer<typeof paymentRow>;

export const supplierInvoice = z.object({
  invoiceNo: out.text('发票号；null = 入库单没有填发票号（此时一张入库单单列一行）').nullable(),
  invoiceDate: out.date('发票日期', 'null = 未填').nullable(),
  receipts: z
    .array(
      z.object({
        receiptId: out.id('入库单'),
        docNo: out.docNo('入库单号', 'RK'),
        businessDate: out.date('入库日期；冲销为冲销记账的日期'),
        kind: z.enum(['receipt', 'reversal']).describe(`类型。${valuesText({ receipt: '入库', reversal: '入库冲销（金额为负）' })}`),
        amount: out.fen('金额；冲销为负数'),
      }),
    )
    .describe('本月该发票下的入库单与冲销'),
  amount: out.fen('该发票本月的金额合计'),
});

export const supplierStatement = z.object({
  hubName: hubNameOut,
  ...periodState,
  supplier: z
    .object({
      id: out.id('配送企业'),
      name: out.text('企业名称'),
      creditCode: out.text('统一社会信用代码'),
      contact: out.text('联系人；null = 未填').nullable(),
      phone: out.text('电话；null = 未填').nullable(),
    })
    .describe('配送企业（现在的资料）'),
  /** Owed at the start of the month: receipts − returns − payments before it. */
  opening: out.fen('期初应付 = 此前的入库 − 退货 − 付款（负数为预付）'),
  invoices: z.array(supplierInvoice).describe('本月入库（含冲销），按发票分组'),
  returns: z
    .array(
      z.object({
        id: out.id('退货单'),
        docNo: out.docNo('退货单号', 'TH'),
        businessDate: out.date('退货过账日期'),
        reason: out.text('退货原因：原因类别中文名，有说明时加“：说明”'),
        amount: out.fen('退货金额（正数）'),
      }),
    )
    .describe('本月退给该企业的退货'),
  payments: z.array(paymentRow).describe('本月付款（含冲销，冲销为负数）'),
  totals: z
    .object({
      received: out.fen('本月入库合计（冲销已扣除）'),
      returned: out.fen('本月退货合计'),
      net: out.fen('本月净购进 = received − returned'),
      paid: out.fen('本月付款合计（冲销已扣除）'),
      closing: out.fen('期末应付 = opening + received − returned − paid，结转下月'),
    })
    .describe('合计'),
  openingSource: z
    .enum(['snapshot', 'documents'])
    .describe(`期初的来源。${valuesText({ snapshot: '最近一次结账快照加之后的单据', documents: '从没有结账过，由全部单据计算' })}`),
});
export type SupplierStatement = z.infer<typeof supplierStatement>;

export const supplierSummary = z.object({
  hubName: hubNameOut,
  ...periodState,
  rows: z
    .array(
      z.object({
        supplierId: out.id('配送企业'),
        name: out.text('企业名称'),
        active: out.flag('企业启用中（停用的只在有数字时列出）'),
        opening: out.fen('期初应付'),
        received: out.fen('本月入库（冲销已扣除）'),
        returned: out.fen('本月退货'),
        paid: out.fen('本月付款（冲销已扣除）'),
        closing: out.fen('期末应付 = opening + received − returned − paid'),
      }),
    )
    .describe('每家企业一行：启用的在前，再按名称'),
  totals: z
    .object({
      opening: out.fen('期初合计'),
      received: out.fen('入库合计'),
      returned: out.fen('退货合计'),
      paid: out.fen('付款合计'),
      closing: out.fen('期末合计'),
    })
    .describe('合计'),
});

// ───────────── periods (月结) ─────────────

const periodStatus = z.enum(['open', 'closed']).describe(`状态。${valuesText({ open: '未结账', closed: '已结账（只读）' })}`);

export const periodRow = z.object({
  period: out.period('月份'),
  status: periodStatus,
  /** Closed by its own close (false: a month without business, closed with a later one). */
  explicit: out.flag('由本月自己的结账关闭（false：没有业务、随后面的月份一并结账，或未结账）'),
  hasActivity: out.flag('该月有业务（台账或付款）'),
  closedAt: out.instant('结账时刻', 'null = 未单独结账').nullable(),
  closedByName: out.text('结账人；null = 未单独结账').nullable(),
  reopenedAt: out.instant('最近一次反结账时刻', 'null = 从未反结账').nullable(),
  reopenedByName: out.text('反结账人；null = 从未反结账').nullable(),
  reopenReason: out.text('反结账原因；null = 从未反结账').nullable(),
  closeCount: out.count('该月结账的次数（反结账后再结账会增加）'),
  canClose: out.flag('现在可以结账：未结账、已过完，且之前没有未结账的有业务月份（检查是否通过另见 periods.checks）'),
  canReopen: out.flag('可以反结账：是最近一个单独结账的月份（仅系统管理员）'),
});

export const checkItem = z.object({
  label: out.text('问题项，如 单据号和卫生室'),
  detail: out.text('补充说明；null = 无').nullable(),
  link: out.text('界面中处理该项的页面路径；null = 无').nullable(),
});

export const preCloseCheck = z.object({
  key: out.text("检查代码，如 'period_ended'、'earlier_open'、'books'、'stocktakes_open'、'orders_open'、'deliveries_in_transit'"),
  title: out.text('检查名称（中文）'),
  severity: z.enum(['block', 'warn']).describe(`不通过时的后果。${valuesText({ block: '阻止结账', warn: '提醒：结账时须 acknowledgeWarnings = true 确认' })}`),
  ok: out.flag('检查通过'),
  /** What the check found, or that all is well. */
  message: out.text('检查结果（中文）'),
  /** Why the check blocks or only warns, shown to the closer. */
  rule: out.text('为什么阻止或只提醒（中文）'),
  items: z.array(checkItem).describe('发现的问题项，最多 50 个'),
  /** How many items there are (items lists at most 50). */
  count: out.count('问题项总数（items 最多列 50 个）'),
  link: out.text('处理这类问题的页面路径；null = 无').nullable(),
});
export type PreCloseCheckResult = z.infer<typeof preCloseCheck>;

export const periodChecks = z.object({
  period: out.period('月份'),
  status: periodStatus,
  canClose: out.flag('未结账且没有阻止结账的问题'),
  blockers: out.count('不通过的阻止项'),
  warnings: out.count('不通过的提醒项'),
  checks: z.array(preCloseCheck).describe('全部检查项（含通过的）'),
});

export const closeSummary = z.object({
  hubClosingValue: out.fen('中心药库月末结存金额'),
  clinicsClosingValue: out.fen('各卫生室月末结存金额合计'),
  transitClosingValue: out.fen('月末在途金额合计'),
  purchasedValue: out.fen('本月购进入库金额（冲销已扣除）'),
  dispensedValue: out.fen('本月用药金额（各卫生室合计）'),
  suppliersOwed: out.fen('月末应付各配送企业合计'),
  snapshotRows: out.count('保存的库房 × 药品结存快照行数'),
});

export const periodEvent = z.object({
  id: out.id('期间事件'),
  period: out.period('月份'),
  action: z.enum(['close', 'reopen']).describe(`操作。${valuesText({ close: '结账', reopen: '反结账' })}`),
  at: out.instant('操作时刻'),
  userName: out.text('操作人姓名'),
  reason: out.text('结账备注或反结账原因；null = 结账时未填备注').nullable(),
  warnings: z.array(z.string()).describe('结账时确认过的提醒，如“未到货订单：3 项”；反结账为空'),
  backupFile: out.text('结账前自动备份的文件名（备份未通过校验时不会结账）；null = 反结账').nullable(),
  summary: closeSummary.nullable().describe('结账时的金额摘要；null = 反结账'),
});

// ───────────── methods ─────────────

const exportPeriod = about(period, '月份');
const exportInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hub').describe('中心药库进销存（药库角色）'), period: exportPeriod }).describe('中心药库进销存'),
  z
    .object({
      kind: z.literal('clinic').describe('卫生室结算单（村医只能导出本室）'),
      period: exportPeriod,
      clinicId: about(id.optional(), '村卫生室：村医省略即本室；药库角色必填'),
    })
    .describe('一个卫生室的结算单'),
  z.object({ kind: z.literal('clinics').describe('各卫生室结算汇总（药库角色）'), period: exportPeriod }).describe('各卫生室结算汇总'),
  z
    .object({
      kind: z.literal('supplier').describe('配送企业对账单（药库角色）'),
      period: exportPeriod,
      supplierId: about(id, '配送企业'),
    })
    .describe('一家配送企业的对账单'),
  z.object({ kind: z.literal('suppliers').describe('配送企业往来汇总（药库角色）'), period: exportPeriod }).describe('配送企业往来汇总'),
]);

export const settlementApi = {
  'statements.hub': defineMethod({
    summary: '中心药库进销存（月）：按药品列期初、购进、退回、配送出库、退货、报损、盘点调整、期末，数量与金额，平衡到分',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ period: about(period, '月份') }),
    output: storeStatement,
  }),
  'statements.clinic': defineMethod({
    summary: '卫生室结算单（月）：按药品列期初 + 收入 − 用药 − 退回 − 报损 ± 盘点 = 期末，用药成本金额即应结算金额；村医只能查看本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ period: about(period, '月份'), clinicId: about(id.optional(), '村卫生室：村医省略即本室（填他室答 403）；药库角色必填') }),
    output: storeStatement,
  }),
  'statements.clinics': defineMethod({
    summary: '各卫生室结算汇总（月）：每个卫生室的期初、收入、用药（应结算）、退回、报损、盘点、期末金额与在途',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ period: about(period, '月份') }),
    output: clinicSummary,
  }),
  'statements.suppliers': defineMethod({
    summary: '配送企业往来汇总（月）：每家的期初应付、本月购进、退货、付款、期末应付',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ period: about(period, '月份') }),
    output: supplierSummary,
  }),
  'statements.supplier': defineMethod({
    summary: '配送企业对账单（月）：期初应付，按发票列本月入库（含冲销），减退货，减付款，期末应付结转下月',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ supplierId: about(id, '配送企业'), period: about(period, '月份') }),
    output: supplierStatement,
  }),
  'statements.export': defineMethod({
    summary: '结算单导出为 Excel（.xlsx）：中心库进销存、卫生室结算单及汇总、配送企业对账单及汇总；村医只能导出本室结算单',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: exportInput,
    output: fileContent.describe('Excel 文件（.xlsx）'),
  }),

  'payments.create': defineMethod({
    summary: '登记付给配送企业的货款（付款日期、凭证号、金额、方式）；不能记入已结账月份',
    access: PAYMENT_ROLES,
    write: true,
    input: z.object({
      supplierId: about(id, '配送企业'),
      payDate: about(isoDate, '付款日期：不晚于今天，不在已结账月份'),
      voucherNo: about(requiredText(40, '凭证号'), '凭证号：同一企业未冲销的付款中不能重复（答 409 DUPLICATE）'),
      amount: about(
        fen.refine((v) => v > 0, '付款金额必须大于 0'),
        '付款金额，> 0；超过应付余额时照样登记并给出提示（作为预付款）',
      ),
      method: about(paymentMethod.default('transfer'), '默认 transfer'),
      note: about(optionalText(200, '备注'), '备注'),
      clientToken: about(clientToken.optional(), '建议总是填写；已被另一配送企业的付款用过时答 409 CONFLICT'),
    }),
    output: z.object({
      payment: paymentRow.describe('登记的付款'),
      warnings: z.array(z.string()).describe('提示（不阻止登记），如付款超过应付余额'),
    }),
  }),
  'payments.reverse': defineMethod({
    summary: '冲销一笔付款（红字冲销，记入未结账月份），原记录保留',
    access: PAYMENT_ROLES,
    write: true,
    input: z.object({
      id: about(id, '要冲销的付款：不是冲销记录，也未被冲销过'),
      reason: about(requiredText(200, '冲销原因'), '冲销原因'),
      payDate: about(isoDate.optional(), '冲销日期：省略 = 今天；不早于原付款日期，不晚于今天，不在已结账月份'),
      voucherNo: about(optionalText(40, '冲销凭证号'), '冲销凭证号；省略 = 沿用原凭证号'),
    }),
    output: paymentRow.describe('新建的冲销记录（金额为原付款的负数）'),
  }),
  'payments.list': defineMethod({
    summary: '付款记录（含冲销），可按配送企业与月份筛选',
    access: HUB_READ_ROLES,
    write: false,
    input: z
      .object({
        supplierId: about(id.optional(), '只看该配送企业'),
        period: about(period.optional(), '只看付款日期在该月的'),
      })
      .default({}),
    output: z.array(paymentRow).describe('付款记录（含冲销），按付款日期，最多 2000 条'),
  }),

  'periods.list': defineMethod({
    summary: '会计期间（月）列表：状态、结账与反结账记录、能否结账',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({}).default({}),
    output: z.object({
      current: out.period('本月（卫生院时钟）'),
      latestClosed: out.period('最近一个已结账的月份', 'null = 从未结账').nullable(),
      rows: z.array(periodRow).describe('从第一个有业务的月份到本月，新的在前'),
    }),
  }),
  'periods.checks': defineMethod({
    summary: '结账前检查：未收货订单、未签收配送、签收差异、待审批报损与退货、未审核盘点、账务一致性；逐项说明阻止还是提醒',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ period: about(period, '要检查的月份') }),
    output: periodChecks,
  }),
  'periods.close': defineMethod({
    summary: '月结：检查通过后先备份，再将该月（及之前无业务的月份）结账为只读，保存各库房各药品期末结存与应付余额快照',
    access: CLOSE_ROLES,
    write: true,
    input: z.object({
      period: about(period, '要结账的月份：已过完，之前有业务的月份都已结账；之前没有业务的月份随之一并结账'),
      acknowledgeWarnings: z
        .boolean()
        .default(false)
        .describe('确认提醒项：有不通过的提醒（warn）时必须为 true，否则答 422 BUSINESS_RULE；阻止项（block）不能确认'),
      note: about(optionalText(200, '备注'), '结账备注'),
    }),
    output: periodEvent,
  }),
  'periods.reopen': defineMethod({
    summary: '反结账：仅系统管理员，只能反结最近一个已结账月份，必须填写原因，记入审计日志和期间历史',
    access: ['admin'],
    write: true,
    input: z.object({
      period: about(period, '要反结账的月份：只能是最近一个单独结账的月份'),
      reason: about(requiredText(200, '反结账原因').min(4, '请把反结账原因写清楚（至少 4 个字）'), '反结账原因，至少 4 个字'),
    }),
    output: periodEvent,
  }),
  'periods.history': defineMethod({
    summary: '结账与反结账历史（不可修改）',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ period: about(period.optional(), '只看该月份') }).default({}),
    output: z.array(periodEvent).describe('结账与反结账记录，新的在前，最多 500 条'),
  }),
};
