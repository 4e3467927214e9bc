/**
 * Average monthly consumption (AMC, 月均用量) of one drug at one clinic, adjusted for days out of stock.
 *
 *   AMC = consumed × 30 / max(days in stock, 15)        (integers, rounded half up)
 *
 * - consumed: net base units of the clinic store's `dispense` movements in the window (a reversal is a
 *   positive row of the same movement, so it cancels the dispensing it corrects).
 * - window: the last 90 days, today included; for a drug the clinic first received later than the window
 *   start, the days since that first receipt.
 * - days in stock: days of the window on which the clinic had the drug on its shelf, i.e. its balance was
 *   above zero at the start or at the end of the day. Daily balances are rebuilt backwards from today's
 *   balance (stock_balances) through the ledger rows of each day.
 * - the floor of 15 days keeps a drug that was in stock for only a few days from extrapolating a burst of
 *   dispensing to a whole month.
 */
import { sql, type ReadDb } from '../../db/database';
import { addDays, daysBetween, periodOf } from '../../../shared/dates';
import { divRound } from '../../../shared/money';

export const AMC_WINDOW_DAYS = 90;
export const AMC_MIN_DAYS_IN_STOCK = 15;

export interface AmcInput {
  /** Today's business date. */
  today: string;
  windowDays?: number;
  /** The store's balance of the drug now (all lots, expired ones too: they are still on the books). */
  currentBalance: number;
  /** Net ledger quantity per business date, for every date from the window start on. */
  dailyNet: ReadonlyMap<string, number>;
  /** Sum of the signed `dispense` rows in the window (negative when drugs were dispensed). */
  dispensedNet: number;
  /** First day the store received the drug, if ever. */
  firstReceiptDate: string | null;
}

export interface AmcResult {
  amc: number;
  consumed: number;
  daysInStock: number;
  /** Days the window covers after shortening to the first receipt. */
  windowDays: number;
  windowStart: string;
}

/** consumed × 30 / max(days in stock, 15), rounded half up. */
export function perMonth(consumed: number, daysInStock: number): number {
  return Number(divRound(BigInt(consumed) * 30n, BigInt(Math.max(daysInStock, AMC_MIN_DAYS_IN_STOCK))));
}

/** The arithmetic alone, on numbers already read from the ledger. */
export function computeAmc(input: AmcInput): AmcResult {
  const windowDays = input.windowDays ?? AMC_WINDOW_DAYS;
  const fullStart = addDays(input.today, -(windowDays - 1));
  const consumed = Math.max(0, -input.dispensedNet);
  if (input.firstReceiptDate === null || input.firstReceiptDate > input.today) {
    // Never received: nothing can have been on the shelf (nor, normally, dispensed).
    return { amc: perMonth(consumed, 0), consumed, daysInStock: 0, windowDays: 0, windowStart: input.today };
  }
  // biome-ignore lint/complexity/useMathMinMax: ISO dates compare as strings; Math.max would turn them into NaN
  const start = input.firstReceiptDate > fullStart ? input.firstReceiptDate : fullStart;

  // Closing balance of today: movements dated after today (should there be any) are taken back out.
  let closing = input.currentBalance;
  for (const [date, qty] of input.dailyNet) if (date > input.today) closing -= qty;

  let daysInStock = 0;
  for (let day = input.today; day >= start; day = addDays(day, -1)) {
    const opening = closing - (input.dailyNet.get(day) ?? 0);
    if (opening > 0 || closing > 0) daysInStock++;
    closing = opening;
  }
  return { amc: perMonth(consumed, daysInStock), consumed, daysInStock, windowDays: daysBetween(start, input.today) + 1, windowStart: start };
}

/** Reads the ledger of one clinic store and computes the AMC of one drug. */
export function clinicAmc(db: ReadDb, storeId: number, drugId: number, today: string, windowDays = AMC_WINDOW_DAYS): AmcResult {
  const windowStart = addDays(today, -(windowDays - 1));
  const fromPeriod = periodOf(windowStart);
  const balance = sql(
    db,
    'SELECT coalesce(sum(qty), 0) AS q FROM stock_balances INDEXED BY stock_balances_live WHERE store_id = ? AND drug_id = ? AND qty > 0',
  ).get(storeId, drugId) as {
    q: number;
  };
  const days = sql(
    db,
    `SELECT business_date AS d, sum(qty) AS q FROM ledger
      WHERE store_id = ? AND drug_id = ? AND period >= ? AND business_date >= ? GROUP BY business_date`,
  ).all(storeId, drugId, fromPeriod, windowStart) as { d: string; q: number }[];
  const dispensed = sql(
    db,
    `SELECT coalesce(sum(qty), 0) AS q FROM ledger
      WHERE store_id = ? AND drug_id = ? AND movement = 'dispense' AND period >= ? AND business_date BETWEEN ? AND ?`,
  ).get(storeId, drugId, fromPeriod, windowStart, today) as { q: number };
  // The first stock in: its earliest month first (ledger_card, stopping at the first row), then that month's
  // earliest day — min() over the whole history read every row of the drug's years.
  const first = sql(
    db,
    `SELECT min(business_date) AS d FROM ledger WHERE store_id = ? AND drug_id = ? AND qty > 0 AND movement <> 'dispense' AND period = (
       SELECT period FROM ledger WHERE store_id = ? AND drug_id = ? AND qty > 0 AND movement <> 'dispense' ORDER BY period LIMIT 1)`,
  ).get(storeId, drugId, storeId, drugId) as { d: string | null };
  return computeAmc({
    today,
    windowDays,
    currentBalance: balance.q,
    dailyNet: new Map(days.map((r) => [r.d, r.q])),
    dispensedNet: dispensed.q,
    firstReceiptDate: first.d,
  });
}
