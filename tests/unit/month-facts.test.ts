import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { generateDemoHub } from '../../electron/demo/generate';
import { sql, type ReadDb } from '../../electron/db/database';
import { monthFactsSettled } from '../../electron/domain/month-facts/background';
import { computeMonthFacts, refillMonthFacts, type MonthFacts } from '../../electron/domain/month-facts/compute';
import {
  readAccuracyFacts,
  readDayFacts,
  readWeekFacts,
  readExportFacts,
  readExportPreview,
  readPackageFacts,
  readSignalFacts,
  readStoreDrugFacts,
  signalKind,
  validMonths,
} from '../../electron/domain/month-facts/store';
import { latestClosedPeriod } from '../../electron/domain/stock/ledger';
import { Runtime } from '../../electron/runtime';
import { generateHub, noonClock, type HubParams } from '../../electron/tools/bench/generate';
import { chinaDate, nextPeriod, periodBounds } from '../../shared/dates';
import { RULE_KEYS } from '../../shared/supervision';
import { ManualClock, tempDir } from '../helpers/runtime';

/**
 * A closed month is a fact: what was stored at its close equals a fresh computation from the ledger, and
 * the screens read from the facts show exactly what they show computed live — on the demo hub (months
 * closed through the real handlers) and on a generated hub (facts filled after an upgrade), and again after
 * a reopen and re-close. A threshold change or a reopen removes exactly the sets it touches.
 */

const dirs: string[] = [];
afterAll(async () => {
  await monthFactsSettled();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function closedMonths(db: ReadDb): string[] {
  const latest = latestClosedPeriod(db);
  const first = (sql(db, 'SELECT min(period) AS p FROM stock_period_totals').get() as { p: string | null }).p;
  const out: string[] = [];
  if (latest === null || first === null) return out;
  for (let p = first; p <= latest; p = nextPeriod(p)) out.push(p);
  return out;
}

/** The facts stored for a month, in the shape a fresh computation returns. */
function storedFacts(db: ReadDb, period: string): MonthFacts {
  return {
    period,
    figures: readStoreDrugFacts(db, [period]),
    accuracy: readAccuracyFacts(db, [period]),
    days: readDayFacts(db, period, null, periodBounds(period).first, periodBounds(period).last),
    weeks: readWeekFacts(db, period, null, ''),
    signals: Object.fromEntries(
      RULE_KEYS.map((rule) => {
        const set = sql(db, 'SELECT params FROM month_fact_sets WHERE period = ? AND kind = ?').get(period, signalKind(rule)) as { params: string };
        const rows = readSignalFacts(db, rule, [period], period, null).map((r) => ({
          fingerprint: r.fingerprint,
          tail: r.tail,
          clinicId: r.clinicId,
          signal: r.signal,
        }));
        return [rule, { params: set.params, rows }];
      }),
    ) as MonthFacts['signals'],
    exportRows: readExportFacts(db, period).map(({ period: _p, ...r }) => r),
    exportPreview: readExportPreview(db, period) as MonthFacts['exportPreview'],
    // What the close saw for the prefecture package: compared in prefecture-facts.test.ts, not with a fresh computation.
    package: readPackageFacts(db, period),
  };
}

function expectEveryClosedMonthStoredAsComputed(runtime: Runtime, months: string[]) {
  const db = runtime.app.db;
  const now = runtime.app.clock.now();
  const ctx = { db, now, today: chinaDate(now), user: null as never, optionalUser: null };
  for (const p of months) {
    for (const kind of ['figures', 'accuracy', 'export', 'days', 'weeks', ...RULE_KEYS.map(signalKind)])
      expect(validMonths(db, kind as never, [p]).has(p), `${p} ${kind}`).toBe(true);
    const stored = storedFacts(db, p);
    const fresh = computeMonthFacts(ctx, p);
    expect(stored.figures, p).toEqual(fresh.figures);
    expect(stored.accuracy, p).toEqual(fresh.accuracy);
    expect(stored.days, p).toEqual(fresh.days);
    expect(stored.weeks, p).toEqual(fresh.weeks);
    expect(stored.signals, p).toEqual(fresh.signals);
    expect(stored.exportRows, p).toEqual(fresh.exportRows);
    expect(stored.exportPreview, p).toEqual(JSON.parse(JSON.stringify(fresh.exportPreview)));
  }
}

const sortSignals = <T extends { fingerprint: string; periodTo: string }>(rows: T[]) =>
  [...rows].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.periodTo < b.periodTo ? -1 : 1));

