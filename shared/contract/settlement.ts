import { z } from 'zod';
import { defineMethod } from './define';
import { fen, fileContent, id, isoDate, optionalText, period, requiredText, text } from './common';
import { storeRow } from './stock';

const HUB_READ_ROLES = ['admin', 'pharmacist', 'finance'] as const;
const PAYMENT_ROLES = ['admin', 'finance'] as const;
const CLOSE_ROLES = ['admin', 'pharmacist', 'finance'] as const;

const int = z.number().int();

// ───────────── stock statements (卫生室结算单 / 中心药库进销存) ─────────────

export const qtyValue = z.object({ qty: int, value: int });

export const statementColumn = z.object({ key: z.string(), label: z.string(), sign: z.union([z.literal(1), z.literal(-1)]) });

export const statementRow = z.object({
  drugId: int,
  nhsaCode: z.string(),
  drugName: z.string(),
  spec: z.string(),
  dosageForm: z.string(),
  manufacturer: z.string(),
  packUnit: z.string(),
  baseUnit: z.string(),
  packSize: int,
  essential: z.boolean(),
  vbp: z.boolean(),
  opening: qtyValue,
  /** One per column, as printed: closing = opening + Σ sign × cell. */
  cells: z.array(qtyValue),
  closing: qtyValue,
});
export type StatementRow = z.infer<typeof statementRow>;

const periodState = {
  period: z.string(),
  /** The month is closed: its figures can no longer change. */
  closed: z.boolean(),
  closedAt: z.string().nullable(),
  closedByName: z.string().nullable(),
};

export const storeStatement = z.object({
  hubName: z.string(),
  ...periodState,
  store: storeRow,
  clinic: z.object({ id: int, code: z.string(), name: z.string() }).nullable(),
  columns: z.array(statementColumn),
  rows: z.array(statementRow),
  totals: z.object({ opening: int, cells: z.array(int), closing: int }),
  /** Where the opening and closing figures come from: the snapshots of closed months, or the ledger. */
  openingSource: z.enum(['snapshot', 'ledger']),
  closingSource: z.enum(['snapshot', 'ledger']),
  /** Every row and the total satisfy closing = opening + Σ sign × cell (false only if the books are damaged). */
  balanced: z.boolean(),
  /** Clinic: the dispensed value at cost (零差率), what the clinic owes for the month. Null for the hub. */
  amountDue: int.nullable(),
  /** Hub: goods issued to clinics and not yet signed for, at cost, at the start and end of the month. */
  inTransit: z.object({ opening: int, closing: int }).nullable(),
  /**
   * Hub: the same goods by drug (all clinics' transit stores): opening + 配送出库 − 签收或退回 − 在途报损 = closing,
   * in quantity and money, with the columns named as printed. Null for a clinic.
   */
  transit: z
    .object({
      columns: z.array(statementColumn),
      rows: z.array(statementRow),
      totals: z.object({ opening: int, cells: z.array(int), closing: int }),
      balanced: z.boolean(),
    })
    .nullable(),
});
export type StoreStatement = z.infer<typeof storeStatement>;

export const clinicSummaryRow = z.object({
  clinicId: int,
  code: z.string(),
  name: z.string(),
  active: z.boolean(),
  opening: int,
  cells: z.array(int),
  closing: int,
  amountDue: int,
  inTransit: int,
});

export const clinicSummary = z.object({
  hubName: z.string(),
  ...periodState,
  columns: z.array(statementColumn),
  rows: z.array(clinicSummaryRow),
  totals: z.object({ opening: int, cells: z.array(int), closing: int, amountDue: int, inTransit: int }),
});
export type ClinicSummary = z.infer<typeof clinicSummary>;

// ───────────── suppliers (供应商结算) ─────────────

export const paymentMethod = z.enum(['transfer', 'cheque', 'cash', 'other']);

export const paymentRow = z.object({
  id: int,
  supplierId: int,
  supplierName: z.string(),
  payDate: z.string(),
  voucherNo: z.string(),
  method: paymentMethod,
  amount: int,
  note: z.string().nullable(),
  reversesId: int.nullable(),
  reverseReason: z.string().nullable(),
  /** The reversal that cancelled this payment, if any. */
  reversedById: int.nullable(),
  createdByName: z.string(),
  createdAt: z.string(),
});
export type PaymentRow = z.infer<typeof paymentRow>;

