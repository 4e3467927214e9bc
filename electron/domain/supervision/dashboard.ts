/**
 * 三保看板 figures. Purchases are what the hub buys (its receipts) for the whole township, and what each
 * clinic takes (its deliveries) for one clinic; "catalog" is the drug's insurance class 甲/乙 as the
 * catalog holds it now. 集采 savings = (price before 集采 − price paid) × quantity, where the price before
 * is the drug's reference price in the catalog (drugs without one are counted, not guessed).
 */
import type { ReadContext } from '../context';
import { sql, type ReadDb } from '../../db/database';
import { rows as selectRows, given, sql as query } from '../../db/sql';
import type { ParsedInput } from '../../../shared/contract';
import { addDays, daysBetween, periodBounds, periodOf } from '../../../shared/dates';
import { balancesAtStart } from '../settlement/balances';
import { assertStoresBookVisible } from '../stocktake/blind';
import { SUPERVISION_READS_BOOK } from './types';
import { lineAmountFromPackPrice } from '../../../shared/money';
import { nearExpiryLimit } from '../master-data/expiry';
import { RULE_KEYS, RULE_TITLES } from '../../../shared/supervision';
import { clinicAccuracy, periodsBetween } from '../stocktake/accuracy';
import { clinicStoreList, dayMovements, type DayReadOptions, LiveDays, maxDate, minDate, movementSummary } from './data';
import { dismissalsOf, statusOf } from './engine';
import { signalsOver } from './month-signals';
import { readStoreDrugFacts, type StoreDrugFact, validMonths } from '../month-facts/store';
import { latestClosedPeriod } from '../stock/ledger';
import { hubStoreId } from '../master-data/stores';
import { clinicLogFigures } from '../storage/figures';

export interface PurchaseGroup {
  clinicId: number | null;
  period: string;
  drugId: number;
  insuranceClass: string;
  vbp: number;
  referencePrice: number | null;
  packSize: number;
  qty: number;
  amount: number;
}

export function rangeOf(input: { from: string; to: string }, today: string) {
  periodsBetween(input.from, input.to); // refuses over-long ranges
  return { first: periodBounds(input.from).first, last: minDate(periodBounds(input.to).last, today) };
}

/** Purchases grouped by clinic (null: the hub's receipts), month and drug. */
export function purchaseGroups(db: ReadDb, first: string, last: string, clinicId: number | null): PurchaseGroup[] {
  const cols = `d.id AS drugId, d.insurance_class AS insuranceClass, d.vbp, d.reference_price AS referencePrice, d.pack_size AS packSize`;
  if (clinicId === null) {
    return sql(
      db,
      `SELECT NULL AS clinicId, substr(r.business_date, 1, 7) AS period, ${cols}, sum(l.qty) AS qty, sum(l.amount) AS amount
         FROM receipts r JOIN receipt_lines l ON l.receipt_id = r.id JOIN drugs d ON d.id = l.drug_id
        WHERE r.status = 'posted' AND r.business_date BETWEEN ? AND ? GROUP BY period, d.id`,
    ).all(first, last) as PurchaseGroup[];
  }
  return deliveryGroups(db, first, last, clinicId);
}

export function deliveryGroups(db: ReadDb, first: string, last: string, clinicId: number | null): PurchaseGroup[] {
  const filters = query.where([query`v.business_date BETWEEN ${first} AND ${last}`, ...given(clinicId, (id) => query`v.clinic_id = ${id}`)]);
  // By date even for one clinic: deliveries_clinic would read every delivery the clinic ever had.
  return selectRows<PurchaseGroup>(
    db,
    query`SELECT v.clinic_id AS clinicId, substr(v.business_date, 1, 7) AS period, d.id AS drugId, d.insurance_class AS insuranceClass, d.vbp,
            d.reference_price AS referencePrice, d.pack_size AS packSize, sum(l.qty) AS qty, sum(l.amount) AS amount
       FROM deliveries v INDEXED BY deliveries_date JOIN delivery_lines l ON l.delivery_id = v.id JOIN drugs d ON d.id = l.drug_id
      ${filters} GROUP BY v.clinic_id, period, d.id`,
  );
}

