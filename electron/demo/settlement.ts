/**
 * Settlement for the demo history simulator, through the real handlers (roles, checks, backup, audit):
 *
 *   // each simulated day, with the runtime's clock on that day (electron/demo/purchasing.ts does this):
 *   await demoSettlementDay(runtime, day);
 *   // or the two steps on their own:
 *   await demoCloseMonth(runtime, '2026-02');                  // on the 3rd: close last month
 *   await demoPaySuppliers(runtime, { payDate: '2026-03-10' }); // on the 10th: pay what was owed at its end
 *
 * They act as the demo finance user (`caiwu`) and sign out afterwards. Months close with their warnings
 * acknowledged (goods in transit at month end are normal); a blocking problem throws, as it would for a
 * real user.
 */
import { InternalClient } from '../api/internal';
import { sql } from '../db/database';
import type { Runtime } from '../runtime';
import { addDays, periodOf } from '../../shared/dates';
import { demoExportMonth } from './prefecture';

export const DEMO_FINANCE_USER = 'caiwu';

/** Closes a month as the finance user. Returns the close event. */
export async function demoCloseMonth(runtime: Runtime, period: string, username = DEMO_FINANCE_USER) {
  const client = InternalClient.asUser(runtime, username);
  try {
    return await client.call('periods.close', { period, acknowledgeWarnings: true, note: '月末结账' });
  } finally {
    await client.call('auth.logout', {}).catch(() => undefined);
  }
}

/**
 * One simulated day of the finance office: on the 3rd, last month is closed (when it can be: it has
 * business and every earlier month is closed) and its package for the prefecture exported; on the 10th, suppliers are paid what was owed at the end
 * of last month (90 %, so some balance carries forward, as it does in real hubs). Returns what it did.
 */
export async function demoSettlementDay(runtime: Runtime, day: string): Promise<'closed' | 'paid' | null> {
  const dd = Number(day.slice(8, 10));
  if (dd === 3) {
    const previous = periodOf(addDays(`${day.slice(0, 7)}-01`, -1));
    const client = InternalClient.asUser(runtime, DEMO_FINANCE_USER);
    const list = await client.call('periods.list', {});
    await client.call('auth.logout', {}).catch(() => undefined);
    const row = list.rows.find((p) => p.period === previous);
    if (!row?.canClose || !row.hasActivity) return null;
    await demoCloseMonth(runtime, previous);
    await demoExportMonth(runtime, previous);
    return 'closed';
  }
  if (dd === 10) {
    const made = await demoPaySuppliers(runtime, { payDate: day, share: 0.9 });
    return made.length ? 'paid' : null;
  }
  return null;
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
  await client.call('auth.logout', {}).catch(() => undefined);
  return made;
}
