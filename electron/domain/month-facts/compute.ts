import type { WriteDb } from '../../db/database';
/**
 * Computes a closed month's facts from the ledger with the very functions the live screens use (so a stored
 * fact and a fresh computation cannot drift apart), and stores them. Runs inside the close's write
 * transaction, once per month the close closes; `refillMonthFacts` computes the sets a reopen or a threshold
 * change removed, newest month first.
 */
import type { ReadContext } from '../context';
import { sql, type ReadDb } from '../../db/database';
import { addDays, nextPeriod, periodBounds } from '../../../shared/dates';
import { INTERFACE_CODES } from '../../../shared/insurance-export';
import { NEAR_EXPIRY_DAYS } from '../../../shared/stock';
import { parseFingerprint, RULE_KEYS, type RuleKey } from '../../../shared/supervision';
import { buildExport, previewOf, type ExportStore } from '../insurance-export/build';
import { latestClosedPeriod } from '../stock/ledger';
import { clinicAccuracy } from '../stocktake/accuracy';
import { deliveryGroups, purchaseGroups, savingsOf, stockoutDays, type PurchaseGroup } from '../supervision/dashboard';
import { clinicStoreList, dayMovements, type DayReadOptions, LiveDays, mondayOf } from '../supervision/data';
import { loadThresholds } from '../supervision/engine';
import { RULES } from '../supervision/rules';
import type { Signal } from '../supervision/types';
import {
  type AccuracyFact,
  type DayFact,
  type WeekFact,
  type ExportFact,
  type FactKind,
  markSet,
  type SignalFact,
  signalKind,
  type StoreDrugFact,
  validMonths,
  writeAccuracyFacts,
  writeDayFacts,
  writeExportFacts,
  writeSignalFacts,
  writePackageFacts,
  writeStoreDrugFacts,
  writeWeekFacts,
} from './store';
import { packageFactsOf, type PackageFacts } from '../prefecture/basis';
import { hubStoreId } from '../master-data/stores';

export interface MonthFacts {
  period: string;
  figures: StoreDrugFact[];
  accuracy: AccuracyFact[];
  /** The clinic stores' movement per drug and day. */
  days: DayFact[];
  /** The clinic stores' dispensing per drug and ISO week (the month's days of it). */
  weeks: WeekFact[];
  signals: Record<RuleKey, { params: string; rows: Omit<SignalFact, 'period' | 'ruleKey'>[] }>;
  exportRows: Omit<ExportFact, 'period'>[];
  /** null when the export was not asked for (a refill of the other kinds). */
  exportPreview: ReturnType<typeof previewOf> | null;
  /** The prefecture package's view at the close (null when not asked for). */
  package: PackageFacts | null;
}

/** Every kind of fact set a closed month holds. */
const ALL_KINDS = (): FactKind[] => ['figures', 'accuracy', 'export', 'package', 'days', 'weeks', ...RULE_KEYS.map(signalKind)];

/** A weekly signal whose week runs past the month's end (cut there): kept for a range ending with this month. */
export function isTail(s: Pick<Signal, 'fingerprint'>, monthLast: string): boolean {
  const p = parseFingerprint(s.fingerprint)?.period;
  return p !== undefined && p.length === 10 && addDays(p, 6) > monthLast;
}

export function signalsOfMonth(db: ReadDb, rule: RuleKey, period: string, opts: DayReadOptions = {}) {
  const { first, last } = periodBounds(period);
  const t = loadThresholds(db, rule);
  const rows = RULES[rule]
    .evaluate(db, { from: first, to: last, clinicId: null, live: opts.live }, t)
    .map((s) => ({ fingerprint: s.fingerprint, tail: isTail(s, last) ? 1 : 0, clinicId: s.clinicId, signal: JSON.stringify(s) }))
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.tail - b.tail));
  return { params: JSON.stringify(t), rows };
}

