/**
 * Prefecture server bench (`npm run bench -- --only=central`, also part of the full `npm run bench`), on a throwaway
 * PostgreSQL cluster of Debian's binaries:
 * - ingest: hub packages (one generated hub's months, cloned under many hub identities with their own keys) through
 *   the real ingest — gunzip, JSON, schema of every row, checksums, signature, the hub's invariant, COPY into the
 *   partitioned facts with their indexes — against plain COPY of the very same rows into unindexed tables, in the same
 *   run: central_ingest_ratio = ingest rows/s ÷ plain COPY rows/s;
 * - growth: the KPI and ranking queries for one month, p95, with one month loaded and again with twelve:
 *   central_growth = p95(twelve loaded) ÷ p95(one loaded), and EXPLAIN shows the one partition read;
 * - drill-down: a hub's month and its clinics, p95.
 */
import { performance } from 'node:perf_hooks';
import { encodePackage } from '../../electron/domain/prefecture/seal';
import { percentile } from '../../electron/tools/bench/measure';
import type { BuiltPackage, SectionRows } from '../../shared/prefecture/package';
import { SECTION_NAMES } from '../../shared/prefecture/package';
import { copyRows, type CopyValue } from '../server/copy';
import { createPool, migrateCentral, type Pool } from '../server/db';
import { generateDemoHubs } from '../server/demo-hubs';
import { ingestPackage } from '../server/ingest';
import { centralHandlers } from '../server/handlers';
import type { CentralContext } from '../server/context';
import { cloneFor, makeIdentity, registerIdentities, sealFor, type HubIdentity } from '../../tests/helpers/central';
import { startPgCluster } from '../../tests/helpers/pg-cluster';

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const AT = new Date('2027-01-10T01:00:00.000Z');

function monthsOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

/** The template month moved to another month: every row's period and business dates follow. */
function shiftMonth(pkg: BuiltPackage, period: string): BuiltPackage {
  const from = pkg.manifest.period;
  const move = (d: string) => (d.startsWith(from) ? `${period}-${String(Math.min(Number(d.slice(8, 10)), 28)).padStart(2, '0')}` : d);
  const sections = Object.fromEntries(
    Object.entries(pkg.sections).map(([k, rows]) => [
      k,
      (rows as Record<string, unknown>[]).map((r) => {
        const out: Record<string, unknown> = { ...r, period };
        if (typeof r.businessDate === 'string') out.businessDate = move(r.businessDate);
        if (typeof r.periodFrom === 'string') out.periodFrom = move(r.periodFrom);
        if (typeof r.periodTo === 'string') out.periodTo = move(r.periodTo);
        return out;
      }),
    ]),
  ) as SectionRows;
  return { ...pkg, manifest: { ...pkg.manifest, period }, sections };
}

const rowsOf = (pkg: BuiltPackage) => SECTION_NAMES.reduce((n, s) => n + pkg.sections[s].length, 0);

async function timeOnce(ctx: CentralContext, period: string, hubId: number): Promise<{ kpi: number; drill: number }> {
  const range = { from: period, to: period };
  let t = performance.now();
  await centralHandlers['overview.kpis'](ctx, range);
  await centralHandlers['overview.counties'](ctx, range);
  await centralHandlers['overview.hubs'](ctx, range);
  const kpi = performance.now() - t;
  // Opening a hub's month: its figures, packages, own signals and every clinic's row, in one call.
  t = performance.now();
  await centralHandlers['overview.hubMonth'](ctx, { hubId, period });
  return { kpi, drill: performance.now() - t };
}

/**
 * The same queries on the two databases in turn (one month loaded, twelve loaded), so the other work on this shared
 * machine weighs on both alike; p95 of each.
 */
async function timeAlternating(one: CentralContext, year: CentralContext, onePeriod: string, yearPeriod: string, hubId: number, runs: number) {
  const a = { kpi: [] as number[], drill: [] as number[] };
  const b = { kpi: [] as number[], drill: [] as number[] };
  for (let i = 0; i < runs + 3; i++) {
    const x = await timeOnce(one, onePeriod, hubId);
    const y = await timeOnce(year, yearPeriod, hubId);
    if (i < 3) continue; // warm-up
    a.kpi.push(x.kpi);
    a.drill.push(x.drill);
    b.kpi.push(y.kpi);
    b.drill.push(y.drill);
  }
  const p95 = (xs: number[]) =>
    percentile(
      [...xs].sort((m, n) => m - n),
      95,
    );
  return { one: { kpiP95: p95(a.kpi), drillP95: p95(a.drill) }, year: { kpiP95: p95(b.kpi), drillP95: p95(b.drill) } };
}

