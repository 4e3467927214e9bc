import { sql, type ReadDb } from '../../db/database';
import { notFound } from '../../errors';
import type { PaymentRow } from '../../../shared/contract/settlement';

const PAYMENT_SELECT = `SELECT p.id, p.supplier_id AS supplierId, s.name AS supplierName, p.pay_date AS payDate, p.voucher_no AS voucherNo, p.method,
    p.amount, p.note, p.reverses_id AS reversesId, p.reverse_reason AS reverseReason,
    (SELECT r.id FROM supplier_payments r WHERE r.reverses_id = p.id) AS reversedById,
    u.display_name AS createdByName, p.created_at AS createdAt
  FROM supplier_payments p JOIN suppliers s ON s.id = p.supplier_id JOIN users u ON u.id = p.created_by`;

export function getPayment(db: ReadDb, id: number): PaymentRow {
  const row = sql(db, `${PAYMENT_SELECT} WHERE p.id = ?`).get(id) as PaymentRow | undefined;
  if (!row) throw notFound('付款记录');
  return row;
}

export function listPayments(db: ReadDb, filter: { supplierId?: number; period?: string }): PaymentRow[] {
  // Only the filters given, so SQLite can seek on (supplier_id, pay_date) or (period) instead of scanning years.
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.supplierId !== undefined) {
    where.push('p.supplier_id = ?');
    args.push(filter.supplierId);
  }
  if (filter.period !== undefined) {
    where.push('p.period = ?');
    args.push(filter.period);
  }
  return sql(db, `${PAYMENT_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.pay_date, p.id LIMIT 2000`).all(...args) as PaymentRow[];
}
