/**
 * Settlement for the demo history simulator, through the real handlers (roles, checks, audit):
 *
 *   // on the 3rd of each month, once the previous month's business is in:
 *   await demoCloseMonth(runtime, '2026-02');
 *   // around the 10th, with the clock on that day: pay what was owed at the end of last month
 *   await demoPaySuppliers(runtime, { payDate: '2026-03-10' });
 *
 * Both act as the demo finance user (`caiwu`). Months close with their warnings acknowledged (goods in
 * transit at month end are normal); a blocking problem throws, as it would for a real user.
 */
import { InternalClient } from '../api/internal';
import { sql } from '../db/database';
import type { Runtime } from '../runtime';
import { periodOf } from '../../shared/dates';

export const DEMO_FINANCE_USER = 'caiwu';

/** Closes a month as the finance user. Returns the close event. */
export async function demoCloseMonth(runtime: Runtime, period: string, username = DEMO_FINANCE_USER) {
  const client = InternalClient.asUser(runtime, username);
  return client.call('periods.close', { period, acknowledgeWarnings: true, note: '月末结账' });
}

/**
 * Pays every supplier the balance owed at the end of the month before `payDate` (times `share`, to
 * leave some outstanding), dated `payDate`, with voucher numbers 记-YYYYMM-NNN. Returns the payments made.
 */
export async function demoPaySuppliers(runtime: Runtime, opts: { payDate: string; share?: number; username?: string }) {
  const client = InternalClient.asUser(runtime, opts.username ?? DEMO_FINANCE_USER);
  const period = periodOf(opts.payDate);
  const summary = await client.call('statements.suppliers', { period });
  const taken = (sql(runtime.app.db, 'SELECT count(*) AS n FROM supplier_payments WHERE period = ?').get(period) as { n: number }).n;
  const made = [];
  let seq = taken;
  for (const row of summary.rows) {
    const amount = Math.floor((row.opening * Math.round((opts.share ?? 1) * 100)) / 100);
    if (amount <= 0) continue;
    seq += 1;
    const { payment } = await client.call('payments.create', {
      supplierId: row.supplierId,
      payDate: opts.payDate,
      voucherNo: `记-${period.replace('-', '')}-${String(seq).padStart(3, '0')}`,
      amount,
      method: 'transfer',
      note: `支付${Number(period.slice(5, 7)) === 1 ? 12 : Number(period.slice(5, 7)) - 1}月货款`,
    });
    made.push(payment);
  }
  return made;
}
