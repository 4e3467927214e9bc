import type { Movement } from './stock';

/**
 * The columns of a stock statement (进销存 / 卫生室结算单): each gathers some ledger movements of the
 * store. `sign` turns the ledger's signed sum into the figure printed (outflows print as positive
 * numbers), so closing = opening + Σ sign × figure, per drug and in total, to the fen.
 *
 * Reversal rows keep the movement of the row they reverse, so every column is net of reversals.
 */
export interface StatementColumnDef {
  key: string;
  label: string;
  movements: readonly Movement[];
  sign: 1 | -1;
}

/** A clinic's month: received − dispensed − returned − written off ± count adjustments. */
export const CLINIC_COLUMNS: readonly StatementColumnDef[] = [
  { key: 'received', label: '本期收入', movements: ['issue_in'], sign: 1 },
  { key: 'dispensed', label: '本期用药', movements: ['dispense'], sign: -1 },
  { key: 'returned', label: '退回中心库', movements: ['clinic_return_out'], sign: -1 },
  { key: 'writtenOff', label: '报损', movements: ['writeoff'], sign: -1 },
  { key: 'adjusted', label: '盘盈(+)盘亏(−)', movements: ['count_surplus', 'count_shortage'], sign: 1 },
];

/** The hub store's month (中心药库进销存). */
export const HUB_COLUMNS: readonly StatementColumnDef[] = [
  { key: 'purchased', label: '购进入库', movements: ['receipt'], sign: 1 },
  { key: 'clinicReturned', label: '卫生室退回', movements: ['clinic_return_in'], sign: 1 },
  { key: 'transitBack', label: '配送差异退回', movements: ['transit_back'], sign: 1 },
  { key: 'issued', label: '配送出库', movements: ['issue_out'], sign: -1 },
  { key: 'supplierReturned', label: '退货给配送企业', movements: ['supplier_return'], sign: -1 },
  { key: 'writtenOff', label: '报损', movements: ['writeoff'], sign: -1 },
  { key: 'adjusted', label: '盘盈(+)盘亏(−)', movements: ['count_surplus', 'count_shortage'], sign: 1 },
];

/**
 * Goods issued to clinics and not yet signed for: every clinic's transit store together. They are the hub's
 * until signed, so the hub statement shows them too, with their losses (在途报损: a shortfall the hub wrote off).
 */
export const TRANSIT_COLUMNS: readonly StatementColumnDef[] = [
  { key: 'issued', label: '配送出库', movements: ['transit_in'], sign: 1 },
  { key: 'delivered', label: '卫生室签收或退回中心库', movements: ['transit_out'], sign: -1 },
  { key: 'lostInTransit', label: '在途报损', movements: ['writeoff'], sign: -1 },
];

/** Anything a store's columns do not name (should never happen; shown, so the statement still balances). */
export const OTHER_COLUMN: StatementColumnDef = { key: 'other', label: '其他', movements: [], sign: 1 };

export function columnsFor(kind: 'hub' | 'clinic'): readonly StatementColumnDef[] {
  return kind === 'hub' ? HUB_COLUMNS : CLINIC_COLUMNS;
}

export const PAYMENT_METHOD_LABELS = {
  transfer: '银行转账',
  cheque: '支票',
  cash: '现金',
  other: '其他',
} as const;
export type PaymentMethod = keyof typeof PAYMENT_METHOD_LABELS;

/** '2026-03' → '2026年3月' */
export function periodLabel(period: string): string {
  return `${period.slice(0, 4)}年${Number(period.slice(5, 7))}月`;
}

/** Pre-close checks: a blocker stops the close; a warning must be acknowledged by the closer. */
export type CheckSeverity = 'block' | 'warn';

export type SupplierLineKind = 'opening' | 'receipt' | 'reversal' | 'return' | 'payment' | 'payment_reversal';

export const SUPPLIER_LINE_LABELS: Record<SupplierLineKind, string> = {
  opening: '期初余额',
  receipt: '购进入库',
  reversal: '入库冲销',
  return: '退货',
  payment: '付款',
  payment_reversal: '付款冲销',
};

/** One line of a supplier statement as printed: what happened, and the balance owed after it. */
export interface SupplierLine {
  date: string | null;
  kind: SupplierLineKind;
  /** Receipt / return numbers, or the payment voucher. */
  docNos: string;
  invoiceNo: string | null;
  invoiceDate: string | null;
  /** Increases what is owed (receipts net of reversals on the invoice). */
  received: number;
  returned: number;
  paid: number;
  balance: number;
  note: string | null;
}

interface StatementForLines {
  period: string;
  opening: number;
  invoices: {
    invoiceNo: string | null;
    invoiceDate: string | null;
    receipts: { docNo: string; businessDate: string; kind: 'receipt' | 'reversal'; amount: number }[];
    amount: number;
  }[];
  returns: { docNo: string; businessDate: string; reason: string; amount: number }[];
  payments: { payDate: string; voucherNo: string; amount: number; reversesId: number | null; note: string | null; reverseReason: string | null }[];
}

/**
 * The statement as one chronological list with a running balance (期初 → each invoice, return and
 * payment → 期末), as the printout, the screen and the workbook show it. An invoice is one line, dated by
 * its first receipt of the month; a reversal in the month is part of its invoice's line.
 */
export function supplierStatementLines(s: StatementForLines): SupplierLine[] {
  type Pending = Omit<SupplierLine, 'balance'> & { order: number };
  const pending: Pending[] = [];
  s.invoices.forEach((inv, i) => {
    const kinds = new Set(inv.receipts.map((r) => r.kind));
    pending.push({
      date: inv.receipts[0]?.businessDate ?? null,
      kind: kinds.has('receipt') ? 'receipt' : 'reversal',
      docNos: inv.receipts.map((r) => (r.kind === 'reversal' ? `${r.docNo}（冲销）` : r.docNo)).join('、'),
      invoiceNo: inv.invoiceNo,
      invoiceDate: inv.invoiceDate,
      received: inv.amount,
      returned: 0,
      paid: 0,
      note: kinds.has('reversal') ? (kinds.has('receipt') ? '含冲销' : '冲销以前月份的入库') : null,
      order: i,
    });
  });
  s.returns.forEach((r, i) =>
    pending.push({
      date: r.businessDate,
      kind: 'return',
      docNos: r.docNo,
      invoiceNo: null,
      invoiceDate: null,
      received: 0,
      returned: r.amount,
      paid: 0,
      note: r.reason,
      order: 10_000 + i,
    }),
  );
  s.payments.forEach((p, i) =>
    pending.push({
      date: p.payDate,
      kind: p.reversesId === null ? 'payment' : 'payment_reversal',
      docNos: p.voucherNo,
      invoiceNo: null,
      invoiceDate: null,
      received: 0,
      returned: 0,
      paid: p.amount,
      note: p.reversesId === null ? p.note : p.reverseReason,
      order: 20_000 + i,
    }),
  );
  pending.sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '') || a.order - b.order);
  let balance = s.opening;
  const lines: SupplierLine[] = [
    { date: `${s.period}-01`, kind: 'opening', docNos: '', invoiceNo: null, invoiceDate: null, received: 0, returned: 0, paid: 0, balance, note: '上月结转' },
  ];
  for (const { order: _o, ...p } of pending) {
    balance += p.received - p.returned - p.paid;
    lines.push({ ...p, balance });
  }
  return lines;
}