function emptyFact(period: string, storeId: number, drugId: number): StoreDrugFact {
  return {
    period,
    storeId,
    drugId,
    insuranceClass: '',
    vbp: 0,
    referencePrice: null,
    packSize: 1,
    purchased: 0,
    purchasedQty: 0,
    purchasedAmount: 0,
    savings: null,
    inFormulary: 0,
    stockoutDays: 0,
    dispensedQty: 0,
    dispensedAmount: 0,
    nearExpiryValue: 0,
  };
}

/** Per store × drug: purchases (the hub's receipts, each clinic's deliveries), stock-out days, dispensing, near-expiry value at month end. */
export function storeDrugFigures(db: ReadDb, period: string, opts: DayReadOptions = {}): StoreDrugFact[] {
  const { first, last } = periodBounds(period);
  const hub = hubStoreId(db);
  const clinicStores = clinicStoreList(db, null);
  const storeOfClinic = new Map(clinicStores.map((c) => [c.clinicId, c.storeId]));
  const facts = new Map<string, StoreDrugFact>();
  const fact = (storeId: number, drugId: number) => {
    const key = `${storeId}:${drugId}`;
    let f = facts.get(key);
    if (!f) facts.set(key, (f = emptyFact(period, storeId, drugId)));
    return f;
  };
  const drugs = new Map(
    (
      sql(db, 'SELECT id, insurance_class AS insuranceClass, vbp, reference_price AS referencePrice, pack_size AS packSize FROM drugs').all() as {
        id: number;
        insuranceClass: string;
        vbp: number;
        referencePrice: number | null;
        packSize: number;
      }[]
    ).map((d) => [d.id, d]),
  );
  const purchase = (storeId: number, g: PurchaseGroup) => {
    const f = fact(storeId, g.drugId);
    f.purchased = 1;
    f.purchasedQty += g.qty;
    f.purchasedAmount += g.amount;
  };
  for (const g of purchaseGroups(db, first, last, null)) purchase(hub, g);
  for (const g of deliveryGroups(db, first, last, null)) {
    const storeId = storeOfClinic.get(g.clinicId!);
    if (storeId !== undefined) purchase(storeId, g);
  }
  for (const s of stockoutDays(db, null, first, last, opts)) {
    for (const d of s.perDrug) {
      const f = fact(s.storeId, d.drugId);
      f.inFormulary = 1;
      f.stockoutDays = d.outDates.length;
    }
  }
  const dispensed = sql(
    db,
    `SELECT store_id AS storeId, drug_id AS drugId, -sum(qty) AS qty, -sum(amount) AS amount FROM stock_period_totals
      WHERE period = ? AND movement = 'dispense' GROUP BY store_id, drug_id`,
  ).all(period) as { storeId: number; drugId: number; qty: number; amount: number }[];
  for (const r of dispensed) {
    if (r.qty === 0 && r.amount === 0) continue;
    const f = fact(r.storeId, r.drugId);
    f.dispensedQty = r.qty;
    f.dispensedAmount = r.amount;
  }
  // A lot's balance at month end is today's minus what moved after the month (at the close: one month's rows).
  const nearExpiry = sql(
    db,
    `SELECT storeId, drugId, sum(value) AS value FROM (
       SELECT store_id AS storeId, drug_id AS drugId, sum(q) AS qty, sum(v) AS value FROM (
         SELECT b.store_id, b.lot_id, b.drug_id, b.qty AS q, b.value AS v FROM stock_balances b JOIN lots l ON l.id = b.lot_id WHERE l.expiry_date <= ?
         UNION ALL
         SELECT g.store_id, g.lot_id, g.drug_id, -g.qty, -g.amount FROM ledger g JOIN lots l ON l.id = g.lot_id WHERE g.period > ? AND l.expiry_date <= ?)
       GROUP BY store_id, lot_id)
     WHERE qty > 0 GROUP BY storeId, drugId`,
  ).all(addDays(last, NEAR_EXPIRY_DAYS), period, addDays(last, NEAR_EXPIRY_DAYS)) as { storeId: number; drugId: number; value: number }[];
  for (const r of nearExpiry) if (r.value !== 0) fact(r.storeId, r.drugId).nearExpiryValue = r.value;

  // The catalog as it stands at the close: the month's class, 集采 mark and reference price from now on.
  for (const f of facts.values()) {
    const d = drugs.get(f.drugId)!;
    f.insuranceClass = d.insuranceClass;
    f.vbp = d.vbp;
    f.referencePrice = d.referencePrice;
    f.packSize = d.packSize;
    f.savings = f.purchased ? savingsOf({ ...d, qty: f.purchasedQty, amount: f.purchasedAmount }) : null;
  }
  return [...facts.values()].sort((a, b) => a.storeId - b.storeId || a.drugId - b.drugId);
}

