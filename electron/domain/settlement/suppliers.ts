/**
 * What the hub owes each supplier (应付账款), from the documents: receipts (at invoice amounts), receipt
 * reversals (in the month they were reversed), returns to the supplier, and payments. The document
 * amounts equal the ledger's receipt / supplier_return sums for the supplier's lots (tests prove it, and
 * the period close checks it for the month it closes).
 */
import { sql, type ReadDb } from '../../db/database';
import { notFound } from '../../errors';
import type { SupplierStatement } from '../../../shared/contract/settlement';
import { RETURN_REASON_LABELS } from '../../../shared/stock';
import { periodBounds } from '../../../shared/dates';
import { hubName } from '../settings';
import { listPayments } from './payment-list';
import { periodState } from './statements';

export interface SupplierFlows {
  received: number;
  returned: number;
  paid: number;
}

const emptyFlows = (): SupplierFlows => ({ received: 0, returned: 0, paid: 0 });

/**
 * Receipts, reversals, returns and payments per supplier for business dates in [from, to] (inclusive,
 * 'YYYY-MM-DD'; from may be '' for "since the beginning"). A reversal counts on the date it was booked.
 */
export function supplierFlows(db: ReadDb, from: string, to: string, supplierId: number | null): Map<number, SupplierFlows> {
  const out = new Map<number, SupplierFlows>();
  const at = (id: number) => {
    let f = out.get(id);
    if (!f) out.set(id, (f = emptyFlows()));
    return f;
  };
  // One supplier reads its own rows through the (supplier_id, date) indexes; "? IS NULL OR supplier_id = ?"
  // would defeat them and scan every supplier's years of documents (BENCHMARKS.md).
  const one = supplierId !== null;
  const args = one ? [supplierId, from, to] : [from, to];
  for (const r of sql(
    db,
    `SELECT supplier_id AS id, sum(total_amount) AS amount FROM receipts
      WHERE ${one ? 'supplier_id = ? AND ' : ''}business_date BETWEEN ? AND ? GROUP BY supplier_id`,
  ).all(...args) as { id: number; amount: number }[])
    at(r.id).received += r.amount;
  for (const r of reversals(db, from, to, supplierId)) at(r.supplierId).received -= r.amount;
  for (const r of sql(
    db,
    `SELECT supplier_id AS id, sum(total_amount) AS amount FROM stock_returns
      WHERE kind = 'hub_to_supplier' AND status = 'posted' AND ${one ? 'supplier_id = ? AND ' : ''}business_date BETWEEN ? AND ?
      GROUP BY supplier_id`,
  ).all(...args) as { id: number; amount: number }[])
    at(r.id).returned += r.amount;
  for (const r of sql(
    db,
    `SELECT supplier_id AS id, sum(amount) AS amount FROM supplier_payments
      WHERE ${one ? 'supplier_id = ? AND ' : ''}pay_date BETWEEN ? AND ? GROUP BY supplier_id`,
  ).all(...args) as { id: number; amount: number }[])
    at(r.id).paid += r.amount;
  return out;
}

interface ReversalRow {
  receiptId: number;
  supplierId: number;
  docNo: string;
  invoiceNo: string | null;
  invoiceDate: string | null;
  reversalDate: string;
  amount: number;
}

/**
 * Receipts reversed on a business date in [from, to]; the date is the reversing ledger rows' date. Read
 * through the partial index of reversed receipts (migration 0009): a few rows, however many years of
 * receipts the supplier has.
 */
function reversals(db: ReadDb, from: string, to: string, supplierId: number | null): ReversalRow[] {
  return sql(
    db,
    `SELECT * FROM (
       SELECT r.id AS receiptId, r.supplier_id AS supplierId, r.doc_no AS docNo, r.invoice_no AS invoiceNo, r.invoice_date AS invoiceDate,
              r.total_amount AS amount,
              (SELECT min(g.business_date) FROM ledger g WHERE g.doc_type = 'receipt' AND g.doc_id = r.id AND g.reverses_id IS NOT NULL) AS reversalDate
         FROM receipts r INDEXED BY receipts_reversed WHERE r.status = 'reversed'${supplierId !== null ? ' AND r.supplier_id = ?' : ''})
     WHERE reversalDate BETWEEN ? AND ?`,
  ).all(...(supplierId !== null ? [supplierId, from, to] : [from, to])) as ReversalRow[];
}