export const isCatalog = (cls: string) => cls === 'A' || cls === 'B';

/** Savings of a group against the drug's price before 集采; null when it has no reference price. */
export function savingsOf(g: { vbp: number; referencePrice: number | null; packSize: number; qty: number; amount: number }): number | null {
  if (!g.vbp || g.referencePrice === null) return null;
  return lineAmountFromPackPrice(g.qty, g.referencePrice, g.packSize) - g.amount;
}

function share(groups: PurchaseGroup[]) {
  const drugs = new Set<number>();
  const catalogDrugs = new Set<number>();
  let amount = 0;
  let catalogAmount = 0;
  for (const g of groups) {
    amount += g.amount;
    drugs.add(g.drugId);
    if (isCatalog(g.insuranceClass)) {
      catalogAmount += g.amount;
      catalogDrugs.add(g.drugId);
    }
  }
  return { amount, catalogAmount, items: drugs.size, catalogItems: catalogDrugs.size };
}

function vbpOf(groups: PurchaseGroup[]) {
  let amount = 0;
  let vbpAmount = 0;
  let savings = 0;
  let withoutReference = 0;
  for (const g of groups) {
    amount += g.amount;
    if (!g.vbp) continue;
    vbpAmount += g.amount;
    const s = savingsOf(g);
    if (s === null) withoutReference += 1;
    else savings += s;
  }
  return { amount, vbpAmount, savings, withoutReference };
}

const groupBy = <T, K>(xs: T[], key: (x: T) => K) => {
  const m = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
};

/** A drug counts as one the clinic uses on a day when it was dispensed in this many days before. */
const IN_USE_DAYS = 90;

/**
 * Days each clinic's formulary drugs stood at zero: a day counts for a drug when its balance at the end of
 * the day is zero and the clinic dispensed it in the 90 days before (it is one the clinic uses). The walk
 * starts on the first of the month 90 days back, from that month's opening balances (the closing snapshot
 * and the months since: one read per store), moves to `first` with each drug's net movement and last dispensing day
 * before it, and walks the range's days with their deltas (closed months from their stored days, the others from the
 * ledger: data.ts).
 */
export function stockoutDays(db: ReadDb, clinicId: number | null, first: string, last: string, opts: DayReadOptions = {}) {
  const histMonth = periodOf(addDays(first, -IN_USE_DAYS));
  const histStart = `${histMonth}-01`;
  // Every day of the walk once, shared by every drug; each drug walks the days by index with a pointer into its
  // own changes, which the query returns in date order.
  const days = Array.from({ length: Math.max(daysBetween(histStart, last) + 1, 0) }, (_, i) => addDays(histStart, i));
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const firstIndex = daysBetween(histStart, first);
  const stores = clinicStoreList(db, clinicId);
  // Before `first` only where each drug stands matters (its balance, the last day it was dispensed): summed per drug.
  const before = movementSummary(db, stores, histStart, addDays(first, -1));
  const moves = groupBy(dayMovements(db, stores, first, last, opts), (r) => r.storeId);
  return stores.map((s) => {
    const opening = balancesAtStart(db, histMonth, s.storeId).balances.get(s.storeId);
    const head = before.get(s.storeId)!;
    const byDrug = groupBy(moves.get(s.storeId) ?? [], (r) => r.drugId);
    const drugIds = [...new Set([...head.keys(), ...byDrug.keys()])].sort((a, b) => a - b);
    const perDrug = drugIds
      .filter((drugId) => (head.get(drugId)?.lastDispensed ?? null) !== null || (byDrug.get(drugId) ?? []).some((r) => r.dispenseRows > 0))
      .map((drugId) => {
        const h = head.get(drugId);
        const rows = byDrug.get(drugId) ?? [];
        let balance = (opening?.get(drugId)?.qty ?? 0) + (h?.qty ?? 0);
        let lastDispensed = h?.lastDispensed ? daysBetween(histStart, h.lastDispensed) : Number.NEGATIVE_INFINITY;
        let inFormulary = false;
        const outDates: string[] = [];
        let next = 0;
        for (let i = firstIndex; i < days.length; i++) {
          // In use: dispensed within the 90 days before this one (today's own entries count from tomorrow).
          const used = i - lastDispensed <= IN_USE_DAYS;
          const c = rows[next];
          if (c !== undefined && dayIndex.get(c.date) === i) {
            balance += c.qty;
            if (c.dispenseRows > 0) lastDispensed = i;
            next += 1;
          }
          if (!used) continue;
          inFormulary = true;
          if (balance <= 0) outDates.push(days[i]);
        }
        return { drugId, outDates, inFormulary };
      })
      .filter((p) => p.inFormulary);
    return {
      ...s,
      formularyDrugs: perDrug.length,
      drugsOut: perDrug.filter((p) => p.outDates.length > 0).length,
      stockoutDays: perDrug.reduce((a, p) => a + p.outDates.length, 0),
      perDrug,
    };
  });
}

