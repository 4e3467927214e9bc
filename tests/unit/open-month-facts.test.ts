import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { sql, type WriteDb } from '../../electron/db/database';
import { monthFactsSettled } from '../../electron/domain/month-facts/background';
import { refillMonthFacts } from '../../electron/domain/month-facts/compute';
import { validMonths } from '../../electron/domain/month-facts/store';
import { balancesAtStart } from '../../electron/domain/settlement/balances';
import { stockoutDays } from '../../electron/domain/supervision/dashboard';
import { clinicStoreList, dayMovements, mondayOf, weeklyDispensing } from '../../electron/domain/supervision/data';
import { addDays, daysBetween, periodOf } from '../../shared/dates';
import { Runtime } from '../../electron/runtime';
import { generateHub, noonClock, type HubParams } from '../../electron/tools/bench/generate';
import { tempDir } from '../helpers/runtime';

/**
 * The open month is computed live, but its day-by-day walks look back over closed months (the stock-out walk from
 * the first of the month 90 days back, the spike rule 12 weeks before its first week): those months come from
 * their stored days (migration 0024). Every figure of the open month's screens must be what the ledger alone
 * gives, and the stored days must really be what is read.
 */

const params: HubParams = { clinics: 2, start: '2026-04-20', end: '2026-10-10', linesPerClinicDay: 8, drugs: 40, formulary: 15, seed: 24 };
const dirs: string[] = [];
let runtime: Runtime;

beforeAll(async () => {
  const dir = tempDir('santong-open-month-');
  dirs.push(dir);
  await generateHub(dir, params);
  runtime = new Runtime({ dataDir: dir, clock: noonClock(params.end), validateOutputs: true }, 'main', { recoveryMode: false });
  const db = runtime.app.db;
  const ctx = { db, now: runtime.app.clock.now(), today: params.end, user: null as never, optionalUser: null };
  db.transaction(() => refillMonthFacts(ctx, 120, ctx.now.toISOString()))();
}, 300_000);

afterAll(async () => {
  runtime?.close();
  await monthFactsSettled();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const sortSignals = <T extends { fingerprint: string; periodTo: string }>(rows: T[]) =>
  [...rows].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.periodTo < b.periodTo ? -1 : 1));

/** The open month's screens: the dashboard over it alone and over three months, its signals, its drill-down and its checks. */
async function openMonthScreens(client: InternalClient, clinicId: number) {
  const out: Record<string, unknown> = {};
  for (const [label, input] of [
    ['dashboard open month', { from: '2026-10', to: '2026-10' }],
    ['dashboard 3 months', { from: '2026-08', to: '2026-10' }],
    ['dashboard one clinic', { from: '2026-08', to: '2026-10', clinicId }],
  ] as const) {
    const { factMonths: _months, ...figures } = await client.call('supervision.dashboard', input);
    out[label] = figures;
  }
  for (const [label, input] of [
    ['signals open month', { from: '2026-10-01', to: params.end, status: 'all' }],
    ['signals 3 months', { from: '2026-08-01', to: params.end, status: 'all' }],
    ['signals one clinic', { from: '2026-08-01', to: params.end, clinicId, status: 'all' }],
  ] as const) {
    const s = await client.call('supervision.signals', input);
    out[label] = { ...s, rows: sortSignals(s.rows) };
  }
  out.stockout = await client.call('supervision.drilldown', { figure: 'stockout', from: '2026-10', to: '2026-10' });
  out.checks = await client.call('periods.checks', { period: '2026-10' });
  return out;
}

/** Runs `read` with the closed months' stored days and weeks set aside (every month from the ledger, as before 0024), then puts them back. */
async function withoutStoredDays<T>(db: WriteDb, read: () => Promise<T>): Promise<T> {
  const saved = sql(db, "SELECT * FROM month_fact_sets WHERE kind IN ('days', 'weeks')").all() as Record<string, unknown>[];
  sql(db, "DELETE FROM month_fact_sets WHERE kind IN ('days', 'weeks')").run();
  try {
    return await read();
  } finally {
    const put = sql(db, 'INSERT INTO month_fact_sets (period, kind, event_id, computed_at, params) VALUES (?, ?, ?, ?, ?)');
    for (const r of saved) put.run(r.period, r.kind, r.event_id, r.computed_at, r.params);
  }
}