export const supplierInvoice = z.object({
  invoiceNo: z.string().nullable(),
  invoiceDate: z.string().nullable(),
  receipts: z.array(
    z.object({ receiptId: int, docNo: z.string(), businessDate: z.string(), kind: z.enum(['receipt', 'reversal']), amount: int }),
  ),
  amount: int,
});

export const supplierStatement = z.object({
  hubName: z.string(),
  ...periodState,
  supplier: z.object({ id: int, name: z.string(), creditCode: z.string(), contact: z.string().nullable(), phone: z.string().nullable() }),
  /** Owed at the start of the month: receipts − returns − payments before it. */
  opening: int,
  invoices: z.array(supplierInvoice),
  returns: z.array(z.object({ id: int, docNo: z.string(), businessDate: z.string(), reason: z.string(), amount: int })),
  payments: z.array(paymentRow),
  totals: z.object({ received: int, returned: int, net: int, paid: int, closing: int }),
  openingSource: z.enum(['snapshot', 'documents']),
});
export type SupplierStatement = z.infer<typeof supplierStatement>;

export const supplierSummary = z.object({
  hubName: z.string(),
  ...periodState,
  rows: z.array(
    z.object({ supplierId: int, name: z.string(), active: z.boolean(), opening: int, received: int, returned: int, paid: int, closing: int }),
  ),
  totals: z.object({ opening: int, received: int, returned: int, paid: int, closing: int }),
});

// ───────────── periods (月结) ─────────────

export const periodRow = z.object({
  period: z.string(),
  status: z.enum(['open', 'closed']),
  /** Closed by its own close (false: a month without business, closed with a later one). */
  explicit: z.boolean(),
  hasActivity: z.boolean(),
  closedAt: z.string().nullable(),
  closedByName: z.string().nullable(),
  reopenedAt: z.string().nullable(),
  reopenedByName: z.string().nullable(),
  reopenReason: z.string().nullable(),
  closeCount: int,
  canClose: z.boolean(),
  canReopen: z.boolean(),
});

export const checkItem = z.object({ label: z.string(), detail: z.string().nullable(), link: z.string().nullable() });

export const preCloseCheck = z.object({
  key: z.string(),
  title: z.string(),
  severity: z.enum(['block', 'warn']),
  ok: z.boolean(),
  /** What the check found, or that all is well. */
  message: z.string(),
  /** Why the check blocks or only warns, shown to the closer. */
  rule: z.string(),
  items: z.array(checkItem),
  /** How many items there are (items lists at most 50). */
  count: int,
  link: z.string().nullable(),
});
export type PreCloseCheckResult = z.infer<typeof preCloseCheck>;

export const periodChecks = z.object({
  period: z.string(),
  status: z.enum(['open', 'closed']),
  canClose: z.boolean(),
  blockers: int,
  warnings: int,
  checks: z.array(preCloseCheck),
});

export const closeSummary = z.object({
  hubClosingValue: int,
  clinicsClosingValue: int,
  transitClosingValue: int,
  purchasedValue: int,
  dispensedValue: int,
  suppliersOwed: int,
  snapshotRows: int,
});

export const periodEvent = z.object({
  id: int,
  period: z.string(),
  action: z.enum(['close', 'reopen']),
  at: z.string(),
  userName: z.string(),
  reason: z.string().nullable(),
  warnings: z.array(z.string()),
  backupFile: z.string().nullable(),
  summary: closeSummary.nullable(),
});

// ───────────── methods ─────────────

const exportInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hub'), period }),
  z.object({ kind: z.literal('clinic'), period, clinicId: id.optional() }),
  z.object({ kind: z.literal('clinics'), period }),
  z.object({ kind: z.literal('supplier'), period, supplierId: id }),
  z.object({ kind: z.literal('suppliers'), period }),
]);

