/**
 * Ledger reads shared by the rules. Every query seeks by period (ledger_period: one seek per month and store,
 * or ledger_card: store, drug and a range of months) before it looks at business dates, so a rule reads only
 * the months it needs however long the history is.
 */
import { sql, type ReadDb } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import { addDays, periodBounds, periodOf, nextPeriod } from '../../../shared/dates';
import { isoWeekday } from '../../../shared/supervision';

export interface ClinicStore {
  clinicId: number;
  storeId: number;
  code: string;
  name: string;
}

export function clinicStoreList(db: ReadDb, clinicId: number | null): ClinicStore[] {
  return selectRows<ClinicStore>(
    db,
    query`SELECT c.id AS clinicId, s.id AS storeId, c.code, c.name FROM clinics c JOIN stores s ON s.clinic_id = c.id AND s.kind = 'clinic'
      ${query.where(given(clinicId, (id) => query`c.id = ${id}`))} ORDER BY c.code`,
  );
}

export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

export function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

export function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

/** Months ('YYYY-MM') from the month of `from` to the month of `to`. */
export function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let p = periodOf(from); p <= periodOf(to); p = nextPeriod(p)) out.push(p);
  return out;
}

/** The part of month `period` up to `to`. */
export function monthSpan(period: string, to: string): { first: string; last: string } {
  const b = periodBounds(period);
  return { first: b.first, last: minDate(b.last, to) };
}

export interface DayQty {
  storeId: number;
  drugId: number;
  date: string;
  qty: number;
}

/** Net quantity of one movement per store × drug × day in [from, to], for the given clinic stores. Outgoing movements come out positive. */
export function dailyMovement(db: ReadDb, movement: string, stores: ClinicStore[], from: string, to: string, sign: 1 | -1 = -1): DayQty[] {
  if (stores.length === 0 || from > to) return [];
  const out: DayQty[] = [];
  const months = monthsOf(from, to);
  const stmt = sql(
    db,
    `SELECT drug_id AS drugId, business_date AS date, sum(qty) AS qty FROM ${storeMonths(months.length)} AND movement = ? AND business_date BETWEEN ? AND ?
      GROUP BY drug_id, business_date`,
  );
  for (const s of stores) {
    for (const r of stmt.all(...months, s.storeId, movement, from, to) as { drugId: number; date: string; qty: number }[]) {
      if (r.qty !== 0) out.push({ storeId: s.storeId, drugId: r.drugId, date: r.date, qty: sign * r.qty });
    }
  }
  return out;
}

/** Ledger row ids of one store × drug × movements in [from, to]. */
export function ledgerIds(db: ReadDb, storeId: number, drugId: number, movements: string[], from: string, to: string): number[] {
  const rows = sql(
    db,
    `SELECT id, movement FROM ledger WHERE store_id = ? AND drug_id = ? AND period BETWEEN ? AND ? AND business_date BETWEEN ? AND ? ORDER BY id`,
  ).all(storeId, drugId, periodOf(from), periodOf(to), from, to) as { id: number; movement: string }[];
  return rows.filter((r) => movements.includes(r.movement)).map((r) => r.id);
}

/**
 * `ledger WHERE period IN (…months) AND store_id = ?` (bind the months, then the store): one seek per month
 * in ledger_period. Left to itself SQLite takes ledger_card for `store_id = ? AND period BETWEEN …` and walks
 * the store's rows of every year kept.
 */
export function storeMonths(monthCount: number): string {
  return `ledger INDEXED BY ledger_period WHERE period IN (${Array(monthCount).fill('?').join(', ')}) AND store_id = ?`;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Robust z-score of x against a history: 0.6745 × (x − median) / MAD. When MAD is 0 (over half the history
 * identical) the mean absolute deviation stands in (× 1.2533, its ratio to σ under normality); when that is
 * 0 too the history is constant and z is null (any value above it is infinitely unusual).
 */
export function robustZ(x: number, history: number[]): { median: number; mad: number; z: number | null } {
  const med = median(history);
  const mad = median(history.map((v) => Math.abs(v - med)));
  if (mad > 0) return { median: med, mad, z: (0.6745 * (x - med)) / mad };
  const meanAd = history.length ? history.reduce((a, v) => a + Math.abs(v - med), 0) / history.length : 0;
  if (meanAd > 0) return { median: med, mad, z: (x - med) / (1.2533 * meanAd) };
  return { median: med, mad, z: null };
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