/**
 * What the clinic stores dispensed: per month × store (amounts not zero) and the ten drugs dispensed most by amount
 * (ties by drug id). Closed months with stored figures from their facts, the others from the monthly totals — the
 * same sums: the facts were taken from those totals at the close.
 */
function dispensingOver(db: ReadDb, periods: string[], stored: Set<string>, facts: StoreDrugFact[], storeClinic: Map<number, unknown>) {
  const byStoreMonth = new Map<string, { period: string; storeId: number; amount: number }>();
  const byDrug = new Map<number, { qty: number; amount: number }>();
  const add = (period: string, storeId: number, drugId: number, qty: number, amount: number) => {
    const key = `${period}:${storeId}`;
    const m = byStoreMonth.get(key);
    if (m) m.amount += amount;
    else byStoreMonth.set(key, { period, storeId, amount });
    const d = byDrug.get(drugId);
    if (d) {
      d.qty += qty;
      d.amount += amount;
    } else byDrug.set(drugId, { qty, amount });
  };
  for (const f of facts)
    if (storeClinic.has(f.storeId) && (f.dispensedQty !== 0 || f.dispensedAmount !== 0)) add(f.period, f.storeId, f.drugId, f.dispensedQty, f.dispensedAmount);
  const live = periods.filter((p) => !stored.has(p));
  if (live.length) {
    for (const r of selectRows<{ period: string; storeId: number; drugId: number; qty: number; amount: number }>(
      db,
      query`SELECT period, store_id AS storeId, drug_id AS drugId, -qty AS qty, -amount AS amount FROM stock_period_totals
        WHERE movement = 'dispense' AND period IN ${query.in(live)}`,
    ))
      if (storeClinic.has(r.storeId)) add(r.period, r.storeId, r.drugId, r.qty, r.amount);
  }
  const dispensed = [...byStoreMonth.values()]
    .filter((m) => m.amount !== 0)
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.storeId - b.storeId));
  const top = [...byDrug]
    .filter(([, d]) => d.amount > 0)
    .sort((a, b) => b[1].amount - a[1].amount || a[0] - b[0])
    .slice(0, 10);
  const names = new Map(
    selectRows<{ drugId: number; name: string; spec: string; baseUnit: string }>(
      db,
      query`SELECT id AS drugId, generic_name AS name, spec, base_unit AS baseUnit FROM drugs WHERE id IN ${query.in(top.map(([id]) => id))}`,
    ).map((d) => [d.drugId, d]),
  );
  const topDrugs = top.map(([drugId, d]) => ({ ...names.get(drugId)!, amount: d.amount, qty: d.qty }));
  return { dispensed, topDrugs };
}

/** The range's months in contiguous runs of those without stored figures, as date spans within [first, last]. */
function liveSpans(periods: string[], stored: Set<string>, first: string, last: string): { first: string; last: string }[] {
  const spans: { first: string; last: string }[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const span = { first: maxDate(periodBounds(run[0]).first, first), last: minDate(periodBounds(run.at(-1)!).last, last) };
    if (span.first <= span.last) spans.push(span);
    run = [];
  };
  for (const p of periods) {
    if (stored.has(p)) flush();
    else run.push(p);
  }
  flush();
  return spans;
}