/** Every screen the facts serve, over ranges of closed months (ending in a closed month, and running into the open one). */
async function screens(client: InternalClient, months: string[], today: string, clinicId: number) {
  const out: unknown[] = [];
  const ranges: [string, string][] = [];
  for (let i = 0; i < months.length; i++) ranges.push([months[Math.max(0, i - 2)], months[i]]);
  const open = nextPeriod(months.at(-1)!);
  ranges.push([months[Math.max(0, months.length - 2)], open]);
  // The dashboard says which months it read from facts; everything else must be the same.
  const dashboard = async (input: { from: string; to: string; clinicId?: number }) => {
    const { factMonths: _months, ...figures } = await client.call('supervision.dashboard', input);
    return figures;
  };
  for (const [from, to] of ranges) {
    out.push(await dashboard({ from, to }));
    out.push(await dashboard({ from, to, clinicId }));
    const last = to === open ? today : periodBounds(to).last;
    const signals = await client.call('supervision.signals', { from: periodBounds(from).first, to: last, status: 'all' });
    out.push({ ...signals, rows: sortSignals(signals.rows) });
    const one = await client.call('supervision.signals', { from: periodBounds(from).first, to: last, clinicId, status: 'all' });
    out.push({ ...one, rows: sortSignals(one.rows) });
  }
  for (const period of months) out.push(await client.call('insuranceExport.preview', { period }));
  return out;
}

async function expectScreensFromFactsEqualLive(runtime: Runtime, client: InternalClient, months: string[], today: string) {
  const db = runtime.app.db;
  const clinicId = (sql(db, 'SELECT id FROM clinics ORDER BY id LIMIT 1').get() as { id: number }).id;
  const fromFacts = await screens(client, months, today, clinicId);
  // The same screens with no facts at all: every month computed from the ledger, as before migration 0016.
  const saved = sql(db, 'SELECT * FROM month_fact_sets').all() as Record<string, unknown>[];
  db.exec('DELETE FROM month_fact_sets');
  const live = await screens(client, months, today, clinicId);
  const put = sql(db, 'INSERT INTO month_fact_sets (period, kind, event_id, computed_at, params) VALUES (?, ?, ?, ?, ?)');
  for (const r of saved) put.run(r.period, r.kind, r.event_id, r.computed_at, r.params);
  expect(fromFacts).toEqual(live);
}

describe('month facts on the demo hub', () => {
  let runtime: Runtime;
  let clock: ManualClock;
  beforeAll(async () => {
    const dir = tempDir();
    dirs.push(dir);
    clock = new ManualClock(new Date('2026-11-20T03:00:00.000Z'));
    runtime = new Runtime({ dataDir: dir, demo: true, clock, validateOutputs: true });
    await generateDemoHub(runtime, { clinics: 3, purchasingWeeks: 8 });
    await monthFactsSettled(); // each close computed its months' facts on a worker thread once it had committed
  }, 400_000);
  afterAll(() => runtime.close());

  it('stores at each close what a fresh computation finds, and the screens read from it show what they show live', async () => {
    const db = runtime.app.db;
    const months = closedMonths(db);
    expect(months.length).toBeGreaterThanOrEqual(2);
    expectEveryClosedMonthStoredAsComputed(runtime, months);
    const director = InternalClient.asUser(runtime, 'caiwu');
    // The facts are not empty: the demo's closed months have purchases, stock-outs or signals to show.
    expect(readStoreDrugFacts(db, months).some((f) => f.purchasedAmount > 0)).toBe(true);
    await expectScreensFromFactsEqualLive(runtime, director, months, '2026-11-20');
  }, 300_000);

  it('a threshold change removes that rule’s signal sets only, and the screens follow the new threshold', async () => {
    const db = runtime.app.db;
    const months = closedMonths(db);
    const admin = InternalClient.asUser(runtime, 'admin');
    await admin.call('supervision.setThresholds', { ruleKey: 'spike', values: { minQty: 1 } });
    for (const p of months) {
      expect(validMonths(db, signalKind('spike'), [p]).has(p)).toBe(false);
      expect(validMonths(db, signalKind('exceed'), [p]).has(p)).toBe(true);
      expect(validMonths(db, 'figures', [p]).has(p)).toBe(true);
    }
    expect(sql(db, "SELECT count(*) AS n FROM month_signal_facts WHERE rule_key = 'spike'").get()).toEqual({ n: 0 });
    // Refilled on the month-facts worker once the change committed, the stored signals are those of the new threshold.
    await monthFactsSettled();
    for (const p of months) expect(validMonths(db, signalKind('spike'), [p]).has(p)).toBe(true);
    expectEveryClosedMonthStoredAsComputed(runtime, months);
    await expectScreensFromFactsEqualLive(runtime, InternalClient.asUser(runtime, 'caiwu'), months, '2026-11-20');
    await admin.call('supervision.setThresholds', { ruleKey: 'spike', values: { minQty: null } });
    await monthFactsSettled();
  }, 300_000);

  it('a reopen removes the reopened month’s facts only; the re-close stores them again, equal to a fresh computation', async () => {
    const db = runtime.app.db;
    const months = closedMonths(db);
    const latest = months.at(-1)!;
    const earlier = months.slice(0, -1);
    const admin = InternalClient.asUser(runtime, 'admin');
    refillMonthFacts({ db, now: clock.now(), today: '2026-11-20', user: null as never, optionalUser: null }, 120, clock.now().toISOString());
    const before = earlier.map((p) => storedFacts(db, p));
    await admin.call('periods.reopen', { period: latest, reason: '补录漏记的用药登记' });
    expect(sql(db, 'SELECT count(*) AS n FROM month_fact_sets WHERE period = ?').get(latest)).toEqual({ n: 0 });
    expect(sql(db, 'SELECT count(*) AS n FROM month_store_drug_facts WHERE period = ?').get(latest)).toEqual({ n: 0 });
    expect(earlier.map((p) => storedFacts(db, p))).toEqual(before);
    const finance = InternalClient.asUser(runtime, 'caiwu');
    await finance.call('periods.close', { period: latest, acknowledgeWarnings: true, note: '补录后重新结账' });
    expect(validMonths(db, 'figures', [latest]).size).toBe(0); // the close itself stores nothing: its worker does, after the commit
    await monthFactsSettled();
    expectEveryClosedMonthStoredAsComputed(runtime, months);
    await expectScreensFromFactsEqualLive(runtime, finance, months, '2026-11-20');
  }, 300_000);
});