/** Balance owed to each supplier at the start of a month: the latest supplier snapshot plus documents since. */
export function supplierBalancesAtStart(
  db: ReadDb,
  period: string,
  supplierId: number | null,
): { balances: Map<number, number>; source: 'snapshot' | 'documents' } {
  const balances = new Map<number, number>();
  const base = sql(
    db,
    `SELECT p.period, (SELECT max(id) FROM period_events e WHERE e.period = p.period AND e.action = 'close') AS eventId
       FROM periods p WHERE p.status = 'closed' AND p.period < ? ORDER BY p.period DESC LIMIT 1`,
  ).get(period) as { period: string; eventId: number | null } | undefined;
  let from = '';
  if (base?.eventId) {
    const rows = (
      supplierId !== null
        ? sql(db, 'SELECT supplier_id AS id, balance FROM period_supplier_closings WHERE event_id = ? AND supplier_id = ?').all(base.eventId, supplierId)
        : sql(db, 'SELECT supplier_id AS id, balance FROM period_supplier_closings WHERE event_id = ?').all(base.eventId)
    ) as { id: number; balance: number }[];
    for (const r of rows) balances.set(r.id, r.balance);
    from = `${base.period}-32`; // after every day of the snapshot's month
  }
  const before = `${period}-00`;
  for (const [id, f] of supplierFlows(db, from, before, supplierId)) balances.set(id, (balances.get(id) ?? 0) + f.received - f.returned - f.paid);
  return { balances, source: base?.eventId ? 'snapshot' : 'documents' };
}

function supplierOf(db: ReadDb, supplierId: number) {
  const s = sql(db, 'SELECT id, name, credit_code AS creditCode, contact, phone, active FROM suppliers WHERE id = ?').get(supplierId) as
    | { id: number; name: string; creditCode: string; contact: string | null; phone: string | null; active: number }
    | undefined;
  if (!s) throw notFound('配送企业');
  return s;
}

