/**
 * Payments to suppliers (付款登记). Rows are never edited or deleted: a wrong payment is cancelled by a
 * reversal row (红字冲销) of the opposite amount, dated in an open month, and then entered again.
 */
import type { WriteContext } from '../context';
import { sql } from '../../db/database';
import { AppError, notFound } from '../../errors';
import type { ParsedInput } from '../../../shared/contract';
import { formatFen } from '../../../shared/money';
import { periodOf } from '../../../shared/dates';
import { assertPostable } from '../stock/ledger';
import { supplierBalanceOn } from './suppliers';
import { getPayment } from './payment-list';

export function createPayment(ctx: WriteContext, input: ParsedInput<'payments.create'>) {
  const db = ctx.db;
  const supplier = sql(db, 'SELECT id, name FROM suppliers WHERE id = ?').get(input.supplierId) as { id: number; name: string } | undefined;
  if (!supplier) throw notFound('配送企业');
  if (input.clientToken) {
    // A retried or double-clicked submit returns the payment already recorded.
    const existing = sql(db, 'SELECT id, supplier_id AS supplierId FROM supplier_payments WHERE client_token = ?').get(input.clientToken) as
      | { id: number; supplierId: number }
      | undefined;
    if (existing) {
      if (existing.supplierId !== input.supplierId) throw new AppError('CONFLICT', '提交标识已被使用');
      return { payment: getPayment(db, existing.id), warnings: [] };
    }
  }
  assertPostable(db, input.payDate, ctx.today);
  const same = sql(
    db,
    `SELECT p.pay_date AS payDate, p.amount FROM supplier_payments p
      WHERE p.supplier_id = ? AND p.voucher_no = ? AND p.reverses_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM supplier_payments r WHERE r.reverses_id = p.id)`,
  ).get(input.supplierId, input.voucherNo) as { payDate: string; amount: number } | undefined;
  if (same) {
    throw new AppError(
      'DUPLICATE',
      `凭证号 ${input.voucherNo} 已登记过付给${supplier.name}的款项（${same.payDate}，¥${formatFen(same.amount)}），请勿重复登记`,
      [{ path: 'voucherNo', message: '该凭证号已登记' }],
    );
  }
  const owed = supplierBalanceOn(db, input.supplierId, input.payDate);
  const warnings: string[] = [];
  if (input.amount > owed) {
    warnings.push(`付款金额超过截至 ${input.payDate} 的应付余额 ¥${formatFen(owed)}，多付 ¥${formatFen(input.amount - owed)}，将作为预付款在下月抵扣`);
  }
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO supplier_payments (supplier_id, pay_date, period, voucher_no, amount, method, note, client_token, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    input.supplierId,
    input.payDate,
    periodOf(input.payDate),
    input.voucherNo,
    input.amount,
    input.method,
    input.note,
    input.clientToken ?? null,
    ctx.user.id,
    ctx.now.toISOString(),
  );
  const id = Number(lastInsertRowid);
  ctx.audit.target = `payment:${id}`;
  ctx.audit.details = { supplierId: input.supplierId, amount: input.amount };
  return { payment: getPayment(db, id), warnings };
}

export function reversePayment(ctx: WriteContext, input: ParsedInput<'payments.reverse'>) {
  const db = ctx.db;
  const original = getPayment(db, input.id);
  if (original.reversesId !== null) throw new AppError('INVALID_STATE', '这是一笔冲销记录，不能再冲销');
  if (original.reversedById !== null) throw new AppError('INVALID_STATE', '该笔付款已经冲销过');
  const payDate = input.payDate ?? ctx.today;
  if (payDate < original.payDate) {
    throw new AppError('VALIDATION', `冲销日期不能早于原付款日期 ${original.payDate}`, [{ path: 'payDate', message: '不能早于原付款日期' }]);
  }
  assertPostable(db, payDate, ctx.today);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO supplier_payments (supplier_id, pay_date, period, voucher_no, amount, method, note, reverses_id, reverse_reason, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    original.supplierId,
    payDate,
    periodOf(payDate),
    input.voucherNo ?? original.voucherNo,
    -original.amount,
    original.method,
    `冲销 ${original.payDate} 凭证 ${original.voucherNo} 的付款`,
    original.id,
    input.reason,
    ctx.user.id,
    ctx.now.toISOString(),
  );
  const id = Number(lastInsertRowid);
  ctx.audit.target = `payment:${original.id}`;
  ctx.audit.details = { reversal: id, reason: input.reason };
  return getPayment(db, id);
}