/**
 * The stock-out walk as it was before 0024, day by day from the first of the month 90 days back, every delta read from
 * the ledger rows themselves: one store's drugs used in the range, with the days they stood at zero.
 */
function bruteStockout(db: WriteDb, storeId: number, first: string, last: string) {
  const histStart = `${periodOf(addDays(first, -90))}-01`;
  const opening = balancesAtStart(db, periodOf(histStart), storeId).balances.get(storeId);
  const rows = sql(
    db,
    `SELECT drug_id AS drugId, business_date AS date, qty, movement FROM ledger WHERE store_id = ? AND business_date BETWEEN ? AND ? ORDER BY drug_id, business_date`,
  ).all(storeId, histStart, last) as { drugId: number; date: string; qty: number; movement: string }[];
  const out: { drugId: number; outDates: string[]; inFormulary: boolean }[] = [];
  for (const drugId of [...new Set(rows.map((r) => r.drugId))]) {
    const mine = rows.filter((r) => r.drugId === drugId);
    if (!mine.some((r) => r.movement === 'dispense')) continue;
    let balance = opening?.get(drugId)?.qty ?? 0;
    let lastDispensed: string | null = null;
    let inFormulary = false;
    const outDates: string[] = [];
    for (let day = histStart; day <= last; day = addDays(day, 1)) {
      const used = lastDispensed !== null && daysBetween(lastDispensed, day) <= 90;
      for (const r of mine.filter((x) => x.date === day)) {
        balance += r.qty;
        if (r.movement === 'dispense') lastDispensed = day;
      }
      if (day < first || !used) continue;
      inFormulary = true;
      if (balance <= 0) outDates.push(day);
    }
    if (inFormulary) out.push({ drugId, outDates, inFormulary });
  }
  return out;
}

/** Each store × drug's dispensing by week from `from` (a Monday), from the ledger rows, weeks that net to zero left out. */
function bruteWeeks(db: WriteDb, stores: { storeId: number }[], from: string, to: string) {
  const out: { storeId: number; drugId: number; weeks: Record<number, number> }[] = [];
  for (const s of stores) {
    const rows = sql(
      db,
      "SELECT drug_id AS drugId, business_date AS date, qty FROM ledger WHERE store_id = ? AND movement = 'dispense' AND business_date BETWEEN ? AND ? ORDER BY drug_id",
    ).all(s.storeId, from, to) as { drugId: number; date: string; qty: number }[];
    for (const drugId of [...new Set(rows.map((r) => r.drugId))]) {
      const weeks: Record<number, number> = {};
      for (const r of rows.filter((x) => x.drugId === drugId)) {
        const w = Math.floor(daysBetween(from, r.date) / 7);
        weeks[w] = (weeks[w] ?? 0) - r.qty;
      }
      for (const w of Object.keys(weeks)) if (weeks[Number(w)] === 0) delete weeks[Number(w)];
      if (Object.keys(weeks).length) out.push({ storeId: s.storeId, drugId, weeks });
    }
  }
  return out;
}

/** The generated hub's closed months (it starts 2026-04-20 and stops on 2026-10-10, October open). */
const CLOSED_MONTHS = ['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09'];