/** The clinic stores' movement per drug and day, from the month's ledger rows, by store, drug and date. */
export function dayFigures(db: ReadDb, period: string, opts: DayReadOptions = {}): DayFact[] {
  const { first, last } = periodBounds(period);
  return dayMovements(db, clinicStoreList(db, null), first, last, { ...opts, ledgerOnly: true }).sort((a, b) => a.storeId - b.storeId);
}

/** The days' dispensing summed per store × drug × ISO week (weeks netting to zero kept: the sums are the ledger's). */
export function weekFigures(days: DayFact[]): WeekFact[] {
  const weeks = new Map<string, WeekFact>();
  for (const d of days) {
    if (d.dispenseRows === 0) continue;
    const weekMonday = mondayOf(d.date);
    const key = `${d.storeId}:${d.drugId}:${weekMonday}`;
    const w = weeks.get(key);
    if (w) w.dispensedQty -= d.dispensedQty;
    else weeks.set(key, { storeId: d.storeId, drugId: d.drugId, weekMonday, dispensedQty: -d.dispensedQty });
  }
  return [...weeks.values()].sort((a, b) => a.storeId - b.storeId || a.drugId - b.drugId || (a.weekMonday < b.weekMonday ? -1 : 1));
}

export function accuracyFigures(db: ReadDb, period: string): AccuracyFact[] {
  return clinicAccuracy(db, { from: period, to: period, clinicId: null })
    .rows.map((r) => ({ ...r.months[0], storeId: r.storeId }))
    .filter((m) => m.stocktakes > 0)
    .map((m) => ({
      period,
      storeId: m.storeId,
      stocktakes: m.stocktakes,
      countedLines: m.countedLines,
      matchedLines: m.matchedLines,
      surplusAmount: m.surplusAmount,
      shortageAmount: m.shortageAmount,
    }));
}

/** Every 定点 store (the hub's and each clinic's), as the hub's whole-township export lists them. */
export function allExportStores(db: ReadDb): ExportStore[] {
  return sql(
    db,
    `SELECT s.id, s.kind, s.name, s.clinic_id AS clinicId, c.code AS clinicCode FROM stores s LEFT JOIN clinics c ON c.id = s.clinic_id
      WHERE s.kind IN ('hub', 'clinic') ORDER BY CASE s.kind WHEN 'hub' THEN 0 ELSE 1 END, c.code`,
  ).all() as ExportStore[];
}

export function exportFigures(ctx: ReadContext, period: string) {
  const hub = hubStoreId(ctx.db);
  const data = buildExport(ctx, period, allExportStores(ctx.db));
  const transit = new Set(data.transitStores.map((t) => t.id));
  const sums = new Map<string, Omit<ExportFact, 'period'>>();
  for (const code of INTERFACE_CODES) {
    for (const r of data.rows[code]) {
      const storeId = transit.has(r.meta.storeId) ? hub : r.meta.storeId;
      const key = `${storeId}:${code}`;
      let s = sums.get(key);
      if (!s) sums.set(key, (s = { storeId, code, rows: 0, qty: 0, amount: 0 }));
      s.rows += 1;
      s.qty += Math.abs(r.meta.qty);
      s.amount += Math.abs(r.meta.amount);
    }
  }
  return { rows: [...sums.values()].sort((a, b) => a.storeId - b.storeId || (a.code < b.code ? -1 : 1)), preview: previewOf(data) };
}

/**
 * The facts of one month, freshly computed (the month must be closed: the export's preview says so). With
 * `only`, the other kinds are left empty (a refill computes what is missing, not the whole month again).
 */