export const settlementApi = {
  'statements.hub': defineMethod({
    summary: '中心药库进销存（月）：按药品列期初、购进、退回、配送出库、退货、报损、盘点调整、期末，数量与金额，平衡到分',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ period }),
    output: storeStatement,
  }),
  'statements.clinic': defineMethod({
    summary: '卫生室结算单（月）：按药品列期初 + 收入 − 用药 − 退回 − 报损 ± 盘点 = 期末，用药成本金额即应结算金额；村医只能查看本室',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: z.object({ period, clinicId: id.optional() }),
    output: storeStatement,
  }),
  'statements.clinics': defineMethod({
    summary: '各卫生室结算汇总（月）：每个卫生室的期初、收入、用药（应结算）、退回、报损、盘点、期末金额与在途',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ period }),
    output: clinicSummary,
  }),
  'statements.suppliers': defineMethod({
    summary: '配送企业往来汇总（月）：每家的期初应付、本月购进、退货、付款、期末应付',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ period }),
    output: supplierSummary,
  }),
  'statements.supplier': defineMethod({
    summary: '配送企业对账单（月）：期初应付，按发票列本月入库（含冲销），减退货，减付款，期末应付结转下月',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ supplierId: id, period }),
    output: supplierStatement,
  }),
  'statements.export': defineMethod({
    summary: '结算单导出为 Excel（.xlsx）：中心库进销存、卫生室结算单及汇总、配送企业对账单及汇总；村医只能导出本室结算单',
    access: 'authenticated',
    write: false,
    clinicScoped: true,
    input: exportInput,
    output: fileContent,
  }),

  'payments.create': defineMethod({
    summary: '登记付给配送企业的货款（付款日期、凭证号、金额、方式）；不能记入已结账月份',
    access: PAYMENT_ROLES,
    write: true,
    input: z.object({
      supplierId: id,
      payDate: isoDate,
      voucherNo: requiredText(40, '凭证号'),
      amount: fen.refine((v) => v > 0, '付款金额必须大于 0'),
      method: paymentMethod.default('transfer'),
      note: optionalText(200, '备注'),
      clientToken: text(64, '提交标识').min(8).optional(),
    }),
    output: z.object({ payment: paymentRow, warnings: z.array(z.string()) }),
  }),
  'payments.reverse': defineMethod({
    summary: '冲销一笔付款（红字冲销，记入未结账月份），原记录保留',
    access: PAYMENT_ROLES,
    write: true,
    input: z.object({ id, reason: requiredText(200, '冲销原因'), payDate: isoDate.optional(), voucherNo: optionalText(40, '冲销凭证号') }),
    output: paymentRow,
  }),
  'payments.list': defineMethod({
    summary: '付款记录（含冲销），可按配送企业与月份筛选',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ supplierId: id.optional(), period: period.optional() }).default({}),
    output: z.array(paymentRow),
  }),

  'periods.list': defineMethod({
    summary: '会计期间（月）列表：状态、结账与反结账记录、能否结账',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({}).default({}),
    output: z.object({ current: z.string(), latestClosed: z.string().nullable(), rows: z.array(periodRow) }),
  }),
  'periods.checks': defineMethod({
    summary: '结账前检查：未收货订单、未签收配送、签收差异、待审批报损与退货、未审核盘点、账务一致性；逐项说明阻止还是提醒',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ period }),
    output: periodChecks,
  }),
  'periods.close': defineMethod({
    summary: '月结：检查通过后先备份，再将该月（及之前无业务的月份）结账为只读，保存各库房各药品期末结存与应付余额快照',
    access: CLOSE_ROLES,
    write: true,
    input: z.object({ period, acknowledgeWarnings: z.boolean().default(false), note: optionalText(200, '备注') }),
    output: periodEvent,
  }),
  'periods.reopen': defineMethod({
    summary: '反结账：仅系统管理员，只能反结最近一个已结账月份，必须填写原因，记入审计日志和期间历史',
    access: ['admin'],
    write: true,
    input: z.object({ period, reason: requiredText(200, '反结账原因').min(4, '请把反结账原因写清楚（至少 4 个字）') }),
    output: periodEvent,
  }),
  'periods.history': defineMethod({
    summary: '结账与反结账历史（不可修改）',
    access: HUB_READ_ROLES,
    write: false,
    input: z.object({ period: period.optional() }).default({}),
    output: z.array(periodEvent),
  }),
};
