import type { WriteDb } from '../../db/database';
/**
 * The month facts' tables (migration 0016): which fact sets of a closed month are valid, their rows, and
 * their invalidation. Nothing here computes a figure (compute.ts does, from the ledger); the readers of the
 * supervision screens and the 进销存 export take from here what is valid and compute the rest live.
 */
import { sql, type ReadDb } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';

/** The kinds of fact a closed month holds: one set each ('signals:<rule>' per anomaly rule). */
export type FactKind = 'figures' | 'accuracy' | 'export' | 'package' | 'days' | 'weeks' | `signals:${string}`;

export const signalKind = (rule: string): FactKind => `signals:${rule}`;

export interface StoreDrugFact {
  period: string;
  storeId: number;
  drugId: number;
  insuranceClass: string;
  vbp: number;
  referencePrice: number | null;
  packSize: number;
  purchased: number;
  purchasedQty: number;
  purchasedAmount: number;
  savings: number | null;
  inFormulary: number;
  stockoutDays: number;
  dispensedQty: number;
  dispensedAmount: number;
  nearExpiryValue: number;
}

export interface AccuracyFact {
  period: string;
  storeId: number;
  stocktakes: number;
  countedLines: number;
  matchedLines: number;
  surplusAmount: number;
  shortageAmount: number;
}

export interface SignalFact {
  period: string;
  ruleKey: string;
  fingerprint: string;
  tail: number;
  clinicId: number;
  /** JSON of the Signal. */
  signal: string;
}

export interface ExportFact {
  period: string;
  storeId: number;
  code: string;
  rows: number;
  qty: number;
  amount: number;
}

/** A store × drug × day of a closed month (migration 0024): what the day-by-day walks over earlier months read. */
export interface DayFact {
  storeId: number;
  drugId: number;
  date: string;
  /** Base units, net of every movement of the day. */
  qty: number;
  /** Base units, net of the day's dispense rows. */
  dispensedQty: number;
  /** The day's dispense rows, reversals included. */
  dispenseRows: number;
}

/** A clinic store × drug × ISO week of a closed month (migration 0025): the week's dispensing on the month's days. */
export interface WeekFact {
  storeId: number;
  drugId: number;
  /** The Monday starting the week (in the month before for a week that began there). */
  weekMonday: string;
  /** Base units that went out (positive), net of reversals. */
  dispensedQty: number;
}

/** The months among `periods` whose set of `kind` is valid (params, when given, must match the stored ones). */
export function validMonths(db: ReadDb, kind: FactKind, periods: string[], params?: string): Set<string> {
  if (periods.length === 0) return new Set();
  const rows = sql(db, 'SELECT period, params FROM month_fact_sets WHERE kind = ? AND period BETWEEN ? AND ?').all(kind, periods[0], periods.at(-1)) as {
    period: string;
    params: string | null;
  }[];
  const wanted = new Set(periods);
  return new Set(rows.filter((r) => wanted.has(r.period) && (params === undefined || r.params === params)).map((r) => r.period));
}

export function markSet(db: WriteDb, period: string, kind: FactKind, eventId: number, at: string, params: string | null = null): void {
  sql(
    db,
    `INSERT INTO month_fact_sets (period, kind, event_id, computed_at, params) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (period, kind) DO UPDATE SET event_id = excluded.event_id, computed_at = excluded.computed_at, params = excluded.params`,
  ).run(period, kind, eventId, at, params);
}

const SDF_COLUMNS = `period, store_id AS storeId, drug_id AS drugId, insurance_class AS insuranceClass, vbp, reference_price AS referencePrice,
  pack_size AS packSize, purchased, purchased_qty AS purchasedQty, purchased_amount AS purchasedAmount, savings, in_formulary AS inFormulary,
  stockout_days AS stockoutDays, dispensed_qty AS dispensedQty, dispensed_amount AS dispensedAmount, near_expiry_value AS nearExpiryValue`;