/** Runs fn over the items with `width` at a time (hubs send at once at the start of a month). */
async function concurrently<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/** Two senders at once, for ingest and plain COPY alike: the machine's two cores are both used either way. */
const SENDERS = 2;

/** Plain COPY of the same rows: the same columns into tables without indexes, partitions or checks. */
async function plainCopy(pool: Pool, packages: BuiltPackage[]): Promise<{ ms: number; rows: number }> {
  await pool.query('DROP SCHEMA IF EXISTS plain CASCADE; CREATE SCHEMA plain');
  const tables: Record<string, string[]> = {};
  for (const name of SECTION_NAMES) {
    const cols = Object.keys(packages[0].sections[name][0] ?? { hubCode: '', period: '' });
    tables[name] = cols;
    await pool.query(`CREATE TABLE plain.${name} (${cols.map((c) => `"${c}" text`).join(', ')})`);
  }
  let rows = 0;
  const t = performance.now();
  await concurrently(packages, SENDERS, async (pkg) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const name of SECTION_NAMES) {
        const list = pkg.sections[name] as unknown as Record<string, unknown>[];
        if (!list.length) continue;
        const cols = tables[name];
        rows += await copyRows(
          client,
          `plain.${name}`,
          cols.map((c) => `"${c}"`),
          list,
          (r) => cols.map((c) => (r[c] === undefined ? null : typeof r[c] === 'object' && r[c] !== null ? { json: r[c] } : (r[c] as CopyValue))),
        );
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
  return { ms: performance.now() - t, rows };
}

export async function runCentralBench(opts: { quick: boolean; log: (s: string) => void }): Promise<Record<string, unknown>> {
  const { quick, log } = opts;
  const hubCount = quick ? 6 : 24;
  const cluster = await startPgCluster();
  const admin0 = createPool(cluster.url, 1);
  await admin0.query('CREATE DATABASE one_month');
  await admin0.query('CREATE DATABASE one_year');
  await admin0.end();
  const dbUrl = (name: string) => cluster.url.replace('/postgres?', `/${name}?`);
  // `one_month` keeps the first month only; `one_year` gets all twelve.
  const pool = createPool(dbUrl('one_month'), 4);
  const yearPool = createPool(dbUrl('one_year'), 4);
  try {
    await migrateCentral(pool, 'central/migrations');
    await migrateCentral(yearPool, 'central/migrations');
    const t0 = performance.now();
    const [template] = await generateDemoHubs(() => {}, [{ code: 'T0000001', name: '模板镇卫生院', county: '411621', clinics: quick ? 6 : 20, seed: 5 }], {
      linesPerClinicDay: quick ? 10 : 20,
      drugs: 120,
      formulary: 50,
    });
    const base = template.packages.get('2026-02')!;
    log(
      `  template hub month: ${rowsOf(base).toLocaleString('en')} rows (${base.sections.ledger.length.toLocaleString('en')} ledger) (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
    const counties = ['411621', '411622', '411623', '411624'].map((code, i) => ({ code, name: `第${i + 1}县` }));
    const hubs: HubIdentity[] = Array.from({ length: hubCount }, (_, i) =>
      makeIdentity(`B${String(i + 1).padStart(8, '0')}`, `测${i + 1}镇卫生院`, counties[i % counties.length].code),
    );
    const ids = await registerIdentities(pool, hubs, counties, AT);
    await registerIdentities(yearPool, hubs, counties, AT);
    const months = monthsOf(2026);
    const admin = { id: 1, username: 'bench', displayName: 'bench', role: 'prefecture_admin' as const, countyCode: null, mustChangePassword: false };
    const ctx: CentralContext = { pool, now: AT, ip: '127.0.0.1', user: admin, sessionHash: null, session: { set() {}, clear() {} }, audit: {} };
    const yearCtx: CentralContext = { ...ctx, pool: yearPool };

    // ── Ingest vs plain COPY, same rows, same run: the first month of every hub ──
    const firstMonth = hubs.map((h) => sealFor(shiftMonth(cloneFor(base, h), months[0]), h));
    const bytes = firstMonth.map((p) => encodePackage(p));
    const copy = await plainCopy(pool, firstMonth);
    let t = performance.now();
    let ingestedRows = 0;
    await concurrently(bytes, SENDERS, async (b, i) => {
      const a = await ingestPackage(pool, b, AT, { ip: '127.0.0.1' });
      if (a.outcome !== 'accepted') throw new Error(`bench ingest refused: ${a.message}`);
      ingestedRows += rowsOf(firstMonth[i]);
    });
    const ingestMs = performance.now() - t;
    await pool.query('DROP SCHEMA plain CASCADE');
    const ingestRate = ingestedRows / (ingestMs / 1000);
    const copyRate = copy.rows / (copy.ms / 1000);
    log(`  (${SENDERS} hubs sending at once, and ${SENDERS} plain COPY connections)`);
    log(
      `  ingest ${ingestedRows.toLocaleString('en')} rows in ${(ingestMs / 1000).toFixed(1)} s = ${Math.round(ingestRate).toLocaleString('en')} rows/s; plain COPY ${Math.round(copyRate).toLocaleString('en')} rows/s; ratio ${round(ingestRate / copyRate)}`,
    );
    await pool.query('VACUUM ANALYZE');
    const runs = quick ? 20 : 40;
    const firstHub = ids.get(hubs[0].code)!;

    // ── The whole year in the other database ──
    t = performance.now();
    for (const m of months) {
      await concurrently(hubs, SENDERS, async (h) => {
        const a = await ingestPackage(yearPool, encodePackage(sealFor(shiftMonth(cloneFor(base, h), m), h)), AT, { ip: '127.0.0.1' });
        if (a.outcome !== 'accepted') throw new Error(`bench ingest refused: ${a.message}`);
      });
    }
    log(`  loaded twelve months into a second database (${((performance.now() - t) / 1000).toFixed(0)} s)`);
    await yearPool.query('VACUUM ANALYZE');
    const last = months.at(-1)!;
    const { one, year } = await timeAlternating(ctx, yearCtx, months[0], last, firstHub, runs);
    const ledgerRows = (await yearPool.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_facts')).rows[0].n;
    const dbBytes = (await yearPool.query<{ n: number }>('SELECT pg_database_size(current_database()) AS n')).rows[0].n;
    const explain = (
      await yearPool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT sum(f.amount) FROM ledger_facts f JOIN hubs h ON h.id = f.hub_id WHERE f.period BETWEEN '${last}-01' AND '${last}-01' AND f.movement = 'receipt'`,
      )
    ).rows.map((r) => r['QUERY PLAN']);
    const partitionsRead = new Set(explain.join('\n').match(/ledger_facts_\d{4}_\d{2}/g) ?? []);
    log(`  EXPLAIN of a one-month KPI query with 12 months loaded reads ${[...partitionsRead].join(', ')}:`);
    for (const line of explain) log(`    ${line}`);
    const growth = year.kpiP95 / one.kpiP95;
    log(`  KPI + rankings p95: ${one.kpiP95.toFixed(1)} ms (1 month loaded) → ${year.kpiP95.toFixed(1)} ms (12 months); growth ${round(growth)}`);
    log(`  drill-down (a hub's month with its clinics) p95: ${one.drillP95.toFixed(1)} → ${year.drillP95.toFixed(1)} ms`);
    return {
      central_hubs: hubCount,
      central_ledger_rows_year: ledgerRows,
      central_db_bytes_year: dbBytes,
      central_ingest_rows_per_s: Math.round(ingestRate),
      central_copy_rows_per_s: Math.round(copyRate),
      central_ingest_ratio: round(ingestRate / copyRate),
      central_kpi_p95_ms_1m: round(one.kpiP95, 1),
      central_kpi_p95_ms_12m: round(year.kpiP95, 1),
      central_growth: round(growth),
      central_partitions_read: partitionsRead.size,
      central_drill_p95_ms: round(Math.max(one.drillP95, year.drillP95), 1),
    };
  } finally {
    await pool.end();
    await yearPool.end();
    cluster.stop();
  }
}
