import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { generateDemoHub } from '../../electron/demo/generate';
import { Runtime } from '../../electron/runtime';
import { ManualClock, tempDir } from '../helpers/runtime';

/**
 * Read handlers must seek, not scan, the tables that grow with every year of history: a query that is
 * instant on the demo hub takes seconds on a ten-year hub when SQLite walks the whole table. This runs the
 * read methods on a demo hub with real history, records every SQL text they run on the read connection,
 * and asks SQLite for each one's plan. It fails on a `SCAN` of a growing table (by name or alias), on an
 * automatic index built over one, and on a seek that binds only an owner (a store, a clinic, …): that
 * walks every year the owner has, which grows just the same. A WITHOUT ROWID table's primary key is a seek too.
 */

// A worker thread's statements are out of this thread's sight. Once the demo hub is built (its month closes
// need the backup worker), no worker starts: the reads that would run on one (the supervision long reads)
// take their fallback and use the app's read connection, where their statements are recorded.
const workers = vi.hoisted(() => ({ blocked: false }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:worker_threads')>();
  class Worker extends actual.Worker {
    constructor(...args: ConstructorParameters<typeof actual.Worker>) {
      if (workers.blocked) throw new Error('no worker threads while the query plans are recorded');
      super(...args);
    }
  }
  return { ...actual, Worker };
});

const GROWING_TABLES = new Set([
  'ledger',
  'dispensings',
  'dispensing_lines',
  'stock_period_totals',
  'deliveries',
  'delivery_lines',
  'receipts',
  'receipt_lines',
  'audit_log',
  'period_closings',
  'stock_balances',
  // WITHOUT ROWID tables that grow with the months or the boxes: their primary key is the only way in, so a plan
  // seeks them with `USING PRIMARY KEY (…)`, which must be bound by more than an owner just as an index must.
  'month_store_drug_facts',
  'month_signal_facts',
  'month_export_facts',
  'month_accuracy_facts',
  'trace_codes',
  'trace_packages',
  'settlement_trace_codes',
  'box_events',
]);

/**
 * Columns that pick out an owner or a state, not a stretch of time or a document: a seek bound by these
 * alone (`SEARCH ledger USING INDEX ledger_card (store_id=?)`) reads all the owner's years.
 */
const OWNER_COLUMNS = new Set(['store_id', 'clinic_id', 'supplier_id', 'drug_id', 'user_id', 'status', 'kind', 'movement', 'method', 'outcome']);

/**
 * Whole-history reads that are bounded or known, by the methods that run them, the statement (matched on
 * its whitespace-collapsed SQL) and the growing table. An entry that matches nothing any more fails the
 * test, so a fixed query leaves no stale exception behind.
 */
const ALLOWED: { methods: string[]; sql: RegExp; table: string }[] = [
  // Unfiltered page: newest first along the rowid, stops after page × pageSize rows.
  { methods: ['audit.list'], sql: /a\.clinic_id ORDER BY a\.id DESC LIMIT \? OFFSET \?$/, table: 'audit_log' },
  // The partial index holds only reversed receipts (migration 0009): a supplier's handful, not its years.
  { methods: ['statements.supplier'], sql: /FROM receipts r INDEXED BY receipts_reversed WHERE r\.status = 'reversed'/, table: 'receipts' },
  { methods: ['periods.checks'], sql: /FROM receipts r WHERE r\.status = 'reversed' AND \(SELECT min\(g\.business_date\)/, table: 'receipts' },
  // The drug's first stock in: its earliest month, stopping at the first row (ORDER BY period LIMIT 1).
  {
    methods: ['requisitions.stockInfo'],
    sql: /SELECT period FROM ledger WHERE store_id = \? AND drug_id = \? AND qty > 0 AND movement <> 'dispense' ORDER BY period LIMIT 1\)$/,
    table: 'ledger',
  },
  // The page total counts at most AUDIT_COUNT_LIMIT rows (or just past the page asked for), newest first.
  { methods: ['audit.list'], sql: /^SELECT count\(\*\) AS n FROM \(SELECT 1 FROM audit_log a (WHERE .*)?LIMIT \?\)$/, table: 'audit_log' },
  // Unfiltered lists: newest first (rowid, or receipts_date for receipts), stop after the limit.
  { methods: ['deliveries.list'], sql: /LEFT JOIN users su ON su\.id = d\.signed_by ORDER BY d\.id DESC LIMIT \?$/, table: 'deliveries' },
  {
    methods: ['receipts.list'],
    sql: /LEFT JOIN purchase_orders po ON po\.id = r\.po_id ORDER BY r\.business_date DESC, r\.id DESC LIMIT \?$/,
    table: 'receipts',
  },
  // One clinic's deliveries, newest first along deliveries_clinic_recent (clinic_id, id): the walk stops after the page
  // (checked below: nothing sorted).
  { methods: ['deliveries.list'], sql: /WHERE d\.clinic_id = \? ORDER BY d\.id DESC LIMIT \?$/, table: 'deliveries' },
  {
    methods: ['supervision.drilldown'],
    sql: /FROM deliveries v JOIN delivery_lines l .*WHERE v\.business_date BETWEEN \? AND \? AND v\.clinic_id = \?/,
    table: 'deliveries',
  },
  // The day a clinic first scanned a box out: min() over box_events_dispensed (clinic_id, business_date) reads one entry.
  {
    methods: ['reconciliation.clinic'],
    sql: /^SELECT min\(business_date\) AS since FROM box_events INDEXED BY box_events_dispensed WHERE clinic_id = \? AND event = 'dispense'$/,
    table: 'box_events',
  },
];