export function writeStoreDrugFacts(db: WriteDb, period: string, rows: StoreDrugFact[]): void {
  sql(db, 'DELETE FROM month_store_drug_facts WHERE period = ?').run(period);
  const insert = sql(
    db,
    `INSERT INTO month_store_drug_facts (period, store_id, drug_id, insurance_class, vbp, reference_price, pack_size, purchased, purchased_qty,
       purchased_amount, savings, in_formulary, stockout_days, dispensed_qty, dispensed_amount, near_expiry_value)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const r of rows) {
    insert.run(
      period,
      r.storeId,
      r.drugId,
      r.insuranceClass,
      r.vbp,
      r.referencePrice,
      r.packSize,
      r.purchased,
      r.purchasedQty,
      r.purchasedAmount,
      r.savings,
      r.inFormulary,
      r.stockoutDays,
      r.dispensedQty,
      r.dispensedAmount,
      r.nearExpiryValue,
    );
  }
}

export function readStoreDrugFacts(db: ReadDb, periods: string[], storeIds: number[] | null = null): StoreDrugFact[] {
  if (periods.length === 0) return [];
  const rows = sql(
    db,
    `SELECT ${SDF_COLUMNS} FROM month_store_drug_facts WHERE period IN (${periods.map(() => '?').join(',')}) ORDER BY period, store_id, drug_id`,
  ).all(...periods) as StoreDrugFact[];
  if (storeIds === null) return rows;
  const wanted = new Set(storeIds);
  return rows.filter((r) => wanted.has(r.storeId));
}

export function writeDayFacts(db: WriteDb, period: string, rows: DayFact[]): void {
  sql(db, 'DELETE FROM month_day_facts WHERE period = ?').run(period);
  const insert = sql(
    db,
    'INSERT INTO month_day_facts (period, store_id, drug_id, business_date, qty, dispensed_qty, dispense_rows) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const r of rows) insert.run(period, r.storeId, r.drugId, r.date, r.qty, r.dispensedQty, r.dispenseRows);
}

/** The stored days of one month for one store (or every store), in [from, to], by store, drug and date. */
export function readDayFacts(db: ReadDb, period: string, storeId: number | null, from: string, to: string): DayFact[] {
  return selectRows<DayFact>(
    db,
    query`SELECT store_id AS storeId, drug_id AS drugId, business_date AS date, qty, dispensed_qty AS dispensedQty, dispense_rows AS dispenseRows
       FROM month_day_facts
      ${query.where([query`period = ${period}`, ...given(storeId, (id) => query`store_id = ${id}`), query`business_date BETWEEN ${from} AND ${to}`])}
      ORDER BY store_id, drug_id, business_date`,
  );
}

export function writeWeekFacts(db: WriteDb, period: string, rows: WeekFact[]): void {
  sql(db, 'DELETE FROM month_week_facts WHERE period = ?').run(period);
  const insert = sql(db, 'INSERT INTO month_week_facts (period, store_id, drug_id, week_monday, dispensed_qty) VALUES (?, ?, ?, ?, ?)');
  for (const r of rows) insert.run(period, r.storeId, r.drugId, r.weekMonday, r.dispensedQty);
}

/** The stored weeks of one month for one store (or every store) starting on or after `fromMonday`, by store, drug and week. */
export function readWeekFacts(db: ReadDb, period: string, storeId: number | null, fromMonday: string): WeekFact[] {
  return selectRows<WeekFact>(
    db,
    query`SELECT store_id AS storeId, drug_id AS drugId, week_monday AS weekMonday, dispensed_qty AS dispensedQty FROM month_week_facts
      ${query.where([query`period = ${period}`, ...given(storeId, (id) => query`store_id = ${id}`), query`week_monday >= ${fromMonday}`])}
      ORDER BY store_id, drug_id, week_monday`,
  );
}

export function writeAccuracyFacts(db: WriteDb, period: string, rows: AccuracyFact[]): void {
  sql(db, 'DELETE FROM month_accuracy_facts WHERE period = ?').run(period);
  const insert = sql(
    db,
    `INSERT INTO month_accuracy_facts (period, store_id, stocktakes, counted_lines, matched_lines, surplus_amount, shortage_amount) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const r of rows) insert.run(period, r.storeId, r.stocktakes, r.countedLines, r.matchedLines, r.surplusAmount, r.shortageAmount);
}

export function readAccuracyFacts(db: ReadDb, periods: string[]): AccuracyFact[] {
  if (periods.length === 0) return [];
  return sql(
    db,
    `SELECT period, store_id AS storeId, stocktakes, counted_lines AS countedLines, matched_lines AS matchedLines, surplus_amount AS surplusAmount,
            shortage_amount AS shortageAmount
       FROM month_accuracy_facts WHERE period IN (${periods.map(() => '?').join(',')}) ORDER BY period, store_id`,
  ).all(...periods) as AccuracyFact[];
}