describe('the open month read over stored days', () => {
  it('stores every closed month’s days, equal to the ledger’s sums of the same rows', () => {
    const db = runtime.app.db;
    expect(validMonths(db, 'days', CLOSED_MONTHS)).toEqual(new Set(CLOSED_MONTHS));
    // Brute force: the ledger's rows of the clinic stores, summed per store × drug × day in SQL of its own.
    const brute = sql(
      db,
      `SELECT g.store_id AS storeId, g.drug_id AS drugId, g.business_date AS date, sum(g.qty) AS qty,
              sum(CASE WHEN g.movement = 'dispense' THEN g.qty ELSE 0 END) AS dispensedQty, sum(g.movement = 'dispense') AS dispenseRows
         FROM ledger g JOIN stores s ON s.id = g.store_id AND s.kind = 'clinic'
        WHERE g.business_date BETWEEN '2026-06-15' AND '2026-10-10' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    ).all();
    const stores = clinicStoreList(db, null);
    const read = dayMovements(db, stores, '2026-06-15', '2026-10-10').sort((a, b) => a.storeId - b.storeId);
    expect(brute.length).toBeGreaterThan(100);
    expect(read).toEqual(brute);
    expect(dayMovements(db, stores, '2026-06-15', '2026-10-10', { ledgerOnly: true }).sort((a, b) => a.storeId - b.storeId)).toEqual(brute);
  });

  it('stores every closed month’s weeks: each ISO week’s dispensing on the month’s days, as the ledger sums them', () => {
    const db = runtime.app.db;
    expect(validMonths(db, 'weeks', CLOSED_MONTHS)).toEqual(new Set(CLOSED_MONTHS));
    const stored = sql(
      db,
      'SELECT period, store_id AS storeId, drug_id AS drugId, week_monday AS monday, dispensed_qty AS qty FROM month_week_facts ORDER BY 1, 2, 3, 4',
    ).all() as { period: string; storeId: number; drugId: number; monday: string; qty: number }[];
    const brute = new Map<string, number>();
    for (const r of sql(
      db,
      `SELECT g.period, g.store_id AS storeId, g.drug_id AS drugId, g.business_date AS date, g.qty FROM ledger g JOIN stores s ON s.id = g.store_id AND s.kind = 'clinic'
        WHERE g.movement = 'dispense' AND g.period BETWEEN '2026-04' AND '2026-09'`,
    ).all() as { period: string; storeId: number; drugId: number; date: string; qty: number }[]) {
      const key = `${r.period} ${r.storeId} ${r.drugId} ${mondayOf(r.date)}`;
      brute.set(key, (brute.get(key) ?? 0) - r.qty);
    }
    expect(stored.length).toBeGreaterThan(100);
    expect(new Map(stored.map((r) => [`${r.period} ${r.storeId} ${r.drugId} ${r.monday}`, r.qty]))).toEqual(brute);
    // A week across two months has a row in each, with that month's days only.
    expect(stored.some((r) => r.monday < `${r.period}-01`)).toBe(true);
  });

  it('walks the stock-out days and sums the weekly dispensing exactly as a day-by-day walk over the ledger does', () => {
    const db = runtime.app.db;
    const stores = clinicStoreList(db, null);
    for (const [first, last] of [
      ['2026-10-01', '2026-10-10'],
      ['2026-08-01', '2026-10-10'],
      ['2026-09-01', '2026-09-30'],
    ]) {
      const walked = stockoutDays(db, null, first, last).map((s) => ({ storeId: s.storeId, perDrug: s.perDrug }));
      expect(walked, `${first}…${last}`).toEqual(stores.map((s) => ({ storeId: s.storeId, perDrug: bruteStockout(db, s.storeId, first, last) })));
      expect(walked.some((s) => s.perDrug.some((d) => d.outDates.length > 0))).toBe(true);
    }
    const histFrom = '2026-07-06'; // a Monday, 12 weeks before October's first week
    const weekly = weeklyDispensing(db, stores, histFrom, params.end).map((r) => ({
      ...r,
      weeks: Object.fromEntries([...r.weeks].filter(([, q]) => q !== 0)),
    }));
    expect(weekly).toEqual(bruteWeeks(db, stores, histFrom, params.end));
    // Ranges the stored weeks cannot serve (not from a Monday; ending inside a closed month) read the days instead.
    for (const [from, to] of [
      ['2026-07-08', params.end],
      ['2026-07-06', '2026-09-16'],
      ['2026-05-04', '2026-08-31'],
    ]) {
      const read = weeklyDispensing(db, stores, from, to).map((r) => ({ ...r, weeks: Object.fromEntries([...r.weeks].filter(([, q]) => q !== 0)) }));
      expect(read, `${from}…${to}`).toEqual(bruteWeeks(db, stores, from, to));
    }
  });

  it('reads the closed months’ stored weeks: a stored week moves the weekly dispensing', () => {
    const db = runtime.app.db;
    const stores = clinicStoreList(db, null);
    const row = sql(
      db,
      "SELECT store_id AS storeId, drug_id AS drugId, week_monday AS monday FROM month_week_facts WHERE period = '2026-08' LIMIT 1",
    ).get() as {
      storeId: number;
      drugId: number;
      monday: string;
    };
    const weekOf = () =>
      weeklyDispensing(db, stores, '2026-07-06', params.end)
        .find((r) => r.storeId === row.storeId && r.drugId === row.drugId)
        ?.weeks.get(daysBetween('2026-07-06', row.monday) / 7);
    const before = weekOf();
    const bump = (d: number) =>
      sql(
        db,
        "UPDATE month_week_facts SET dispensed_qty = dispensed_qty + ? WHERE period = '2026-08' AND store_id = ? AND drug_id = ? AND week_monday = ?",
      ).run(d, row.storeId, row.drugId, row.monday);
    bump(1_000);
    try {
      expect(weekOf()).toBe((before ?? 0) + 1_000);
    } finally {
      bump(-1_000);
    }
  });

  it('shows on every open-month screen exactly what the ledger alone gives', async () => {
    const db = runtime.app.db;
    const pharmacist = InternalClient.asUser(runtime, 'yaoku');
    const clinicId = (sql(db, 'SELECT id FROM clinics ORDER BY id LIMIT 1').get() as { id: number }).id;
    const fromDays = await openMonthScreens(pharmacist, clinicId);
    const fromLedger = await withoutStoredDays(db, () => openMonthScreens(pharmacist, clinicId));
    expect(fromDays).toEqual(fromLedger);
    // The screens are not empty: the open month has stock-out days or signals, and its checks ran.
    const dash = fromDays['dashboard open month'] as { stockouts: { clinics: { formularyDrugs: number }[] } };
    expect(dash.stockouts.clinics.some((c) => c.formularyDrugs > 0)).toBe(true);
    // The dashboard counts the signals without their ledger rows: the same signals, rule by rule, as the list shows.
    const three = fromDays['dashboard 3 months'] as { signals: { open: number; byRule: { key: string; open: number }[] } };
    const listed = (fromDays['signals 3 months'] as { rows: { ruleKey: string; status: string }[] }).rows.filter((r) => r.status !== 'dismissed');
    expect(three.signals.open).toBe(listed.length);
    expect(three.signals.open).toBeGreaterThan(0);
    for (const r of three.signals.byRule) expect(r.open, r.key).toBe(listed.filter((x) => x.ruleKey === r.key).length);
  }, 300_000);

  it('reads the closed months’ stored days: a stored day moves the open month’s stock-out walk', async () => {
    const db = runtime.app.db;
    const pharmacist = InternalClient.asUser(runtime, 'yaoku');
    const before = await pharmacist.call('supervision.drilldown', { figure: 'stockout', from: '2026-10', to: '2026-10' });
    // A drug a clinic dispensed in September: a stored September day (read by the walk, which starts in July) that
    // takes a million base units off its balance leaves it at zero every day of October.
    const row = sql(
      db,
      `SELECT f.store_id AS storeId, f.drug_id AS drugId, f.business_date AS date FROM month_day_facts f
        WHERE f.period = '2026-09' AND f.dispense_rows > 0 ORDER BY f.store_id, f.drug_id, f.business_date LIMIT 1`,
    ).get() as { storeId: number; drugId: number; date: string };
    const bump = (d: number) =>
      sql(db, 'UPDATE month_day_facts SET qty = qty + ? WHERE period = ? AND store_id = ? AND drug_id = ? AND business_date = ?').run(
        d,
        '2026-09',
        row.storeId,
        row.drugId,
        row.date,
      );
    bump(-1_000_000);
    try {
      const after = await pharmacist.call('supervision.drilldown', { figure: 'stockout', from: '2026-10', to: '2026-10' });
      expect(after).not.toEqual(before);
    } finally {
      bump(1_000_000);
    }
  }, 300_000);
});
