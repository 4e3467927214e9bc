/**
 * Every screen a hub opens, timed once on each hub (and once more with the pages in memory): not the
 * issue's targets, a sweep that finds the screens whose cost grows with the years kept. It found the
 * 用药登记 list scanning every entry ever made, and the supervision screens reading ten years of a store's
 * ledger (BENCHMARKS.md).
 */
import { InternalClient } from '../../api/internal';
import { sql } from '../../db/database';
import { Runtime } from '../../runtime';
import { addMonths, periodOf } from '../../../shared/dates';
import type { MethodName } from '../../../shared/contract';
import type { CachedHub } from './hubs';
import { noonClock } from './generate';
import { round } from './measure';

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
    s('stock.alerts (one clinic)', 'stock.alerts', { storeId: c.storeId }),
    s('requisitions.list', 'requisitions.list', {}),
    s('requisitions.stockInfo', 'requisitions.stockInfo', { ...clinic, drugIds: [drugId] }),
    s('orders.list', 'orders.list', {}),
    s('catalog.list', 'catalog.list', {}),
    s('statements.hub', 'statements.hub', { period }),
    s('statements.clinics', 'statements.clinics', { period }),
    s('statements.suppliers', 'statements.suppliers', { period }),
    s('payments.list', 'payments.list', { period }),
    s('periods.checks', 'periods.checks', { period }),
    s('audit.list', 'audit.list', {}, 'admin'),
    s('insuranceExport.preview (month)', 'insuranceExport.preview', { period }, 'admin'),
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
  await o.clients[screen.as].call(screen.method, screen.input as never);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function runScreenSweep(big: CachedHub, small: CachedHub, opts: { log: (s: string) => void }) {
  const a = open(big);
  const b = open(small);
  const out: Record<string, Record<'10y' | '1y' | '10y_again' | '1y_again', number | null>> = {};
  try {
    opts.log(`  ${'screen'.padEnd(38)} ${'10y'.padStart(9)} ${'1y'.padStart(9)}   again: ${'10y'.padStart(9)} ${'1y'.padStart(9)} ms`);
    for (let i = 0; i < a.screens.length; i++) {
      const [sa, sb] = [a.screens[i], b.screens[i]];
      const first = { big: await timeCall(a, sa), small: await timeCall(b, sb) };
      const again = { big: await timeCall(a, sa), small: await timeCall(b, sb) };
      out[sa.label] = { '10y': round(first.big), '1y': round(first.small), '10y_again': round(again.big), '1y_again': round(again.small) };
      const f = (x: number) => x.toFixed(1).padStart(9);
      opts.log(`  ${sa.label.padEnd(38)} ${f(first.big)} ${f(first.small)}          ${f(again.big)} ${f(again.small)}`);
    }
  } finally {
    a.runtime.close();
    b.runtime.close();
  }
  const slowest = Object.entries(out).sort((x, y) => (y[1]['10y'] ?? 0) - (x[1]['10y'] ?? 0))[0];
  return { screens: out, screen_slowest_10y: { screen: slowest[0], ms: slowest[1]['10y'] } };
}