export function supplierStatement(db: ReadDb, supplierId: number, period: string): SupplierStatement {
  const supplier = supplierOf(db, supplierId);
  const { first, last } = periodBounds(period);
  const { balances, source } = supplierBalancesAtStart(db, period, supplierId);
  const opening = balances.get(supplierId) ?? 0;

  const receipts = sql(
    db,
    `SELECT id AS receiptId, doc_no AS docNo, invoice_no AS invoiceNo, invoice_date AS invoiceDate, business_date AS businessDate, total_amount AS amount
       FROM receipts WHERE supplier_id = ? AND business_date BETWEEN ? AND ? ORDER BY business_date, id`,
  ).all(supplierId, first, last) as {
    receiptId: number;
    docNo: string;
    invoiceNo: string | null;
    invoiceDate: string | null;
    businessDate: string;
    amount: number;
  }[];
  const entries = [
    ...receipts.map((r) => ({ ...r, kind: 'receipt' as const })),
    ...reversals(db, first, last, supplierId).map((r) => ({
      receiptId: r.receiptId,
      docNo: r.docNo,
      invoiceNo: r.invoiceNo,
      invoiceDate: r.invoiceDate,
      businessDate: r.reversalDate,
      amount: -r.amount,
      kind: 'reversal' as const,
    })),
  ].sort((a, b) => a.businessDate.localeCompare(b.businessDate) || a.receiptId - b.receiptId);

  // One line per invoice; receipts without an invoice number stand alone.
  const invoices: SupplierStatement['invoices'] = [];
  const byInvoice = new Map<string, SupplierStatement['invoices'][number]>();
  for (const e of entries) {
    const key = e.invoiceNo ? `inv:${e.invoiceNo}` : `rk:${e.receiptId}`;
    let inv = byInvoice.get(key);
    if (!inv) {
      inv = { invoiceNo: e.invoiceNo, invoiceDate: e.invoiceDate, receipts: [], amount: 0 };
      byInvoice.set(key, inv);
      invoices.push(inv);
    }
    inv.invoiceDate ??= e.invoiceDate;
    inv.receipts.push({ receiptId: e.receiptId, docNo: e.docNo, businessDate: e.businessDate, kind: e.kind, amount: e.amount });
    inv.amount += e.amount;
  }

  const returns = (
    sql(
      db,
      `SELECT id, doc_no AS docNo, business_date AS businessDate, reason_code AS reasonCode, reason, total_amount AS amount FROM stock_returns
        WHERE kind = 'hub_to_supplier' AND status = 'posted' AND supplier_id = ? AND business_date BETWEEN ? AND ? ORDER BY business_date, id`,
    ).all(supplierId, first, last) as {
      id: number;
      docNo: string;
      businessDate: string;
      reasonCode: keyof typeof RETURN_REASON_LABELS;
      reason: string | null;
      amount: number;
    }[]
  ).map(({ reasonCode, reason, ...r }) => ({ ...r, reason: `${RETURN_REASON_LABELS[reasonCode]}${reason ? `：${reason}` : ''}` }));

  const payments = listPayments(db, { supplierId, period });
  const received = invoices.reduce((n, i) => n + i.amount, 0);
  const returned = returns.reduce((n, r) => n + r.amount, 0);
  const paid = payments.reduce((n, p) => n + p.amount, 0);
  const { eventId: _e, ...state } = periodState(db, period);
  return {
    hubName: hubName(db),
    ...state,
    supplier: { id: supplier.id, name: supplier.name, creditCode: supplier.creditCode, contact: supplier.contact, phone: supplier.phone },
    opening,
    invoices,
    returns,
    payments,
    totals: { received, returned, net: received - returned, paid, closing: opening + received - returned - paid },
    openingSource: source,
  };
}

/** Every supplier's month: opening owed, received, returned, paid, closing. Suppliers with nothing to show are left out. */
export function suppliersSummary(db: ReadDb, period: string) {
  const { first, last } = periodBounds(period);
  const { balances } = supplierBalancesAtStart(db, period, null);
  const flows = supplierFlows(db, first, last, null);
  const suppliers = sql(db, 'SELECT id, name, active FROM suppliers ORDER BY active DESC, name').all() as { id: number; name: string; active: number }[];
  const rows = suppliers
    .map((s) => {
      const opening = balances.get(s.id) ?? 0;
      const f = flows.get(s.id) ?? emptyFlows();
      return { supplierId: s.id, name: s.name, active: s.active === 1, opening, ...f, closing: opening + f.received - f.returned - f.paid };
    })
    .filter((r) => r.active || r.opening !== 0 || r.received !== 0 || r.returned !== 0 || r.paid !== 0);
  const { eventId: _e, ...state } = periodState(db, period);
  const sum = (k: 'opening' | 'received' | 'returned' | 'paid' | 'closing') => rows.reduce((n, r) => n + r[k], 0);
  return {
    hubName: hubName(db),
    ...state,
    rows,
    totals: { opening: sum('opening'), received: sum('received'), returned: sum('returned'), paid: sum('paid'), closing: sum('closing') },
  };
}

/** Closing balance owed to every supplier at the end of a month (for the close snapshot). */
export function supplierBalancesAtEnd(db: ReadDb, period: string): Map<number, number> {
  const { first, last } = periodBounds(period);
  const { balances } = supplierBalancesAtStart(db, period, null);
  for (const [id, f] of supplierFlows(db, first, last, null)) balances.set(id, (balances.get(id) ?? 0) + f.received - f.returned - f.paid);
  return balances;
}

/** Balance owed to one supplier after every document dated on or before a day. */
export function supplierBalanceOn(db: ReadDb, supplierId: number, date: string): number {
  const f = supplierFlows(db, '', date, supplierId).get(supplierId) ?? emptyFlows();
  return f.received - f.returned - f.paid;
}