/** The closed months of the range whose store × drug figures are stored (month-facts/). */
function storedFigureMonths(db: ReadDb, periods: string[]): Set<string> {
  const latest = latestClosedPeriod(db);
  return latest === null
    ? new Set()
    : validMonths(
        db,
        'figures',
        periods.filter((p) => p <= latest),
      );
}

const groupOfFact = (f: StoreDrugFact, clinicId: number | null): PurchaseGroup => ({
  clinicId,
  period: f.period,
  drugId: f.drugId,
  insuranceClass: f.insuranceClass,
  vbp: f.vbp,
  referencePrice: f.referencePrice,
  packSize: f.packSize,
  qty: f.purchasedQty,
  amount: f.purchasedAmount,
});

export function supervisionDashboard(ctx: ReadContext, input: ParsedInput<'supervision.dashboard'>) {
  assertStoresBookVisible(ctx, 'all', SUPERVISION_READS_BOOK);
  const db = ctx.db;
  const clinicId = input.clinicId ?? null;
  const { first, last } = rangeOf(input, ctx.today);
  const periods = periodsBetween(input.from, input.to);
  const clinics = clinicStoreList(db, clinicId);
  const head = (c: { clinicId: number; code: string; name: string }) => ({ clinicId: c.clinicId, clinicCode: c.code, clinicName: c.name });
  const storeClinic = new Map(clinics.map((c) => [c.storeId, c]));

  // Closed months from their facts, the others (the open month, months without facts) live.
  const storedMonths = storedFigureMonths(db, periods);
  const spans = liveSpans(periods, storedMonths, first, last);
  const facts = readStoreDrugFacts(db, [...storedMonths]);
  const hub = facts.length ? hubStoreId(db) : null;
  const main = facts.filter((f) => f.purchased && (clinicId === null ? f.storeId === hub : storeClinic.has(f.storeId))).map((f) => groupOfFact(f, clinicId));
  const deliveries = facts.filter((f) => f.purchased && storeClinic.has(f.storeId)).map((f) => groupOfFact(f, storeClinic.get(f.storeId)!.clinicId));
  const perStore = new Map(clinics.map((c) => [c.storeId, { formulary: new Set<number>(), out: new Set<number>(), days: 0 }]));
  const addStockout = (storeId: number, drugId: number, days: number) => {
    const s = perStore.get(storeId);
    if (!s) return;
    s.formulary.add(drugId);
    if (days > 0) s.out.add(drugId);
    s.days += days;
  };
  for (const f of facts) if (f.inFormulary) addStockout(f.storeId, f.drugId, f.stockoutDays);
  // The live months' ledger, read once for the stock-out walk and the rules below.
  const live = new LiveDays(db);
  for (const span of spans) {
    main.push(...purchaseGroups(db, span.first, span.last, clinicId));
    deliveries.push(...deliveryGroups(db, span.first, span.last, clinicId));
    for (const s of stockoutDays(db, clinicId, span.first, span.last, { live })) for (const d of s.perDrug) addStockout(s.storeId, d.drugId, d.outDates.length);
  }
  const byMonth = groupBy(main, (g) => g.period);
  const perClinic = groupBy(deliveries, (g) => g.clinicId);
  const stockouts = clinics.map((c) => {
    const s = perStore.get(c.storeId)!;
    return { ...c, formularyDrugs: s.formulary.size, drugsOut: s.out.size, stockoutDays: s.days };
  });

  const before = nearExpiryLimit(ctx.today);
  // The live balances only, also for one clinic's store (its primary key would walk every lot it ever held).
  const expiringFilters = query.where([
    query`b.qty > 0`,
    query`l.expiry_date <= ${before}`,
    query`s.kind <> 'transit'`,
    ...given(clinicId, (id) => query`s.clinic_id = ${id}`),
  ]);
  const expiring = selectRows<{
    storeId: number;
    storeName: string;
    clinicId: number | null;
    lots: number;
    value: number;
    expiredValue: number;
  }>(
    db,
    query`SELECT s.id AS storeId, s.name AS storeName, s.clinic_id AS clinicId, count(*) AS lots, sum(b.value) AS value,
            sum(CASE WHEN l.expiry_date < ${ctx.today} THEN b.value ELSE 0 END) AS expiredValue
       FROM stock_balances b INDEXED BY stock_balances_live JOIN lots l ON l.id = b.lot_id JOIN stores s ON s.id = b.store_id
      ${expiringFilters}
      GROUP BY s.id ORDER BY s.clinic_id IS NOT NULL, s.id`,
  );

  const { dispensed, topDrugs } = dispensingOver(db, periods, storedMonths, facts, storeClinic);

  const acc = clinicAccuracy(db, { from: input.from, to: input.to, clinicId });
  const clinicRows = acc.rows.filter((r) => r.clinicId !== null);

  // Counted by rule here: the list and the detail look up each signal's ledger rows.
  const signals = signalsOver(db, { from: first, to: last, clinicId, live, evidence: false });
  const dismissed = dismissalsOf(
    db,
    signals.map((s) => s.fingerprint),
  );
  const active = signals.filter((s) => statusOf(s, dismissed.get(s.fingerprint)) !== 'dismissed');

  return {
    from: input.from,
    to: input.to,
    factMonths: [...storedMonths].sort(),
    basis: clinicId === null ? ('receipts' as const) : ('deliveries' as const),
    insurance: {
      months: periods.map((period) => ({ period, ...share(byMonth.get(period) ?? []) })),
      clinics: clinics.map((c) => ({ ...head(c), ...share(perClinic.get(c.clinicId) ?? []) })),
      total: share(main),
    },
    vbp: {
      months: periods.map((period) => ({ period, ...vbpOf(byMonth.get(period) ?? []) })),
      clinics: clinics.map((c) => ({ ...head(c), ...vbpOf(perClinic.get(c.clinicId) ?? []) })),
      total: vbpOf(main),
    },
    stockouts: {
      from: first,
      to: last,
      clinics: stockouts.map((s) => ({ ...head(s), storeId: s.storeId, formularyDrugs: s.formularyDrugs, drugsOut: s.drugsOut, stockoutDays: s.stockoutDays })),
    },
    nearExpiry: { before, stores: expiring },
    consumption: {
      months: dispensed.map((r) => ({ period: r.period, clinicId: storeClinic.get(r.storeId)!.clinicId, amount: r.amount })),
      clinics: clinics.map((c) => ({
        ...head(c),
        storeId: c.storeId,
        amount: dispensed.filter((r) => r.storeId === c.storeId).reduce((a, r) => a + r.amount, 0),
      })),
      topDrugs,
    },
    accuracy: {
      months: periods.map((period) => {
        let counted = 0;
        let matched = 0;
        for (const r of clinicRows) {
          const m = r.months.find((x) => x.period === period)!;
          counted += m.countedLines;
          matched += m.matchedLines;
        }
        return {
          period,
          countedLines: counted,
          matchedLines: matched,
          matchRateBp: counted === 0 ? null : Math.floor((matched * 20000 + counted) / (2 * counted)),
        };
      }),
      stores: acc.rows.map((r) => ({
        storeId: r.storeId,
        storeName: r.storeName,
        clinicId: r.clinicId,
        stocktakes: r.total.stocktakes,
        countedLines: r.total.countedLines,
        matchedLines: r.total.matchedLines,
        matchRateBp: r.total.matchRateBp,
        shortageAmount: r.total.shortageAmount,
      })),
    },
    signals: {
      open: active.length,
      byRule: RULE_KEYS.map((key) => ({ key, title: RULE_TITLES[key], open: active.filter((s) => s.ruleKey === key).length })),
    },
    storageLog: {
      from: first,
      to: last,
      clinics: clinicLogFigures(db, clinics, periods, first, last, ctx.today).map((f, i) => ({ ...head(clinics[i]), ...f })),
    },
  };
}
