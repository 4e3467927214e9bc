/**
 * The screens that must not slow down with the years: a clinic's stock on hand, a clinic's month
 * statement, a supplier's month statement and one drug's stock card for a month, each timed through the
 * real dispatcher (validation, roles, the read-only connection) on the ten-year and the one-year hub with
 * the same inputs drawn from the months both hubs hold.
 */
import { InternalClient } from '../../api/internal';
import { sql } from '../../db/database';
import { Runtime } from '../../runtime';
import { periodBounds, periodOf, previousPeriod } from '../../../shared/dates';
import type { CachedHub } from './hubs';
import { noonClock } from './generate';
import { pick, rng, round, stats, type Stats } from './measure';

interface Inputs {
  clinics: { clinicId: number; storeId: number; drugs: number[] }[];
  suppliers: number[];
  months: string[];
}

function inputsOf(runtime: Runtime, end: string): Inputs {
  const db = runtime.app.readDb;
  const last = periodOf(end);
  const months: string[] = [];
  for (let p = last; months.length < 12; p = previousPeriod(p)) months.push(p);
  const clinics = (
    sql(db, "SELECT c.id AS clinicId, s.id AS storeId FROM clinics c JOIN stores s ON s.clinic_id = c.id AND s.kind = 'clinic' ORDER BY c.id").all() as {
      clinicId: number;
      storeId: number;
    }[]
  ).map((c) => ({
    ...c,
    drugs: (sql(db, 'SELECT DISTINCT drug_id AS id FROM stock_period_totals WHERE store_id = ? AND period = ?').all(c.storeId, last) as { id: number }[]).map(
      (r) => r.id,
    ),
  }));
  const suppliers = (sql(db, 'SELECT id FROM suppliers ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  return { clinics, suppliers, months };
}

type Op = 'soh' | 'clinic_statement' | 'supplier_statement' | 'stock_card' | 'soh_all' | 'alerts';

interface Opened {
  runtime: Runtime;
  ops: Record<Op, (r: () => number) => Promise<unknown>>;
}

function openHub(hub: CachedHub): Opened {
  const runtime = new Runtime({ dataDir: hub.dir, clock: noonClock(hub.params.end) }, 'main', { recoveryMode: false });
  const client = InternalClient.asUser(runtime, 'yaoku');
  const inputs = inputsOf(runtime, hub.params.end);
  return {
    runtime,
    ops: {
      soh: (r) => client.call('stock.onHand', { storeId: pick(r, inputs.clinics).storeId, filter: 'in_stock', page: 1, pageSize: 50 }),
      clinic_statement: (r) => client.call('statements.clinic', { clinicId: pick(r, inputs.clinics).clinicId, period: pick(r, inputs.months) }),
      supplier_statement: (r) => client.call('statements.supplier', { supplierId: pick(r, inputs.suppliers), period: pick(r, inputs.months) }),
      stock_card: (r) => {
        const c = pick(r, inputs.clinics);
        const { first, last } = periodBounds(pick(r, inputs.months));
        return client.call('stock.card', { storeId: c.storeId, drugId: pick(r, c.drugs), from: first, to: last, limit: 2000 });
      },
      // Beyond the four: stock on hand with every watched drug (the 全部 filter), and one clinic's alerts.
      soh_all: (r) => client.call('stock.onHand', { storeId: pick(r, inputs.clinics).storeId, filter: 'all', page: 1, pageSize: 50 }),
      alerts: (r) => client.call('stock.alerts', { storeId: pick(r, inputs.clinics).storeId }),
    },
  };
}

/**
 * Each operation on both hubs, alternating call by call with the same inputs, so that whatever else
 * the machine is doing weighs on both sides alike.
 */
async function timeBoth(
  big: CachedHub,
  small: CachedHub,
  n: number,
  warmup: number,
): Promise<Record<Op, { big: Stats; small: Stats; bigWarm: Stats; smallWarm: Stats }>> {
  const a = openHub(big);
  const b = openHub(small);
  try {
    const out = {} as Record<Op, { big: Stats; small: Stats; bigWarm: Stats; smallWarm: Stats }>;
    for (const op of Object.keys(a.ops) as Op[]) {
      // Two passes over the same inputs: the first as a user meets them (pages maybe not in memory yet),
      // the second with the pages those inputs need already read (what the code itself costs).
      const pass = async () => {
        const ra = rng(7);
        const rb = rng(7);
        const sa: number[] = [];
        const sb: number[] = [];
        for (let i = 0; i < warmup + n; i++) {
          for (const [side, r, samples] of [
            [a, ra, sa],
            [b, rb, sb],
          ] as const) {
            const t0 = process.hrtime.bigint();
            await side.ops[op](r);
            if (i >= warmup) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
          }
        }
        return { big: stats(sa), small: stats(sb) };
      };
      const first = await pass();
      const second = await pass();
      out[op] = { ...first, bigWarm: second.big, smallWarm: second.small };
    }
    return out;
  } finally {
    a.runtime.close();
    b.runtime.close();
  }
}

export async function runReadBench(big: CachedHub, small: CachedHub, opts: { quick: boolean; log: (s: string) => void }) {
  const n = opts.quick ? 80 : 300;
  const warmup = opts.quick ? 10 : 30;
  const both = await timeBoth(big, small, n, warmup);
  const results: Record<string, unknown> = {};
  const detail: Record<string, unknown> = {};
  for (const op of Object.keys(both) as Op[]) {
    const { big: a, small: b, bigWarm: aw, smallWarm: bw } = both[op];
    results[`growth_${op}`] = round(a.p95 / b.p95);
    results[`${op}_p95_ms_10y`] = round(a.p95);
    results[`${op}_p95_ms_1y`] = round(b.p95);
    results[`growth_${op}_warm`] = round(aw.p95 / bw.p95);
    detail[op] = { '10y': roundStats(a), '1y': roundStats(b), '10y_warm': roundStats(aw), '1y_warm': roundStats(bw) };
    opts.log(
      `  ${op.padEnd(18)} 10y p50 ${a.p50.toFixed(2)} p95 ${a.p95.toFixed(2)} p99 ${a.p99.toFixed(2)} ms | 1y p50 ${b.p50.toFixed(2)} p95 ${b.p95.toFixed(2)} p99 ${b.p99.toFixed(2)} ms | growth ${(a.p95 / b.p95).toFixed(2)}`,
    );
    opts.log(
      `  ${''.padEnd(18)} same inputs again: 10y p50 ${aw.p50.toFixed(2)} p95 ${aw.p95.toFixed(2)} ms | 1y p50 ${bw.p50.toFixed(2)} p95 ${bw.p95.toFixed(2)} ms | growth ${(aw.p95 / bw.p95).toFixed(2)}`,
    );
  }
  return { ...results, reads: detail };
}

export const roundStats = (s: Stats) => ({ n: s.n, p50: round(s.p50), p95: round(s.p95), p99: round(s.p99), max: round(s.max) });