describe('month facts on a generated hub', () => {
  it('fills the closed months of an upgraded hub with facts equal to a fresh computation, read back as the live screens', async () => {
    const dir = tempDir('santong-facts-');
    dirs.push(dir);
    const params: HubParams = { clinics: 2, start: '2026-05-20', end: '2026-10-10', linesPerClinicDay: 8, drugs: 40, formulary: 15, seed: 11 };
    await generateHub(dir, params);
    const runtime = new Runtime({ dataDir: dir, clock: noonClock(params.end), validateOutputs: true }, 'main', { recoveryMode: false });
    try {
      const db = runtime.app.db;
      const months = closedMonths(db);
      expect(months).toEqual(['2026-05', '2026-06', '2026-07', '2026-08', '2026-09']);
      expect(sql(db, 'SELECT count(*) AS n FROM month_fact_sets').get()).toEqual({ n: 0 }); // the generator closes months as an older version did
      const ctx = { db, now: runtime.app.clock.now(), today: params.end, user: null as never, optionalUser: null };
      expect(db.transaction(() => refillMonthFacts(ctx, 2, ctx.now.toISOString()))()).toEqual(['2026-09', '2026-08']); // newest first, within its budget
      expect(db.transaction(() => refillMonthFacts(ctx, 120, ctx.now.toISOString()))()).toEqual(['2026-07', '2026-06', '2026-05']);
      expectEveryClosedMonthStoredAsComputed(runtime, months);
      await expectScreensFromFactsEqualLive(runtime, InternalClient.asUser(runtime, 'yaoku'), months, params.end);

      // The closed months' figures really come from the facts: a stored fen shows on the screen.
      const pharmacist = InternalClient.asUser(runtime, 'yaoku');
      const before = await pharmacist.call('supervision.dashboard', { from: '2026-08', to: '2026-10' });
      const hub = (sql(db, "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
      const row = sql(db, "SELECT drug_id AS drugId FROM month_store_drug_facts WHERE period = '2026-08' AND store_id = ? AND purchased = 1 LIMIT 1").get(
        hub,
      ) as {
        drugId: number;
      };
      const bump = (d: number) =>
        sql(db, "UPDATE month_store_drug_facts SET purchased_amount = purchased_amount + ? WHERE period = '2026-08' AND store_id = ? AND drug_id = ?").run(
          d,
          hub,
          row.drugId,
        );
      bump(1);
      const after = await pharmacist.call('supervision.dashboard', { from: '2026-08', to: '2026-10' });
      bump(-1);
      expect(after.insurance.total.amount).toBe(before.insurance.total.amount + 1);
      expect(after.factMonths).toEqual(['2026-08', '2026-09']); // October is open: computed live

      const admin = InternalClient.asUser(runtime, 'admin');
      await admin.call('periods.reopen', { period: '2026-09', reason: '核对配送单' });
      expect(validMonths(db, 'figures', months)).toEqual(new Set(months.slice(0, -1)));
      await InternalClient.asUser(runtime, 'caiwu').call('periods.close', { period: '2026-09', acknowledgeWarnings: true, note: '重新结账' });
      await monthFactsSettled();
      expectEveryClosedMonthStoredAsComputed(runtime, months);
      await expectScreensFromFactsEqualLive(runtime, InternalClient.asUser(runtime, 'yaoku'), months, params.end);
    } finally {
      runtime.close();
    }
  }, 300_000);
});
