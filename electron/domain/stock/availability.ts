/**
 * What a store holds of a lot at a date, in the ledger's order (business date, then id: see ledger.ts).
 * A posting dated D sits at the end of day D, so what may leave the store × lot on D is the least of its
 * balance at the end of D and every running balance after D: taking more would leave some later moment
 * negative (a dispensing already recorded after the stock it now lacks).
 */
import { sql, type ReadDb } from '../../db/database';
import { dayLabel } from '../../../shared/dates';
import type { Movement } from '../../../shared/stock';

export interface LotAvailability {
  /** What may leave the store × lot on the date. */
  available: number;
  /** Its balance at the end of the date (before the posting asked about). */
  atDate: number;
  /** The lowest running balance after the date and when it is first reached; null when nothing is dated after it. */
  laterLow: { qty: number; date: string } | null;
}

/** `current` is the store × lot's balance now (stock_balances), which the ledger's rows sum to. */
export function lotAvailableAt(db: ReadDb, storeId: number, lotId: number, date: string, current: number): LotAvailability {
  // One seek of ledger_lot_time when nothing is dated after `date`, as for every posting dated today;
  // otherwise the rows after it, which the back-dating limit keeps few.
  const later = sql(db, 'SELECT business_date AS date, qty FROM ledger WHERE store_id = ? AND lot_id = ? AND business_date > ? ORDER BY business_date, id').all(
    storeId,
    lotId,
    date,
  ) as { date: string; qty: number }[];
  if (later.length === 0) return { available: Math.max(0, current), atDate: current, laterLow: null };
  let running = current - later.reduce((n, r) => n + r.qty, 0);
  const atDate = running;
  let low = { qty: Infinity, date };
  for (const r of later) {
    running += r.qty;
    if (running < low.qty) low = { qty: running, date: r.date };
  }
  return { available: Math.max(0, Math.min(atDate, low.qty)), atDate, laterLow: low };
}

const ARRIVAL: Partial<Record<Movement, string>> = {
  receipt: '验收入库',
  issue_in: '配送到本室',
  transit_in: '从中心库发出',
  transit_back: '退回中心库',
  clinic_return_in: '退回中心库',
  count_surplus: '盘盈入账',
};

/** When (and how) the lot first came into the store: its earliest incoming row in the ledger's order. */
function firstArrival(db: ReadDb, storeId: number, lotId: number): { date: string; movement: Movement } | null {
  const row = sql(
    db,
    'SELECT business_date AS date, movement FROM ledger WHERE store_id = ? AND lot_id = ? AND qty > 0 ORDER BY business_date, id LIMIT 1',
  ).get(storeId, lotId) as { date: string; movement: Movement } | undefined;
  return row ?? null;
}

/**
 * Why a lot cannot give `need` on `date`, in words, e.g. "3 月 6 日才配送到本室，2 月 27 日可用 0" or
 * "2 月 27 日结存 20，但其后已有出库，3 月 2 日只剩 5，补录最多可用 5". `terse` leaves out what is
 * available (for a message that states the total itself).
 */
export function explainAvailability(db: ReadDb, storeId: number, lotId: number, date: string, a: LotAvailability, need: number, terse = false): string {
  if (a.laterLow === null) return `现有 ${a.atDate}`;
  const day = (d: string) => dayLabel(d, date);
  const arrival = firstArrival(db, storeId, lotId);
  if (arrival && arrival.date > date) return `${day(arrival.date)}才${ARRIVAL[arrival.movement] ?? '入账'}${terse ? '' : `，${day(date)}可用 ${a.available}`}`;
  const lower = a.laterLow.qty < a.atDate ? `${a.atDate < need ? '，其后' : '，但其后已有出库，'}${day(a.laterLow.date)}只剩 ${a.laterLow.qty}` : '';
  const available = terse ? '' : `，${a.atDate < need ? '可用' : '补录最多可用'} ${a.available}`;
  return `${day(date)}结存 ${a.atDate}${lower}${available}`;
}