export function computeMonthFacts(ctx: ReadContext, period: string, only?: Set<string>): MonthFacts {
  const db = ctx.db;
  const want = (kind: string) => !only || only.has(kind);
  // The month's ledger, read once per store for its days, its stock-out walk and the rules.
  const live = new LiveDays(db);
  const exp = want('export') ? exportFigures(ctx, period) : null;
  // The package's signals are every rule's signals of the month: the same evaluation as the rules' own sets.
  const signals = Object.fromEntries(
    RULE_KEYS.map((rule) => [rule, want(signalKind(rule)) || want('package') ? signalsOfMonth(db, rule, period, { live }) : { params: '', rows: [] }]),
  ) as MonthFacts['signals'];
  const found = want('package') ? RULE_KEYS.flatMap((rule) => signals[rule].rows.map((r) => JSON.parse(r.signal) as Signal)) : [];
  const days = want('days') || want('weeks') ? dayFigures(db, period, { live }) : [];
  return {
    period,
    figures: want('figures') ? storeDrugFigures(db, period, { live }) : [],
    accuracy: want('accuracy') ? accuracyFigures(db, period) : [],
    days: want('days') ? days : [],
    weeks: want('weeks') ? weekFigures(days) : [],
    signals,
    exportRows: exp?.rows ?? [],
    exportPreview: exp?.preview ?? null,
    package: want('package') ? packageFactsOf(db, found) : null,
  };
}

export function saveMonthFacts(db: WriteDb, facts: MonthFacts, eventId: number, at: string, only?: Set<string>): void {
  const p = facts.period;
  const want = (kind: string) => !only || only.has(kind);
  if (want('figures')) {
    writeStoreDrugFacts(db, p, facts.figures);
    markSet(db, p, 'figures', eventId, at);
  }
  if (want('accuracy')) {
    writeAccuracyFacts(db, p, facts.accuracy);
    markSet(db, p, 'accuracy', eventId, at);
  }
  if (want('days')) {
    writeDayFacts(db, p, facts.days);
    markSet(db, p, 'days', eventId, at);
  }
  if (want('weeks')) {
    writeWeekFacts(db, p, facts.weeks);
    markSet(db, p, 'weeks', eventId, at);
  }
  if (want('export')) {
    writeExportFacts(db, p, facts.exportRows, facts.exportPreview);
    markSet(db, p, 'export', eventId, at);
  }
  if (want('package') && facts.package) writePackageFacts(db, p, eventId, at, facts.package);
  for (const rule of RULE_KEYS) {
    if (!want(signalKind(rule))) continue;
    writeSignalFacts(db, p, rule, facts.signals[rule].rows);
    markSet(db, p, signalKind(rule), eventId, at, facts.signals[rule].params);
  }
}

/** The months a close closes: after the latest month closed before it, from the first month with business. */
export function monthsClosedBy(db: ReadDb, period: string, previousLatest: string | null): string[] {
  const first = sql(db, 'SELECT min(period) AS p FROM stock_period_totals').get() as { p: string | null };
  let from = previousLatest ? nextPeriod(previousLatest) : (first.p ?? period);
  if (first.p && from < first.p) from = first.p;
  const out: string[] = [];
  for (let p = from; p <= period; p = nextPeriod(p)) out.push(p);
  return out.length ? out : [period];
}

