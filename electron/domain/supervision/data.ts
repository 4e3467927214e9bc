/**
 * Ledger reads shared by the rules. Every query seeks by period (ledger_period: one seek per month and store,
 * or ledger_card: store, drug and a range of months) before it looks at business dates, so a rule reads only
 * the months it needs however long the history is. The day-by-day reads take closed months from their stored days
 * (month-facts/, migration 0024) and sum in SQL what a rule needs per drug or week, not a JS row per day.
 */
import { sql, type ReadDb } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import { addDays, daysBetween, periodBounds, periodOf, nextPeriod } from '../../../shared/dates';
import { isoWeekday } from '../../../shared/supervision';
import { type DayFact, readDayFacts, readWeekFacts, validMonths } from '../month-facts/store';
import { latestClosedPeriod } from '../stock/ledger';

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

/** One store's ledger rows of a day, summed per drug and movement. */
export interface LiveDayMovement {
  drugId: number;
  date: string;
  movement: string;
  /** Base units, net. */
  qty: number;
  /** Ledger rows, reversals included. */
  rows: number;
}

/**
 * The ledger of the months read live (the open month, months without facts), one read per store and span summed per
 * drug, day and movement, kept for the rest of one call: the stock-out walk, the spike rule's weeks and the excess
 * rule's month totals of a dashboard all come from the same read instead of each reading the month again. Lives as
 * long as the call that made it; a new call (new postings) makes a new one.
 */
export class LiveDays {
  private readonly memo = new Map<string, LiveDayMovement[]>();
  private readonly query;

  constructor(db: ReadDb) {
    this.query = sql(
      db,
      `SELECT drug_id AS drugId, business_date AS date, movement, sum(qty) AS qty, count(*) AS rows
         FROM ${storeMonths(1)} AND business_date BETWEEN ? AND ? GROUP BY drug_id, business_date, movement ORDER BY drug_id, business_date`,
    );
  }

  /** The store's rows of `month` in [first, last] (both within the month), by drug and date. */
  of(month: string, storeId: number, first: string, last: string): LiveDayMovement[] {
    const key = `${month}:${storeId}:${first}:${last}`;
    let rows = this.memo.get(key);
    if (!rows) this.memo.set(key, (rows = this.query.all(month, storeId, first, last) as LiveDayMovement[]));
    return rows;
  }
}

/** Options of the day-by-day reads: `live` shares the live months' ledger reads of one call (a fresh read without it). */
export interface DayReadOptions {
  live?: LiveDays;
}

/**
 * Movement per store × drug × day in [from, to] for the given clinic stores, ordered by store, drug and date (rows
 * only for days with ledger rows). Closed months whose day facts are stored (month-facts/, migration 0024) are read
 * from those; the others (the open month, months without facts) from the ledger, one month and store at a time.
 * Either way the figures are the ledger's sums of the same rows; `ledgerOnly` reads every month from the ledger
 * (what the close stores, and what the tests compare the stored days with).
 */