export function writeSignalFacts(db: WriteDb, period: string, rule: string, rows: Omit<SignalFact, 'period' | 'ruleKey'>[]): void {
  sql(db, 'DELETE FROM month_signal_facts WHERE period = ? AND rule_key = ?').run(period, rule);
  const insert = sql(db, 'INSERT INTO month_signal_facts (period, rule_key, fingerprint, tail, clinic_id, signal) VALUES (?, ?, ?, ?, ?, ?)');
  for (const r of rows) insert.run(period, rule, r.fingerprint, r.tail, r.clinicId, r.signal);
}

/** The stored signals of one rule over the months, with the tail (a week cut at the month's end) of `tailOf` only. */
export function readSignalFacts(db: ReadDb, rule: string, periods: string[], tailOf: string | null, clinicId: number | null): SignalFact[] {
  if (periods.length === 0) return [];
  return selectRows<SignalFact>(
    db,
    query`SELECT period, rule_key AS ruleKey, fingerprint, tail, clinic_id AS clinicId, signal FROM month_signal_facts
      ${query.where([
        query`rule_key = ${rule}`,
        query`period IN ${query.in(periods)}`,
        query`(tail = 0 OR period = ${tailOf})`,
        ...given(clinicId, (id) => query`clinic_id = ${id}`),
      ])}
      ORDER BY period, fingerprint`,
  );
}

export function writeExportFacts(db: WriteDb, period: string, rows: Omit<ExportFact, 'period'>[], preview: unknown): void {
  sql(db, 'DELETE FROM month_export_facts WHERE period = ?').run(period);
  const insert = sql(db, 'INSERT INTO month_export_facts (period, store_id, code, rows, qty, amount) VALUES (?, ?, ?, ?, ?, ?)');
  for (const r of rows) insert.run(period, r.storeId, r.code, r.rows, r.qty, r.amount);
  sql(db, 'INSERT INTO month_export_previews (period, preview) VALUES (?, ?) ON CONFLICT (period) DO UPDATE SET preview = excluded.preview').run(
    period,
    JSON.stringify(preview),
  );
}

export function readExportFacts(db: ReadDb, period: string): ExportFact[] {
  return sql(db, 'SELECT period, store_id AS storeId, code, rows, qty, amount FROM month_export_facts WHERE period = ? ORDER BY store_id, code').all(
    period,
  ) as ExportFact[];
}

/** The whole hub's 进销存 preview of a closed month, when its export facts are valid. */
export function readExportPreview<T>(db: ReadDb, period: string): T | null {
  if (!validMonths(db, 'export', [period]).has(period)) return null;
  const row = sql(db, 'SELECT preview FROM month_export_previews WHERE period = ?').get(period) as { preview: string } | undefined;
  return row ? (JSON.parse(row.preview) as T) : null;
}

/**
 * The prefecture package's view of the month at the close (kind 'package'): the master data and the signals with
 * their status and dismissals, as one JSON in the set's own row (the `params` column: what the set was made under).
 * No rows of its own: a reopen deletes it with the month's other sets, and a threshold change leaves it alone —
 * a resend of the same close must carry what the close saw.
 */
export function writePackageFacts(db: WriteDb, period: string, eventId: number, at: string, view: unknown): void {
  markSet(db, period, 'package', eventId, at, JSON.stringify(view));
}

export function readPackageFacts<T>(db: ReadDb, period: string): T | null {
  const row = sql(db, "SELECT params FROM month_fact_sets WHERE period = ? AND kind = 'package'").get(period) as { params: string | null } | undefined;
  return row?.params ? (JSON.parse(row.params) as T) : null;
}

/** A reopen: the months after the latest month still closed lose every fact (they will be computed at the re-close). */
export function invalidateMonthsAfter(db: WriteDb, latestClosed: string | null): void {
  const after = latestClosed ?? '';
  for (const table of [
    'month_fact_sets',
    'month_store_drug_facts',
    'month_accuracy_facts',
    'month_signal_facts',
    'month_export_facts',
    'month_export_previews',
    'month_day_facts',
    'month_week_facts',
  ]) {
    sql(db, `DELETE FROM ${table} WHERE period > ?`).run(after);
  }
}

/** A rule's thresholds (or the clinics' rest days, for the closed-day rule) changed: its signals of every month go. */
export function invalidateRule(db: WriteDb, rule: string): void {
  sql(db, 'DELETE FROM month_fact_sets WHERE kind = ?').run(signalKind(rule));
  sql(db, 'DELETE FROM month_signal_facts WHERE rule_key = ?').run(rule);
}
