/**
 * Every screen a hub opens, timed once on each hub (and once more with the pages in memory): not the
 * issue's targets, a sweep that finds the screens whose cost grows with the years kept. It found the
 * 用药登记 list scanning every entry ever made, and the supervision screens reading ten years of a store's
 * ledger (BENCHMARKS.md).
 */
import { InternalClient } from '../../api/internal';
import { sql } from '../../db/database';
import { Runtime } from '../../runtime';
import { addMonths, chinaDate, periodOf, previousPeriod } from '../../../shared/dates';
import { refillMonthFacts } from '../../domain/month-facts/compute';
import type { MethodName } from '../../../shared/contract';
import type { CachedHub } from './hubs';
import { noonClock } from './generate';
import { round, stats } from './measure';

interface Screen {
  label: string;
  as: 'pharmacist' | 'admin';
  method: MethodName;
  input: Record<string, unknown>;
}

function screensOf(runtime: Runtime, end: string): Screen[] {
  const db = runtime.app.readDb;
  const c = sql(
    db,
    "SELECT c.id AS clinicId, s.id AS storeId FROM clinics c JOIN stores s ON s.clinic_id = c.id AND s.kind = 'clinic' ORDER BY c.id LIMIT 1",
  ).get() as {
    clinicId: number;
    storeId: number;
  };
  const drugId = (sql(db, 'SELECT drug_id AS id FROM stock_balances WHERE store_id = ? AND qty > 0 ORDER BY drug_id LIMIT 1').get(c.storeId) as { id: number })
    .id;
  const supplierId = (sql(db, 'SELECT id FROM suppliers ORDER BY id LIMIT 1').get() as { id: number }).id;
  const hubStore = (sql(db, "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
  const period = periodOf(end);
  const from = periodOf(addMonths(end, -2));
  const clinic = { clinicId: c.clinicId };
  const s = (label: string, method: MethodName, input: Record<string, unknown>, as: Screen['as'] = 'pharmacist'): Screen => ({ label, as, method, input });
  return [
    s('workbench.todos', 'workbench.todos', {}),
    s('dispensing.list (all clinics, today)', 'dispensing.list', { from: end, to: end, limit: 50 }),
    s('dispensing.list (one clinic, today)', 'dispensing.list', { ...clinic, from: end, to: end, limit: 50 }),
    s('deliveries.list', 'deliveries.list', { limit: 50 }),
    s('deliveries.pending', 'deliveries.pending', {}),
    s('receipts.list', 'receipts.list', { limit: 100 }),
    s('receipts.list (one supplier)', 'receipts.list', { supplierId, limit: 100 }),
    s('returns.list', 'returns.list', {}),
    s('writeoffs.list', 'writeoffs.list', {}),
    s('stocktakes.list', 'stocktakes.list', {}),
    s('stocktakes.accuracy (3 months)', 'stocktakes.accuracy', { from, to: period }),
    s('stock.lots', 'stock.lots', { storeId: c.storeId, drugId }),
    s('stock.onHand (hub, all)', 'stock.onHand', { storeId: hubStore, filter: 'all' }),
    s('stock.onHand (one clinic)', 'stock.onHand', { storeId: c.storeId }),
    s('stock.card (one clinic, 3 months)', 'stock.card', { storeId: c.storeId, drugId, from: `${from}-01`, to: end }),
    s('stock.watchList (one clinic)', 'stock.watchList', { storeId: c.storeId }),
    s('stock.alerts (one clinic)', 'stock.alerts', { storeId: c.storeId }),
    s('requisitions.list', 'requisitions.list', {}),
    s('requisitions.stockInfo', 'requisitions.stockInfo', { ...clinic, drugIds: [drugId] }),
    s('orders.list', 'orders.list', {}),
    s('catalog.list', 'catalog.list', {}),
    s('statements.hub', 'statements.hub', { period }),
    s('statements.clinics', 'statements.clinics', { period }),
    s('statements.suppliers', 'statements.suppliers', { period }),
    s('statements.supplier', 'statements.supplier', { supplierId, period }),
    s('gsp.acceptanceRecords (month)', 'gsp.acceptanceRecords', { period }),
    s('quarantine.list', 'quarantine.list', {}),
    s('reconciliation.overview', 'reconciliation.overview', { period }),
    s('prefecture.months', 'prefecture.months', {}),
    s('payments.list', 'payments.list', { period }),
    s('periods.checks', 'periods.checks', { period }),
    s('audit.list', 'audit.list', {}, 'admin'),
    s('insuranceExport.preview (month)', 'insuranceExport.preview', { period }, 'admin'),
    s('insuranceExport.preview (closed month)', 'insuranceExport.preview', { period: previousPeriod(period) }, 'admin'),
    s('supervision.dashboard (3 months)', 'supervision.dashboard', { from, to: period }),
    s('supervision.dashboard (one clinic)', 'supervision.dashboard', { from, to: period, ...clinic }),
    s('supervision.signals (3 months)', 'supervision.signals', { from: `${from}-01`, to: end }),
    s('supervision.signals (one clinic)', 'supervision.signals', { from: `${from}-01`, to: end, ...clinic }),
    s('supervision.drilldown stockout', 'supervision.drilldown', { figure: 'stockout', from, to: period }),
    s('supervision.drilldown consumption', 'supervision.drilldown', { figure: 'consumption', from, to: period }),
  ];
}

interface Opened {
  runtime: Runtime;
  clients: Record<Screen['as'], InternalClient>;
  screens: Screen[];
}

function open(hub: CachedHub): Opened {
  const runtime = new Runtime({ dataDir: hub.dir, clock: noonClock(hub.params.end) }, 'main', { recoveryMode: false });
  return {
    runtime,
    clients: { pharmacist: InternalClient.asUser(runtime, 'yaoku'), admin: InternalClient.asUser(runtime, 'admin') },
    screens: screensOf(runtime, hub.params.end),
  };
}

async function timeCall(o: Opened, screen: Screen): Promise<number> {
  const t0 = process.hrtime.bigint();
  // as never: the screen table pairs each method with its input by hand; the server validates it.
  await o.clients[screen.as].call(screen.method, screen.input as never);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const FACT_TABLES = [
  'month_fact_sets',
  'month_store_drug_facts',
  'month_accuracy_facts',
  'month_signal_facts',
  'month_export_facts',
  'month_export_previews',
  'month_day_facts',
  'month_week_facts',
];

/** A hub as the generator left it: closed months without facts (as a hub upgraded from before migration 0016). */
function clearFacts(o: Opened): void {
  const db = o.runtime.app.db;
  db.transaction(() => {
    for (const t of FACT_TABLES) db.exec(`DELETE FROM ${t}`);
  })();
}

/** The month facts of the last `months` closed months, as their closes compute them: ms per month. */
function fillFacts(o: Opened, months: number): number {
  const db = o.runtime.app.db;
  const now = o.runtime.app.clock.now();
  // as never: the facts are computed by no user (as on a close's worker); nothing under refillMonthFacts reads ctx.user.
  const ctx = { db, now, today: chinaDate(now), user: null as never, optionalUser: null };
  const t0 = process.hrtime.bigint();
  const filled = db.transaction(() => refillMonthFacts(ctx, months, now.toISOString()))();
  return Number(process.hrtime.bigint() - t0) / 1e6 / Math.max(filled.length, 1);
}

type Times = Record<string, Record<'10y' | '1y' | '10y_again' | '1y_again' | '10y_p95' | '1y_p95', number | null>>;

/** Every screen `reps` times on each hub, alternating: the first call (cold), the next one, and the p95 of all. */
async function sweep(a: Opened, b: Opened, reps: number, log: (s: string) => void): Promise<Times> {
  const out: Times = {};
  log(
    `  ${'screen'.padEnd(40)} ${'10y'.padStart(9)} ${'1y'.padStart(9)}   again: ${'10y'.padStart(9)} ${'1y'.padStart(9)}   p95: ${'10y'.padStart(9)} ${'1y'.padStart(9)} ms`,
  );
  for (let i = 0; i < a.screens.length; i++) {
    const [sa, sb] = [a.screens[i], b.screens[i]];
    const big: number[] = [];
    const small: number[] = [];
    for (let r = 0; r < reps; r++) {
      big.push(await timeCall(a, sa));
      small.push(await timeCall(b, sb));
    }
    const [pb, ps] = [stats(big).p95, stats(small).p95];
    out[sa.label] = {
      '10y': round(big[0]),
      '1y': round(small[0]),
      '10y_again': round(big[1]),
      '1y_again': round(small[1]),
      '10y_p95': round(pb),
      '1y_p95': round(ps),
    };
    const f = (x: number) => x.toFixed(1).padStart(9);
    log(`  ${sa.label.padEnd(40)} ${f(big[0])} ${f(small[0])}          ${f(big[1])} ${f(small[1])}        ${f(pb)} ${f(ps)}`);
  }
  return out;
}

const slowestOf = (t: Times) => Object.entries(t).sort((x, y) => (y[1]['10y_p95'] ?? 0) - (x[1]['10y_p95'] ?? 0))[0];

/**
 * Before and after month facts in one run, on the same hubs: every screen with the closed months computed
 * live (as before migration 0016), then the last three closed months' facts computed as their closes would
 * (timed: what a close adds), then every screen again reading them.
 */
export async function runScreenSweep(big: CachedHub, small: CachedHub, opts: { log: (s: string) => void; reps?: number }) {
  const reps = Math.max(2, opts.reps ?? 5);
  const a = open(big);
  const b = open(small);
  try {
    clearFacts(a);
    clearFacts(b);
    opts.log(`  before: closed months computed live (${reps} calls each)`);
    const before = await sweep(a, b, reps, opts.log);
    const factMs = { big: fillFacts(a, 3), small: fillFacts(b, 3) };
    opts.log(`  month facts of the last 3 closed months: ${factMs.big.toFixed(0)} ms per month (10y), ${factMs.small.toFixed(0)} ms (1y)`);
    opts.log(`  after: closed months from their facts (${reps} calls each)`);
    const after = await sweep(a, b, reps, opts.log);
    const [slowName, slow] = slowestOf(after);
    const [slowBeforeName, slowBefore] = slowestOf(before);
    return {
      screens: after,
      screens_before_facts: before,
      screen_p95_max_ms: slow['10y_p95'],
      screen_p95_max_screen: slowName,
      screen_p95_max_ms_before_facts: slowBefore['10y_p95'],
      screen_p95_max_screen_before_facts: slowBeforeName,
      month_facts_ms_per_month_10y: round(factMs.big),
      month_facts_ms_per_month_1y: round(factMs.small),
      screen_slowest_10y: { screen: slowName, ms: slow['10y_p95'] },
    };
  } finally {
    a.runtime.close();
    b.runtime.close();
  }
}