const METHODS_UNDER_TEST = [
  'dispensing.list',
  'deliveries.list',
  'stock.onHand',
  'catalog.search',
  'stock.card',
  'stock.alerts',
  'statements.clinic',
  'statements.supplier',
  'supervision.dashboard',
  'supervision.signals',
  'supervision.drilldown',
  'requisitions.list',
  'receipts.list',
  'stocktakes.accuracy',
  'audit.list',
  'statements.hub',
  'periods.checks',
  'insuranceExport.preview',
  'requisitions.stockInfo',
  'trace.lookup',
  'reconciliation.clinic',
] as const;

const TODAY = '2026-11-20';
const NOW = new Date(`${TODAY}T03:00:00.000Z`);

let dir: string;
let runtime: Runtime;
/** The call under test (method and variant) while it runs; null outside the calls. */
let currentCall: string | null = null;
/** SQL text → the calls under test that ran it on the read connection. */
const executed = new Map<string, Set<string>>();

// Statements are recorded when they run, not when they are prepared: `sql()` prepares each text once per
// connection, so a statement two methods share would otherwise be seen only under the first one.
const Statement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
const EXECUTE_METHODS = ['run', 'get', 'all', 'iterate'] as const;
const originalExecute = Object.fromEntries(EXECUTE_METHODS.map((name) => [name, Statement[name]]));

beforeAll(async () => {
  dir = tempDir();
  // Two closed months (September, October), weekly spot checks, deliveries, receipts and daily dispensing.
  const builder = new Runtime({ dataDir: dir, demo: true, clock: new ManualClock(NOW) });
  await generateDemoHub(builder, { clinics: 7, purchasingWeeks: 8 });
  builder.close();
  workers.blocked = true;
  // A fresh runtime, so no worker thread was started while workers were allowed.
  runtime = new Runtime({ dataDir: dir, demo: true, clock: new ManualClock(NOW), validateOutputs: true });
  for (const name of EXECUTE_METHODS) {
    Statement[name] = function (this: Database.Statement, ...args: unknown[]) {
      if (currentCall && this.database === runtime.app.readDb) {
        const calls = executed.get(this.source) ?? new Set<string>();
        executed.set(this.source, calls.add(currentCall));
      }
      return originalExecute[name].apply(this, args);
    };
  }
}, 300_000);

afterAll(() => {
  Object.assign(Statement, originalExecute);
  runtime?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs one call under test with the statements it runs recorded under `label` ('method' or 'method (variant)'). */
async function traced<T>(label: string, call: () => Promise<T>): Promise<T> {
  currentCall = label;
  try {
    return await call();
  } finally {
    currentCall = null;
  }
}

const methodOf = (label: string) => label.split(' ')[0];

function one<T>(query: string, ...params: unknown[]): T {
  const row = runtime.app.db.prepare(query).get(...params) as T | undefined;
  if (row === undefined) throw new Error(`the demo hub has no row for: ${query}`);
  return row;
}

const STRING_LITERALS = /'(?:[^']|'')*'/g;
const SQL_KEYWORDS = new Set(
  'on using where join left right inner outer cross natural group order limit having union except intersect as indexed not window select values set'.split(' '),
);