export function dayMovements(db: ReadDb, stores: ClinicStore[], from: string, to: string, opts: DayReadOptions & { ledgerOnly?: boolean } = {}): DayFact[] {
  if (stores.length === 0 || from > to) return [];
  const spans = monthSpans(db, from, to, opts.ledgerOnly);
  const one = stores.length === 1 ? stores[0].storeId : null;
  const live = opts.live ?? new LiveDays(db);
  const byStore = new Map<number, DayFact[]>(stores.map((s) => [s.storeId, []]));
  for (const span of spans) {
    if (span.stored) {
      for (const r of readDayFacts(db, span.month, one, span.first, span.last)) byStore.get(r.storeId)?.push(r);
      continue;
    }
    for (const s of stores) {
      const rows = byStore.get(s.storeId)!;
      // The movements of a drug's day arrive together (by drug, then date): one row per day.
      let day: DayFact | null = null;
      for (const m of live.of(span.month, s.storeId, span.first, span.last)) {
        if (day === null || day.drugId !== m.drugId || day.date !== m.date) {
          day = { storeId: s.storeId, drugId: m.drugId, date: m.date, qty: 0, dispensedQty: 0, dispenseRows: 0 };
          rows.push(day);
        }
        day.qty += m.qty;
        if (m.movement === 'dispense') {
          day.dispensedQty += m.qty;
          day.dispenseRows += m.rows;
        }
      }
    }
  }
  const out: DayFact[] = [];
  for (const s of stores) {
    const rows = byStore.get(s.storeId)!;
    // Month after month, each in drug order: into drug, then date order across the months.
    if (spans.length > 1) rows.sort((a, b) => a.drugId - b.drugId || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    out.push(...rows);
  }
  return out;
}

/** Split [from, to] into its months, each read from its stored days when it has them (`stored`) or from the ledger. */
function monthSpans(db: ReadDb, from: string, to: string, ledgerOnly = false) {
  const months = monthsOf(from, to);
  const latest = ledgerOnly ? null : latestClosedPeriod(db);
  const stored =
    latest === null
      ? new Set<string>()
      : validMonths(
          db,
          'days',
          months.filter((p) => p <= latest),
        );
  return months.map((month) => {
    const b = periodBounds(month);
    return { month, first: maxDate(b.first, from), last: minDate(b.last, to), stored: stored.has(month) };
  });
}

export interface MovementSummary {
  /** Base units, net of every movement in the span. */
  qty: number;
  /** The last day in the span with a dispense row (null: none). */
  lastDispensed: string | null;
}

/**
 * Per store × drug with ledger rows in [from, to]: their net quantity and the last day dispensed, summed in SQL (one
 * row per drug, not per day) from the stored days of closed months and the ledger of the others.
 */
export function movementSummary(db: ReadDb, stores: ClinicStore[], from: string, to: string): Map<number, Map<number, MovementSummary>> {
  const out = new Map<number, Map<number, MovementSummary>>(stores.map((s) => [s.storeId, new Map()]));
  if (stores.length === 0 || from > to) return out;
  const one = stores.length === 1 ? stores[0].storeId : null;
  const add = (storeId: number, r: { drugId: number; qty: number; lastDispensed: string | null }) => {
    const drugs = out.get(storeId);
    if (!drugs) return;
    const cur = drugs.get(r.drugId);
    if (!cur) drugs.set(r.drugId, { qty: r.qty, lastDispensed: r.lastDispensed });
    else {
      cur.qty += r.qty;
      if (r.lastDispensed !== null && (cur.lastDispensed === null || r.lastDispensed > cur.lastDispensed)) cur.lastDispensed = r.lastDispensed;
    }
  };
  const fromLedger = sql(
    db,
    `SELECT drug_id AS drugId, sum(qty) AS qty, max(CASE WHEN movement = 'dispense' THEN business_date END) AS lastDispensed
       FROM ${storeMonths(1)} AND business_date BETWEEN ? AND ? GROUP BY drug_id`,
  );
  for (const span of monthSpans(db, from, to)) {
    if (span.stored) {
      for (const r of selectRows<{ storeId: number; drugId: number; qty: number; lastDispensed: string | null }>(
        db,
        query`SELECT store_id AS storeId, drug_id AS drugId, sum(qty) AS qty, max(CASE WHEN dispense_rows > 0 THEN business_date END) AS lastDispensed
           FROM month_day_facts
          ${query.where([query`period = ${span.month}`, ...given(one, (id) => query`store_id = ${id}`), query`business_date BETWEEN ${span.first} AND ${span.last}`])}
          GROUP BY store_id, drug_id`,
      ))
        add(r.storeId, r);
      continue;
    }
    for (const s of stores) {
      for (const r of fromLedger.all(span.month, s.storeId, span.first, span.last) as { drugId: number; qty: number; lastDispensed: string | null }[])
        add(s.storeId, r);
    }
  }
  return out;
}

/**
 * Net dispensing per store × drug × week in [from, to] (`from` starts week 0), positive for what went out. Closed
 * months come from their stored weeks (migration 0025) when `from` is a Monday and the month ends inside the range,
 * else from their stored days summed in SQL; the others from the ledger, through `live` when a call shares it. In
 * the stores' order, then by drug; only the store × drug pairs with some week's dispensing not zero.
 */
export function weeklyDispensing(
  db: ReadDb,
  stores: ClinicStore[],
  from: string,
  to: string,
  opts: DayReadOptions = {},
): { storeId: number; drugId: number; weeks: Map<number, number> }[] {
  if (stores.length === 0 || from > to) return [];
  const one = stores.length === 1 ? stores[0].storeId : null;
  const live = opts.live ?? new LiveDays(db);
  const byStore = new Map(stores.map((s) => [s.storeId, new Map<number, Map<number, number>>()]));
  const add = (storeId: number, drugId: number, week: number, qty: number) => {
    const drugs = byStore.get(storeId);
    if (!drugs) return;
    let weeks = drugs.get(drugId);
    if (!weeks) drugs.set(drugId, (weeks = new Map()));
    weeks.set(week, (weeks.get(week) ?? 0) + qty);
  };
  const weekIndex = new Map<string, number>();
  const weekOf = (date: string) => {
    let w = weekIndex.get(date);
    if (w === undefined) weekIndex.set(date, (w = Math.floor(daysBetween(from, date) / 7)));
    return w;
  };
  // The week of a date: whole days since `from` over 7, in SQL (julianday of ISO dates is exact in whole days).
  const week = 'CAST((julianday(business_date) - julianday(?)) / 7 AS INTEGER)';
  const fromDays = sql(
    db,
    `SELECT store_id AS storeId, drug_id AS drugId, ${week} AS week, -sum(dispensed_qty) AS qty FROM month_day_facts
      WHERE period = ? AND store_id BETWEEN ? AND ? AND business_date BETWEEN ? AND ? GROUP BY store_id, drug_id, week`,
  );
  const spans = monthSpans(db, from, to);
  const fromMonday = mondayOf(from) === from;
  const weeksStored = fromMonday
    ? validMonths(
        db,
        'weeks',
        spans.filter((s) => s.stored).map((s) => s.month),
      )
    : new Set<string>();
  for (const span of spans) {
    if (weeksStored.has(span.month) && span.last === periodBounds(span.month).last) {
      // Weeks starting on or after `from` (a Monday) hold only days of the range; the month ends inside it.
      for (const r of readWeekFacts(db, span.month, one, from)) add(r.storeId, r.drugId, weekOf(r.weekMonday), r.dispensedQty);
      continue;
    }
    if (span.stored) {
      for (const r of fromDays.all(from, span.month, one ?? 0, one ?? Number.MAX_SAFE_INTEGER, span.first, span.last) as {
        storeId: number;
        drugId: number;
        week: number;
        qty: number;
      }[])
        add(r.storeId, r.drugId, r.week, r.qty);
      continue;
    }
    for (const s of stores) {
      for (const m of live.of(span.month, s.storeId, span.first, span.last)) if (m.movement === 'dispense') add(s.storeId, m.drugId, weekOf(m.date), -m.qty);
    }
  }
  const out: { storeId: number; drugId: number; weeks: Map<number, number> }[] = [];
  for (const s of stores) {
    const drugs = byStore.get(s.storeId)!;
    for (const drugId of [...drugs.keys()].sort((a, b) => a - b)) {
      const weeks = drugs.get(drugId)!;
      if ([...weeks.values()].some((q) => q !== 0)) out.push({ storeId: s.storeId, drugId, weeks });
    }
  }
  return out;
}

/** Net dispensing per store × drug × day in [from, to], for the given clinic stores, positive for what went out. */
export function dailyDispensing(db: ReadDb, stores: ClinicStore[], from: string, to: string): DayQty[] {
  const out: DayQty[] = [];
  for (const r of dayMovements(db, stores, from, to)) {
    if (r.dispensedQty !== 0) out.push({ storeId: r.storeId, drugId: r.drugId, date: r.date, qty: -r.dispensedQty });
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