/** The close event a closed month belongs to: the first close at or after it since the month's own last reopen. */
function closeEventFor(db: ReadDb, period: string): number | null {
  const row = sql(
    db,
    "SELECT min(id) AS id FROM period_events WHERE action = 'close' AND period >= ? AND id > coalesce((SELECT max(id) FROM period_events WHERE action = 'reopen' AND period = ?), 0)",
  ).get(period, period) as { id: number | null };
  return row.id;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A read context whose connection may also write: the facts worker's own, which stores what it computed. */
export type FactsWriterContext = Omit<ReadContext, 'db'> & { db: WriteDb };

/**
 * Computes a closed month's facts under a read snapshot, then stores them in a short write of their own —
 * only if the month is still closed by the same close (a reopen meanwhile voids them) and, for each rule,
 * under the same thresholds. Waits briefly for the close to be visible (it commits as the job starts).
 * Returns whether it stored them.
 */
export async function storeComputedFacts(ctx: FactsWriterContext, period: string): Promise<boolean> {
  const db = ctx.db;
  let eventId: number | null = null;
  for (let i = 0; i < 50 && eventId === null; i++) {
    const latest = latestClosedPeriod(db);
    if (latest !== null && period <= latest) eventId = closeEventFor(db, period);
    if (eventId === null) await sleep(100);
  }
  if (eventId === null) return false;
  const facts = db.transaction(() => computeMonthFacts(ctx, period))();
  let stored = false;
  db.transaction(() => {
    const latest = latestClosedPeriod(db);
    if (latest === null || period > latest || closeEventFor(db, period) !== eventId) return;
    const stale = new Set(RULE_KEYS.filter((r) => facts.signals[r].params !== JSON.stringify(loadThresholds(db, r))).map((r) => signalKind(r)));
    // The package's view is what the close saw: a refill of the month's other sets keeps the one stored.
    if (validMonths(db, 'package', [period]).has(period)) stale.add('package');
    const kinds = ALL_KINDS().filter((k) => !stale.has(k));
    saveMonthFacts(db, facts, eventId!, ctx.now.toISOString(), new Set(kinds));
    stored = true;
  }).immediate();
  return stored;
}

/** Closed months lacking a fact set, or holding signals found under other thresholds: newest first, at most `max`. */
export function monthsLackingFacts(db: ReadDb, max: number): string[] {
  if (max <= 0) return [];
  const latest = latestClosedPeriod(db);
  const first = (sql(db, 'SELECT min(period) AS p FROM stock_period_totals').get() as { p: string | null }).p;
  if (latest === null || first === null) return [];
  const months: string[] = [];
  for (let p = first; p <= latest; p = nextPeriod(p)) months.push(p);
  const kinds = ALL_KINDS();
  const params = new Map(RULE_KEYS.map((r) => [signalKind(r), JSON.stringify(loadThresholds(db, r))]));
  const valid = kinds.map((k) => validMonths(db, k, months, params.get(k)));
  return months
    .reverse()
    .filter((p) => valid.some((v) => !v.has(p)))
    .slice(0, max);
}

/**
 * Computes the fact sets closed months lack (after a reopen and re-close of a later month, a threshold
 * change, or an upgrade from a version without them), newest month first, at most `maxMonths` months.
 * Returns the months it filled. Runs in a write transaction.
 */
export function refillMonthFacts(ctx: FactsWriterContext, maxMonths: number, at: string): string[] {
  const db = ctx.db;
  const latest = latestClosedPeriod(db);
  const first = (sql(db, 'SELECT min(period) AS p FROM stock_period_totals').get() as { p: string | null }).p;
  if (latest === null || first === null) return [];
  const months: string[] = [];
  for (let p = first; p <= latest; p = nextPeriod(p)) months.push(p);
  const kinds = ALL_KINDS();
  const valid = new Map(kinds.map((k) => [k, validMonths(db, k, months)]));
  const params = new Map(RULE_KEYS.map((r) => [signalKind(r), JSON.stringify(loadThresholds(db, r))]));
  const filled: string[] = [];
  for (const p of months.reverse()) {
    if (filled.length >= maxMonths) break;
    const missing = new Set<string>(kinds.filter((k) => !valid.get(k)!.has(p)));
    // A signal set computed under other thresholds is stale too.
    for (const [kind, wanted] of params) {
      if (missing.has(kind)) continue;
      const row = sql(db, 'SELECT params FROM month_fact_sets WHERE period = ? AND kind = ?').get(p, kind) as { params: string | null } | undefined;
      if (row?.params !== wanted) missing.add(kind);
    }
    if (missing.size === 0) continue;
    const eventId = closeEventFor(db, p);
    if (eventId === null) continue;
    saveMonthFacts(db, computeMonthFacts(ctx, p, missing), eventId, at, missing);
    filled.push(p);
  }
  return filled;
}