/** Dummy arguments for every placeholder: positional `?` as nulls, named `@x` / `:x` / `$x` in one object. */
function dummyArguments(source: string): unknown[] {
  const code = source.replace(STRING_LITERALS, "''");
  const positional = (code.match(/\?/g) ?? []).length;
  const names = new Set([...code.matchAll(/[@:$]([A-Za-z_]\w*)/g)].map((m) => m[1]));
  const args: unknown[] = new Array(positional).fill(null);
  if (names.size) args.push(Object.fromEntries([...names].map((n) => [n, null])));
  return args;
}

/** The tables a name in a plan line stands for: a table of that name, or the tables aliased so in the SQL. */
function tablesNamed(source: string, name: string, knownTables: Set<string>): string[] {
  const code = source.replace(STRING_LITERALS, "''");
  const tables = new Set<string>();
  if (knownTables.has(name)) tables.add(name);
  for (const [, table, alias] of code.matchAll(/(?:\bFROM|\bJOIN|,)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?/gi)) {
    if (alias === name && knownTables.has(table) && !SQL_KEYWORDS.has(alias.toLowerCase())) tables.add(table);
  }
  return [...tables];
}

/**
 * The table name or alias a plan line reads whole, if it does: a `SCAN` (whatever index it walks), an
 * automatic index (built by scanning), or a seek bound only by owner columns.
 */
function wholeHistoryRead(detail: string): string | null {
  // The lots with stock now: as many at ten years as in the first month, however many empty rows lie beside them.
  if (/ USING (?:COVERING )?INDEX stock_balances_live\b/.test(detail)) return null;
  const scan = /^SCAN (\w+)/.exec(detail);
  if (scan) return scan[1];
  // A WITHOUT ROWID table's own key reads as `USING PRIMARY KEY (…)`: a seek like any other, and held to the same rule.
  const seek = /^SEARCH (\w+) USING (?:(AUTOMATIC )?(?:COVERING )?INDEX (?:\w+ )?|PRIMARY KEY )\(([^)]*)\)/.exec(detail);
  if (!seek) return null;
  const [, name, automatic, constraints] = seek;
  const columns = [...constraints.matchAll(/(\w+)\s*[=<>]/g)].map((m) => m[1]);
  return automatic || columns.every((c) => OWNER_COLUMNS.has(c)) ? name : null;
}

describe('read query plans', () => {
  it('seek the tables that grow with the years instead of scanning them', async () => {
    const db = runtime.app.db;
    const clinic = one<{ id: number }>("SELECT id FROM clinics WHERE code = 'C01'");
    const clinicStore = one<{ id: number }>('SELECT id FROM stores WHERE clinic_id = ?', clinic.id);
    const hubStore = one<{ id: number }>("SELECT id FROM stores WHERE kind = 'hub'");
    const cardDrug = one<{ id: number }>(
      "SELECT drug_id AS id FROM ledger WHERE store_id = ? AND period = '2026-10' GROUP BY drug_id ORDER BY count(*) DESC LIMIT 1",
      clinicStore.id,
    );
    const supplier = one<{ id: number }>(
      "SELECT supplier_id AS id FROM receipts WHERE business_date LIKE '2026-10-%' GROUP BY supplier_id ORDER BY count(*) DESC LIMIT 1",
    );
    // The month statements and supervision read differ for closed months (snapshots) and the open one.
    expect(db.prepare("SELECT period FROM periods WHERE status = 'closed' ORDER BY period").all()).toEqual([{ period: '2026-09' }, { period: '2026-10' }]);

    const pharmacist = InternalClient.asUser(runtime, 'yaoku');
    const finance = InternalClient.asUser(runtime, 'caiwu');
    const admin = InternalClient.asUser(runtime, 'admin');
    const doctor = InternalClient.asUser(runtime, 'cy01');
    // The simulator stops the day before "today": the last day with dispensing stands for a day's list.
    const lastDay = one<{ d: string }>('SELECT max(business_date) AS d FROM dispensings').d;
    const months = { from: '2026-09', to: '2026-11' };
    const days = { from: '2026-09-01', to: TODAY };

    // Each call must return something, so the handler ran its queries over real rows.
    const nonEmpty = (rows: unknown[], what: string) => expect(rows.length, what).toBeGreaterThan(0);

    nonEmpty(await traced('dispensing.list', () => pharmacist.call('dispensing.list', { from: lastDay, to: lastDay, limit: 200 })), 'dispensing on a day');
    nonEmpty(
      await traced('dispensing.list (clinic)', () => pharmacist.call('dispensing.list', { clinicId: clinic.id, from: lastDay, to: lastDay, limit: 200 })),
      'dispensing at C01',
    );
    nonEmpty(
      await traced('dispensing.list (doctor)', () => doctor.call('dispensing.list', { from: lastDay, to: lastDay, limit: 200 })),
      'dispensing, the doctor’s own',
    );
    // The picker's hits with the stock of a clinic (the search most typed in the villages).
    const stocked = one<{ name: string }>(
      'SELECT d.generic_name AS name FROM stock_balances b JOIN drugs d ON d.id = b.drug_id WHERE b.store_id = ? AND b.qty > 0 ORDER BY d.id LIMIT 1',
      clinicStore.id,
    );
    nonEmpty(
      await traced('catalog.search', () => pharmacist.call('catalog.search', { q: stocked.name.slice(0, 2), storeId: clinicStore.id, limit: 20 })),
      'drugs found with the clinic stock',
    );
    nonEmpty(await traced('deliveries.list', () => pharmacist.call('deliveries.list', { limit: 100 })), 'deliveries');
    nonEmpty(await traced('deliveries.list (clinic)', () => pharmacist.call('deliveries.list', { clinicId: clinic.id, limit: 100 })), 'deliveries to C01');
    nonEmpty(
      (await traced('stock.onHand', () => pharmacist.call('stock.onHand', { storeId: clinicStore.id, filter: 'all', page: 1, pageSize: 50 }))).rows,
      'on hand',
    );
    nonEmpty(
      (
        await traced('stock.card', () =>
          pharmacist.call('stock.card', { storeId: clinicStore.id, drugId: cardDrug.id, from: '2026-10-01', to: '2026-10-31', limit: 2000 }),
        )
      ).rows,
      'stock card',
    );
    await traced('stock.alerts', () => pharmacist.call('stock.alerts', { storeId: hubStore.id }));
    await traced('stock.alerts (clinic)', () => pharmacist.call('stock.alerts', { storeId: clinicStore.id }));
    for (const period of ['2026-10', '2026-11']) {
      nonEmpty(
        (await traced(`statements.clinic ${period}`, () => finance.call('statements.clinic', { period, clinicId: clinic.id }))).rows,
        `clinic statement ${period}`,
      );
      nonEmpty(
        (await traced(`statements.supplier ${period}`, () => finance.call('statements.supplier', { supplierId: supplier.id, period }))).invoices,
        `supplier statement ${period}`,
      );
    }
    expect((await traced('supervision.dashboard', () => finance.call('supervision.dashboard', months))).insurance.total.amount).toBeGreaterThan(0);
    await traced('supervision.dashboard (clinic)', () => finance.call('supervision.dashboard', { ...months, clinicId: clinic.id }));
    nonEmpty((await traced('supervision.signals', () => finance.call('supervision.signals', { ...days, status: 'active' }))).rows, 'signals');
    await traced('supervision.signals (clinic)', () => finance.call('supervision.signals', { ...days, clinicId: clinic.id, status: 'all' }));
    for (const figure of ['consumption', 'stockout', 'insurance', 'nearExpiry', 'accuracy'] as const) {
      await traced(`supervision.drilldown ${figure}`, () => finance.call('supervision.drilldown', { figure, ...months }));
      await traced(`supervision.drilldown ${figure} (store, month)`, () =>
        finance.call('supervision.drilldown', { figure, ...months, clinicId: clinic.id, storeId: clinicStore.id, period: '2026-10' }),
      );
    }
    nonEmpty((await traced('requisitions.list', () => pharmacist.call('requisitions.list', { page: 1, pageSize: 50 }))).rows, 'requisitions');
    await traced('requisitions.list (clinic)', () => pharmacist.call('requisitions.list', { clinicId: clinic.id, page: 1, pageSize: 50 }));
    nonEmpty(await traced('receipts.list', () => pharmacist.call('receipts.list', { limit: 100 })), 'receipts');
    await traced('receipts.list (supplier, month)', () =>
      pharmacist.call('receipts.list', { supplierId: supplier.id, from: '2026-10-01', to: '2026-10-31', limit: 100 }),
    );
    nonEmpty((await traced('stocktakes.accuracy', () => pharmacist.call('stocktakes.accuracy', months))).rows, 'accuracy');
    await traced('stocktakes.accuracy (clinic)', () => pharmacist.call('stocktakes.accuracy', { ...months, clinicId: clinic.id }));
    nonEmpty((await traced('audit.list', () => admin.call('audit.list', { page: 1, pageSize: 50 }))).rows, 'audit log');
    await traced('audit.list (clinic, month)', () =>
      admin.call('audit.list', { clinicId: clinic.id, from: '2026-10-01', to: '2026-10-31', page: 1, pageSize: 50 }),
    );

    for (const period of ['2026-10', '2026-11']) {
      nonEmpty((await traced(`statements.hub ${period}`, () => finance.call('statements.hub', { period }))).rows, `hub statement ${period}`);
      nonEmpty(
        await traced(`insuranceExport.preview ${period}`, () => admin.call('insuranceExport.preview', { period }).then((p) => p.interfaces)),
        `export ${period}`,
      );
    }
    const drugs = (
      db.prepare('SELECT DISTINCT drug_id AS id FROM stock_balances WHERE store_id = ? AND qty > 0 LIMIT 5').all(clinicStore.id) as { id: number }[]
    ).map((d) => d.id);
    nonEmpty(
      (await traced('requisitions.stockInfo', () => pharmacist.call('requisitions.stockInfo', { clinicId: clinic.id, drugIds: drugs }))).rows,
      'stock info',
    );
    nonEmpty((await traced('periods.checks', () => finance.call('periods.checks', { period: '2026-11' }))).checks, 'pre-close checks');
    // A box's path and a month's settled codes: the reads of the WITHOUT ROWID trace tables that every scan makes.
    const box = one<{ code: string }>("SELECT code FROM trace_codes WHERE state = 'dispensed' ORDER BY code LIMIT 1");
    nonEmpty((await traced('trace.lookup', () => pharmacist.call('trace.lookup', { code: box.code }))).events, 'a box’s path');
    nonEmpty(
      (await traced('reconciliation.clinic', () => finance.call('reconciliation.clinic', { clinicId: clinic.id, from: '2026-10-01', to: '2026-10-31' }))).days,
      'reconciliation of C01 in October',
    );

    // Every method's queries were seen: none ran them elsewhere (another connection, a worker thread).
    const methodsSeen = new Set([...executed.values()].flatMap((calls) => [...calls].map(methodOf)));
    expect(
      METHODS_UNDER_TEST.filter((m) => !methodsSeen.has(m)),
      'methods that ran nothing on the read connection',
    ).toEqual([]);

    const readDb = runtime.app.readDb;
    const knownTables = new Set((readDb.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
    const reads = [...executed].filter(([source]) => /^\s*(SELECT|WITH)\b/i.test(source));
    expect(reads.length).toBeGreaterThan(40);

    const offenders: string[] = [];
    const allowedUsed = new Set<(typeof ALLOWED)[number]>();
    for (const [source, calls] of reads) {
      const flat = source.replace(/\s+/g, ' ').trim();
      const methods = new Set([...calls].map(methodOf));
      const plan = (readDb.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...dummyArguments(source)) as { detail: string }[]).map((p) => p.detail);
      for (const detail of plan) {
        const name = wholeHistoryRead(detail);
        if (!name) continue;
        const growing = tablesNamed(source, name, knownTables).filter((t) => GROWING_TABLES.has(t));
        if (growing.length === 0) continue;
        const allowed = ALLOWED.find((a) => a.methods.some((m) => methods.has(m)) && a.sql.test(flat) && growing.includes(a.table));
        if (allowed) allowedUsed.add(allowed);
        else offenders.push(`${[...calls].join(', ')}: ${detail} (${growing.join(', ')})\n  sql:  ${flat}\n  plan: ${plan.join(' | ')}`);
      }
    }
    expect(offenders, `whole-history reads of growing tables:\n${offenders.join('\n')}`).toEqual([]);
    // An owner's list bounded by its LIMIT only while it walks an index in the list's order: sorting first reads
    // every row the owner ever had (a clinic's deliveries were sorted so, 3–14 ms a call at ten years).
    const clinicDeliveries = reads.find(([source]) => /WHERE d\.clinic_id = \? ORDER BY d\.id DESC LIMIT \?$/.test(source.replace(/\s+/g, ' ').trim()));
    expect(clinicDeliveries, 'the clinic delivery list ran').toBeDefined();
    const deliveriesPlan = (readDb.prepare(`EXPLAIN QUERY PLAN ${clinicDeliveries![0]}`).all(...dummyArguments(clinicDeliveries![0])) as { detail: string }[])
      .map((p) => p.detail)
      .join(' | ');
    expect(deliveriesPlan).toContain('USING INDEX deliveries_clinic_recent');
    expect(deliveriesPlan).not.toContain('TEMP B-TREE');
    expect(
      ALLOWED.filter((a) => !allowedUsed.has(a)).map((a) => `${a.methods.join(', ')}: ${a.sql}`),
      'allowed reads that no longer happen: remove them',
    ).toEqual([]);
  }, 60_000);
});
