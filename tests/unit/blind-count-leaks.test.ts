import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../electron/db/database';
import { api, type AnyMethod, type MethodName, type Role } from '../../shared/contract';
import { amountInWords, formatFen } from '../../shared/money';
import { formatQty } from '../../shared/units';
import { createSecurityFixture, type FixtureUser, type SecurityFixture } from '../security/fixture';
import { samples, type MethodSample, type SampleContext } from '../security/samples';
import { receiveAtHub, stockWorld } from '../security/stock-fixture';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';
import { scratchDirs } from '../helpers/runtime';

/**
 * "A blind count shows the counter no book figure of what is being counted, on any screen or in any message."
 *
 * A clinic holds three drugs with book quantities no other figure has (17,416, 101,729, 14,251 base units
 * now; 17,919, 104,729, 15,485 at the end of February), and the fixture's amoxicillin. A blind count is
 * opened there, a spot check and a full count, counted by the clinic's doctor (self-count) or by a hub user
 * on site. Then EVERY method of the contract the counter's role may call is called as the counter, with the
 * access matrix's samples or with inputs aimed at the counted drugs, plus the calls that fail with a stock
 * refusal (dispensing, writing off, returning more than is there), and every answer is searched for the
 * counted drugs' book: any balance at any date (qty and value at cost, as numbers, in yuan, in packs, in
 * words), and the store's total. Errors, issues and downloads (Excel, JSON, a backup's SQLite file) are
 * opened and searched too. A method nobody calls fails the test: add a sample or a probe, or say in
 * NOT_CALLED_DURING_THE_COUNT why it is not called while counting.
 *
 * The other way round, so the test can fail both ways: the drugs not drawn in a spot check keep their
 * figures for the counter, a hub user who is not counting sees everything, and once the count is approved or
 * cancelled the counter sees the book again.
 */

const scratch = scratchDirs();

/** Methods not called while the count is open, and why (each is called at the end or cannot show a book). */
const NOT_CALLED_DURING_THE_COUNT: Partial<Record<MethodName, string>> = {
  'stocktakes.submit': 'ends the counting: called at the end, then the figures are checked again',
  'stocktakes.cancel': 'ends the count: called at the end of the cancelled scenarios, then the figures must be back',
};

/**
 * Every method not aimed at the counted drugs (see `probes`), and why its matrix sample is enough: it shows no
 * balance of any store. They are all called during the count all the same. A method added to the contract
 * fails the first test until someone aims it at the counted drugs or lists it here with the reason.
 */
const SHOWS_NO_BOOK: Record<string, MethodName[]> = {
  'the prefecture settings and the list of sends: codes, the server address, the hub key, when each month went': [
    'prefecture.settings',
    'prefecture.saveSettings',
    'prefecture.months',
  ],
  // Posting from settlement lines goes through the dispensing path, whose refusals are redacted like a typed entry.
  'insurance settlement details and their reconciliation: what was settled against what was dispensed (movements), never a balance': [
    'reconciliation.importPreview',
    'reconciliation.importCommit',
    'reconciliation.imports',
    'reconciliation.overview',
    'reconciliation.clinic',
    'reconciliation.sheet',
    'reconciliation.export',
    'reconciliation.lines',
    'reconciliation.markSelfPay',
    'reconciliation.postingPreview',
    'reconciliation.post',
    'reconciliation.settings',
    'reconciliation.updateSettings',
    'reconciliation.purge',
  ],
  'sessions, users and the first-run setup': [
    'system.status',
    'setup.initialize',
    'setup.enterDemo',
    'setup.leaveDemo',
    'auth.login',
    'auth.logout',
    'auth.logoutAll',
    'auth.me',
    'auth.changePassword',
    // The back-dating limit: a number of days, no stock.
    'system.postingRules',
    'system.updatePostingRules',
    'users.list',
    'users.create',
    'users.update',
    'users.resetPassword',
  ],
  'master data and settings: drugs, clinics, stores, suppliers and prices, stock levels, the LAN, rule thresholds': [
    'catalog.get',
    'catalog.list',
    'catalog.create',
    'catalog.update',
    'catalog.setActive',
    'catalog.importPreview',
    'catalog.importCommit',
    'catalog.export',
    // The import file's own failing rows, written back: nothing of the hub's stock.
    'catalog.importErrorsExport',
    'catalog.importTemplate',
    // Where a cut-off import's batches got to: counts of the file's drugs, no stock.
    'catalog.importInterrupted',
    'clinics.list',
    'clinics.get',
    'clinics.create',
    'clinics.update',
    'stock.stores',
    'suppliers.list',
    'suppliers.get',
    'suppliers.create',
    'suppliers.update',
    'suppliers.prices',
    'suppliers.setPrices',
    'purchasing.settings',
    'purchasing.updateSettings',
    'system.lanStatus',
    'system.updateLanSettings',
    'system.caCertificate',
    'supervision.rules',
    // A box's path: places, documents and dates of one box, never a store's balance.
    'trace.lookup',
    // The 拆零 scan rule: a choice of two words, no stock.
    'trace.scanRules',
    'trace.updateScanRules',
    'supervision.setThresholds',
    'supervision.schedules',
    'supervision.setSchedule',
    // GSP settings, storage conditions, storage areas and their temperature and humidity readings: no stock.
    'gsp.settings',
    'gsp.saveSettings',
    'gsp.setDrugStorage',
    'storage.areas',
    'storage.saveArea',
    'storage.record',
    'storage.log',
    'storage.today',
    // Cartons' links as the supplier's file gives them (codes and levels), never a store's balance.
    'trace.packagesPreview',
    'trace.packagesImport',
    // A logger file's temperatures and humidities and the slots they fill: no stock.
    'storage.loggerPreview',
    'storage.loggerImport',
    // Past logger imports: file names and row counts of readings, no stock.
    'storage.loggerImports',
  ],
  'documents and their lists: movements (received, issued, signed, dispensed, returned, written off, ordered, paid), the counter’s own records': [
    'receipts.create',
    'receipts.openOrders',
    'receipts.list',
    'receipts.get',
    'deliveries.list',
    'deliveries.get',
    'deliveries.sign',
    'deliveries.resolve',
    'dispensing.list',
    'dispensing.reverse',
    'returns.list',
    'returns.cancel',
    'writeoffs.list',
    'writeoffs.cancel',
    'requisitions.list',
    'requisitions.switchToVbp',
    'orders.list',
    'orders.get',
    'orders.send',
    'orders.cancel',
    'orders.shortClose',
    'orders.export',
    'payments.create',
    'payments.reverse',
    'payments.list',
    'statements.supplier',
    'statements.suppliers',
    // What arrived, was accepted and refused per receipt line; a destruction answers with its own amount.
    'gsp.acceptanceRecords',
    'quarantine.destroy',
  ],
  'counts and states, never a quantity: to-dos, pre-close checks, the month-end history': [
    'workbench.todos',
    'periods.list',
    'periods.checks',
    'periods.close',
    'periods.reopen',
    'periods.history',
  ],
  'the audit log: who did what, with the inputs they sent': ['audit.list', 'audit.deniedSummary', 'audit.methods', 'audit.export'],
  'backups and recovery, apart from the download: files and their records, never their content': [
    'backup.status',
    'backup.updateSettings',
    'backup.create',
    'backup.list',
    'backup.restore',
    'recovery.status',
    'recovery.restore',
  ],
  'refused to a blind counter like their lists (the fixture has no signal to show; healthy books give the data check nothing to quote)': [
    'supervision.signal',
    'supervision.dismiss',
    'system.integrityCheck',
    // The hub's quarantine lots with what each still holds: refused while the hub store is counted blind.
    'quarantine.list',
  ],
};

type Scenario = {
  name: string;
  counter: Extract<Role, 'village_doctor' | 'pharmacist' | 'admin'>;
  /** Clinic A's store, or the hub's (counted on site only). */
  store: 'clinic' | 'hub';
  kind: 'spot' | 'full';
  end: 'approve' | 'cancel';
};

const SCENARIOS: Scenario[] = [
  { name: '村医自盘 · 随机抽查', counter: 'village_doctor', store: 'clinic', kind: 'spot', end: 'approve' },
  { name: '村医自盘 · 全面盘点', counter: 'village_doctor', store: 'clinic', kind: 'full', end: 'cancel' },
  { name: '药库人员现场盘点 · 随机抽查', counter: 'pharmacist', store: 'clinic', kind: 'spot', end: 'approve' },
  { name: '药库人员现场盘点 · 全面盘点', counter: 'pharmacist', store: 'clinic', kind: 'full', end: 'cancel' },
  { name: '管理员现场盘点 · 随机抽查', counter: 'admin', store: 'clinic', kind: 'spot', end: 'cancel' },
  { name: '药库人员盘点中心药库 · 全面盘点', counter: 'pharmacist', store: 'hub', kind: 'full', end: 'cancel' },
];

interface Distinctive {
  drug: SeedDrug;
  /** Its one lot, at the clinic and at the hub alike. */
  lotId: number;
  /** The February receipt (the hub has issued part of it: it can no longer be reversed). */
  receiptId: number;
}

let f: SecurityFixture;
let storeA: number;
let hubStore: number;
let supplierId: number;
let drugs: Distinctive[];

const db = () => f.hub.runtime.app.db;

async function post(user: FixtureUser, method: string, input: unknown) {
  return f.hub.post(method, input, { cookie: f.cookieFor(user) });
}

async function call(user: FixtureUser, method: string, input: unknown) {
  const res = await post(user, method, input);
  if (res.status !== 200) throw new Error(`${method}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** Seeded drugs are found by code (their names are not in the search index). */
const codeOf = (d: Distinctive) => (sql(db(), 'SELECT nhsa_code AS c FROM drugs WHERE id = ?').get(d.drug.id) as { c: string }).c;

const bookQty = (drugId: number, storeId = storeA) =>
  (sql(db(), 'SELECT coalesce(sum(qty), 0) AS q FROM stock_balances WHERE store_id = ? AND drug_id = ?').get(storeId, drugId) as { q: number }).q;

beforeAll(async () => {
  f = await createSecurityFixture();
  const clock = f.hub.clock;
  const march = clock.now();
  storeA = f.clinicA.storeId;

  // February: the hub receives the three drugs and issues most to clinic A, where some are dispensed (so no
  // balance equals a movement); in March more is dispensed, and the hub issues a little to clinic B.
  clock.set('2026-02-10T02:00:00.000Z');
  const pharmacist = f.newUser('pharmacist');
  const doctor = f.newUser('village_doctor');
  const doctorB = f.newUser('village_doctor', f.clinicB.id);
  supplierId = seedSupplier(f.hub, '盲盘测试医药有限公司');
  const specs: {
    name: string;
    packSize: number;
    packPrice: number;
    delivered: number;
    kept: number;
    feb: number;
    mar: number;
    toB: number;
    expiry?: string;
  }[] = [
    { name: '盲盘测试阿奇霉素片', packSize: 24, packPrice: 18_600_000, delivered: 19_200, kept: 23_472, feb: 1_281, mar: 503, toB: 247 },
    { name: '盲盘测试二甲双胍片', packSize: 100, packPrice: 9_800_000, delivered: 110_000, kept: 57_300, feb: 5_271, mar: 3_000, toB: 531 },
    // Near its expiry: on the supervision dashboard's near-expiry figures too.
    {
      name: '盲盘测试布洛芬缓释胶囊',
      packSize: 20,
      packPrice: 15_300_000,
      delivered: 20_000,
      kept: 12_340,
      feb: 4_515,
      mar: 1_234,
      toB: 103,
      expiry: '2026-07-31',
    },
  ];
  const issue = async (d: SeedDrug, clinicId: number, qty: number, signer: FixtureUser) => {
    const [requisitionLineId] = seedApprovedRequisition(f.hub, clinicId, [{ drug: d, qty }]);
    const delivery = await call(pharmacist, 'deliveries.create', { clinicId, lines: [{ requisitionLineId, qty }] });
    await call(signer, 'deliveries.sign', {
      id: delivery.id,
      lines: delivery.lines.map((l: { id: number; qty: number }) => ({ lineId: l.id, receivedQty: l.qty })),
    });
  };
  drugs = [];
  for (const s of specs) {
    const drug = seedDrug(f.hub, { name: s.name, packSize: s.packSize, supplierId, packPrice: s.packPrice });
    const received = s.delivered + s.kept;
    const { poId, lineIds } = seedSentOrder(f.hub, supplierId, [{ drug, qty: received, packPrice: s.packPrice }]);
    const { receipt } = await call(pharmacist, 'receipts.create', {
      poId,
      invoiceNo: `FP-BLIND-${drug.id}`,
      lines: [{ poLineId: lineIds[0], batchNo: `BLIND${drug.id}`, expiryDate: s.expiry ?? '2028-12-31', qty: received, packPrice: s.packPrice }],
    });
    await issue(drug, f.clinicA.id, s.delivered, doctor);
    drugs.push({ drug, lotId: receipt.lines[0].lotId, receiptId: receipt.id });
  }
  hubStore = (sql(db(), "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
  clock.set('2026-02-20T02:00:00.000Z');
  for (const [i, s] of specs.entries()) await call(doctor, 'dispensing.create', { lines: [{ drugId: drugs[i].drug.id, qty: s.feb }] });
  clock.set(march);
  for (const [i, s] of specs.entries()) {
    await call(doctor, 'dispensing.create', { lines: [{ drugId: drugs[i].drug.id, qty: s.mar }] });
    await issue(drugs[i].drug, f.clinicB.id, s.toB, doctorB);
  }
  expect(drugs.map((d) => bookQty(d.drug.id))).toEqual([17_416, 101_729, 14_251]);
  expect(drugs.map((d) => bookQty(d.drug.id, hubStore))).toEqual([23_225, 56_769, 12_237]);
  await stockWorld(f); // the samples' own stock (amoxicillin at both clinics), built before any count
}, 120_000);

afterAll(async () => {
  await f?.close();
});

// ───────────── what must not be seen ─────────────

interface Figure {
  label: string;
  patterns: RegExp[];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A number standing alone: not the tail of a longer number or of a decimal fraction. */
const alone = (s: string) => new RegExp(`(?<![\\d.])${escapeRegex(s)}(?!\\d)`);

function qtyPatterns(q: number, d: { packSize: number }): RegExp[] {
  return [alone(String(q)), alone(q.toLocaleString('en-US')), alone(formatQty(q, d.packSize, '盒', '粒'))];
}

function fenPatterns(v: number): RegExp[] {
  return [alone(String(v)), alone(formatFen(v)), alone(formatFen(v, { grouping: false })), alone(String(v / 100)), new RegExp(escapeRegex(amountInWords(v)))];
}

/**
 * The book of the hidden drugs at the store, at every date: each running balance of the lot (= the drug: one
 * lot each) and its value, and the store's total value at the end of February and now. A balance equal to one
 * of the drug's own movements, counts or document quantities is left out: it cannot be told apart from that
 * record, which the counter may see.
 */
function hiddenBook(storeId: number, hidden: Distinctive[]): Figure[] {
  const out: Figure[] = [];
  for (const { drug } of hidden) {
    const rows = sql(db(), 'SELECT qty, amount FROM ledger WHERE store_id = ? AND drug_id = ? ORDER BY business_date, id').all(storeId, drug.id) as {
      qty: number;
      amount: number;
    }[];
    const counted = sql(
      db(),
      'SELECT c.counted_qty AS q FROM stocktake_counts c JOIN stocktake_lines l ON l.id = c.line_id JOIN stocktakes t ON t.id = l.stocktake_id WHERE t.store_id = ? AND l.drug_id = ?',
    ).all(storeId, drug.id) as { q: number }[];
    // Quantities people entered on documents (a write-off or return of a whole lot, as the probes make) too.
    const entered = sql(db(), 'SELECT qty AS q FROM writeoff_lines WHERE drug_id = ? UNION ALL SELECT qty FROM stock_return_lines WHERE drug_id = ?').all(
      drug.id,
      drug.id,
    ) as { q: number }[];
    const own = new Set([...rows.flatMap((r) => [Math.abs(r.qty), Math.abs(r.amount)]), ...counted.map((c) => c.q), ...entered.map((e) => e.q)]);
    let qty = 0;
    let value = 0;
    for (const r of rows) {
      qty += r.qty;
      value += r.amount;
      if (qty >= 1000 && !own.has(qty)) out.push({ label: `${drug.name} 结存 ${qty}`, patterns: qtyPatterns(qty, drug) });
      if (value >= 1000 && !own.has(value)) out.push({ label: `${drug.name} 结存金额 ${value} 分`, patterns: fenPatterns(value) });
    }
  }
  const febEnd = (sql(db(), "SELECT coalesce(sum(amount), 0) AS v FROM ledger WHERE store_id = ? AND period <= '2026-02'").get(storeId) as { v: number }).v;
  const now = (sql(db(), 'SELECT coalesce(sum(value), 0) AS v FROM stock_balances WHERE store_id = ?').get(storeId) as { v: number }).v;
  for (const v of [febEnd, now]) out.push({ label: `库房结存金额合计 ${v} 分`, patterns: fenPatterns(v) });
  return out;
}

// ───────────── reading every answer, downloads included ─────────────

async function fileText(file: { filename: string; base64: string }): Promise<string> {
  const buffer = Buffer.from(file.base64, 'base64');
  if (file.filename.endsWith('.xlsx')) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text ?? cell.value)))));
    return cells.join('\n');
  }
  if (file.filename.endsWith('.sqlite')) {
    const copy = path.join(scratch('blind-backup-'), file.filename);
    fs.writeFileSync(copy, buffer);
    const backup = new Database(copy, { readonly: true });
    try {
      const tables = backup.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      return tables.map((t) => JSON.stringify(backup.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
    } finally {
      backup.close();
    }
  }
  return buffer.toString('utf8');
}

/** Everything an answer says, as text: the body (error message and issues included) and each file in it. */
async function answerText(json: unknown): Promise<string> {
  const files: { filename: string; base64: string }[] = [];
  const body = JSON.stringify(json, (key, value) => {
    if (value && typeof value === 'object' && typeof value.base64 === 'string')
      files.push({ filename: String(value.filename ?? value.fileName), base64: value.base64 });
    return key === 'base64' ? '(file)' : value;
  });
  const texts = [body, ...(await Promise.all(files.map(fileText)))];
  // Instants, dates, digests and tokens are not figures.
  return texts
    .join('\n')
    .replace(/\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?/g, 'D')
    .replace(/\b[0-9a-f]{24,}\b/gi, 'H');
}

// ───────────── the walk ─────────────

interface Count {
  id: number;
  lines: { id: number; drugId: number; lotId: number; batchNo: string }[];
}

interface Walk {
  leaks: string[];
  problems: string[];
  called: Set<string>;
  /** `method drugId` for each method that showed a drug not drawn with its book at the time of the call. */
  shown: Set<string>;
}

function allowed(spec: AnyMethod, role: Role): boolean {
  return spec.access === 'public' || spec.access === 'authenticated' || spec.access.includes(role);
}

const sampleInput = async (name: MethodName, ctx: SampleContext) => {
  const sample = samples[name] as MethodSample<MethodName> | undefined;
  if (!sample) throw new Error(`no sample for ${name}`);
  return 'input' in sample ? sample.input(ctx) : sample.own(ctx);
};

/**
 * Inputs aimed at the open count and at the distinctive drugs at both stores that can be counted (clinic A's
 * and the hub's), instead of (or besides) the samples; the refusals among them are the stock refusals.
 */
function probes(count: Count, counterMode: 'self' | 'onsite'): Partial<Record<MethodName, (() => unknown | Promise<unknown>)[]>> {
  const clinicId = f.clinicA.id;
  const tooMuch = (d: Distinctive, storeId = storeA) => bookQty(d.drug.id, storeId) + 1_000;
  const periods = ['2026-02', '2026-03'];
  const bothStores = [storeA, hubStore];
  const perDrug = <T>(make: (d: Distinctive) => T) => drugs.map((d) => () => make(d));
  /** An approved requisition of clinic B for more than the hub holds: issuing it is refused. */
  const tooMuchForB = (d: Distinctive) => {
    const qty = tooMuch(d, hubStore);
    const [requisitionLineId] = seedApprovedRequisition(f.hub, f.clinicB.id, [{ drug: d.drug, qty }]);
    return { clinicId: f.clinicB.id, lines: [{ requisitionLineId, qty }] };
  };
  const linesOfDrugs = () => drugs.map((d) => ({ drugId: d.drug.id, qty: d.drug.packSize, enteredIn: 'pack' as const, note: null }));
  /** A requisition of clinic A for each distinctive drug, just submitted (its lines keep the stock at the time). */
  const submittedByA = () => f.doctorA.call('requisitions.submit', { submitToken: `blindR${f.seq()}xx`, note: null, lines: linesOfDrugs() });
  /** A document of clinic A holding the whole lot of a counted drug, and then one less on the shelf: posting it is refused. */
  const lotAtA = (d: Distinctive) =>
    (sql(db(), 'SELECT qty FROM stock_balances WHERE store_id = ? AND lot_id = ?').get(storeA, d.lotId) as { qty: number }).qty;
  const thenOneDispensed = async <T>(d: Distinctive, doc: T) => {
    await f.doctorA.call('dispensing.create', { lines: [{ drugId: d.drug.id, qty: 1 }] });
    return doc;
  };
  /** A reviewed requisition of clinic B for a little of each distinctive drug, not yet aggregated or issued. */
  const approvedForB = () => {
    const [lineId] = seedApprovedRequisition(
      f.hub,
      f.clinicB.id,
      drugs.map((d) => ({ drug: d.drug, qty: d.drug.packSize })),
    );
    return (sql(db(), 'SELECT requisition_id AS id FROM requisition_lines WHERE id = ?').get(lineId) as { id: number }).id;
  };
  return {
    'stocktakes.create': [() => ({ kind: 'spot', clinicId, sampleSize: 1, counterMode, blind: true })],
    'stocktakes.list': [() => ({ clinicId }), () => ({ storeId: storeA }), () => ({ storeId: hubStore })],
    'stocktakes.get': [() => ({ id: count.id })],
    'stocktakes.count': [() => ({ id: count.id, entries: [{ lineId: count.lines[0].id, countedQty: 1 }] })],
    'stocktakes.foundLots': [() => ({ id: count.id })],
    'stocktakes.addLine': [
      async () => {
        // A batch of a counted drug the hub received and never issued: on the shelf (or not), not on the store's book.
        const drugId = count.lines[0].drugId;
        const d = drugs.find((x) => x.drug.id === drugId)?.drug ?? (await stockWorld(f)).drug;
        const { receipt } = await receiveAtHub(f, { supplierId: (await stockWorld(f)).supplierId, drug: d }, 1);
        return { id: count.id, lotId: receipt.lines[0].lotId };
      },
    ],
    'stocktakes.requestRecount': [() => ({ id: count.id, lineIds: [count.lines[0].id], reason: '请再数一次' })],
    'stocktakes.approve': [() => ({ id: count.id, reasons: [] })],
    'stocktakes.verifySelection': [() => ({ id: count.id })],
    'stocktakes.accuracy': [() => ({ from: '2026-01', to: '2026-03', clinicId })],
    'stock.onHand': bothStores.flatMap((storeId) => (['all', 'in_stock', 'below_min'] as const).map((filter) => () => ({ storeId, filter }))),
    'stock.lots': bothStores.flatMap((storeId) => perDrug((d) => ({ storeId, drugId: d.drug.id }))),
    'stock.card': bothStores.flatMap((storeId) => perDrug((d) => ({ storeId, drugId: d.drug.id, from: '2026-02-01', to: '2026-03-31' }))),
    'stock.alerts': [() => ({ storeId: storeA }), () => ({ storeId: hubStore }), () => ({})],
    'stock.alertsExport': [() => ({ storeId: storeA }), () => ({ storeId: hubStore }), () => ({})],
    'stock.watchList': bothStores.map((storeId) => () => ({ storeId })),
    'stock.setWatch': bothStores.flatMap((storeId) => perDrug((d) => ({ storeId, drugId: d.drug.id, watched: true, minQty: null, maxQty: null }))),
    'catalog.search': bothStores.flatMap((storeId) => perDrug((d) => ({ q: codeOf(d), storeId }))),
    'requisitions.stockInfo': [() => ({ clinicId, drugIds: drugs.map((d) => d.drug.id) })],
    'requisitions.get': [async () => ({ id: (await submittedByA()).id })],
    'requisitions.cancel': [
      async () => ({
        id: (await f.doctorA.call('requisitions.saveDraft', { createToken: `blindC${f.seq()}xx`, note: null, lines: linesOfDrugs() })).id,
        reason: null,
      }),
    ],
    'requisitions.decide': [
      async () => {
        const req = await submittedByA();
        return { id: req.id, lines: req.lines.map((l) => ({ lineId: l.id, decision: 'approved', reason: null })) };
      },
    ],
    'writeoffs.decide': perDrug(async (d) => {
      const wo = await f.doctorA.call('writeoffs.create', { storeId: storeA, reasonCode: 'damaged', lines: [{ lotId: d.lotId, qty: lotAtA(d) }] });
      return thenOneDispensed(d, { id: wo.id, approve: true });
    }),
    'returns.decide': perDrug(async (d) => {
      const r = await f.doctorA.call('returns.create', { kind: 'clinic_to_hub', reasonCode: 'overstock', lines: [{ lotId: d.lotId, qty: lotAtA(d) }] });
      return thenOneDispensed(d, { id: r.id, accept: true });
    }),
    'requisitions.saveDraft': [
      () => ({
        createToken: `blind${f.seq()}xx`,
        clinicId,
        note: null,
        lines: drugs.map((d) => ({ drugId: d.drug.id, qty: d.drug.packSize, enteredIn: 'pack', note: null })),
      }),
    ],
    'requisitions.submit': [
      () => ({
        submitToken: `blindS${f.seq()}xx`,
        clinicId,
        note: null,
        lines: drugs.map((d) => ({ drugId: d.drug.id, qty: d.drug.packSize, enteredIn: 'pack', note: null })),
      }),
    ],
    'dispensing.create': [
      ...perDrug((d) => ({ clinicId, lines: [{ drugId: d.drug.id, qty: tooMuch(d) }] })),
      // A refusal about one drug of several: the entry names it.
      async () => ({ clinicId, lines: [{ drugId: (await stockWorld(f)).drug.id, qty: 1 }, ...drugs.map((d) => ({ drugId: d.drug.id, qty: tooMuch(d) }))] }),
    ],
    'writeoffs.create': bothStores.flatMap((storeId) =>
      perDrug((d) => ({ storeId, reasonCode: 'damaged', lines: [{ lotId: d.lotId, qty: tooMuch(d, storeId) }] })),
    ),
    'returns.create': [
      ...perDrug((d) => ({ kind: 'clinic_to_hub', clinicId, reasonCode: 'overstock', lines: [{ lotId: d.lotId, qty: tooMuch(d) }] })),
      ...perDrug((d) => ({ kind: 'hub_to_supplier', supplierId, reasonCode: 'overstock', lines: [{ lotId: d.lotId, qty: tooMuch(d, hubStore) }] })),
    ],
    'deliveries.preview': perDrug(tooMuchForB),
    'deliveries.create': perDrug(tooMuchForB),
    // Approved lines of the counted drugs waiting to be issued, each with the hub's available stock.
    'deliveries.pending': [() => (approvedForB(), {}), () => ({ clinicId: f.clinicB.id })],
    'aggregation.preview': [() => ({ requisitionIds: [approvedForB()], hubReplenishment: false })],
    'aggregation.create': [() => ({ requisitionIds: [approvedForB()], hubReplenishment: false, fingerprint: 'a'.repeat(64), note: null })],
    'receipts.reverse': perDrug((d) => ({ id: d.receiptId, reason: '盲盘测试：冲销' })),
    'statements.clinic': periods.map((period) => () => ({ period, clinicId })),
    'statements.hub': periods.map((period) => () => ({ period })),
    'statements.clinics': periods.map((period) => () => ({ period })),
    'statements.export': periods.flatMap((period) => [
      () => ({ kind: 'clinic', period, clinicId }),
      () => ({ kind: 'clinics', period }),
      () => ({ kind: 'hub', period }),
    ]),
    'insuranceExport.preview': bothStores.flatMap((storeId) => periods.map((period) => () => ({ period, storeId }))),
    'insuranceExport.download': [
      ...bothStores.flatMap((storeId) => (['json', 'xlsx'] as const).flatMap((format) => periods.map((period) => () => ({ period, storeId, format })))),
      () => ({ period: '2026-03', format: 'xlsx' }),
    ],
    'supervision.dashboard': [() => ({ from: '2026-02', to: '2026-03', clinicId }), () => ({ from: '2026-02', to: '2026-03' })],
    'supervision.drilldown': [
      () => ({ figure: 'nearExpiry', from: '2026-02', to: '2026-03', clinicId }),
      () => ({ figure: 'nearExpiry', from: '2026-02', to: '2026-03' }),
    ],
    'supervision.signals': [() => ({ from: '2026-02-01', to: '2026-03-02', status: 'all' })],
    // The package of a closed month holds every store's closing balances: refused during the count.
    'prefecture.export': periods.map((period) => () => ({ period })),
    'prefecture.send': periods.map((period) => () => ({ period })),
    'backup.download': [
      () => ({ fileName: 'santong-nohub-20260101-000000-manual.sqlite' }),
      async () => ({ fileName: (await f.admin.call('backup.create', { note: '盲盘测试' })).fileName }),
    ],
    'stock.cardExport': bothStores.flatMap((storeId) => perDrug((d) => ({ storeId, drugId: d.drug.id, from: '2026-02-01', to: '2026-03-31' }))),
    'stock.onHandExport': bothStores.flatMap((storeId) => (['all', 'in_stock', 'below_min'] as const).map((filter) => () => ({ storeId, filter }))),
    'supervision.drilldownExport': [
      () => ({ figure: 'nearExpiry', from: '2026-02', to: '2026-03', clinicId }),
      () => ({ figure: 'nearExpiry', from: '2026-02', to: '2026-03' }),
    ],
  };
}

async function walk(
  counter: () => FixtureUser,
  count: Count,
  counterMode: 'self' | 'onsite',
  role: Role,
  storeId: number,
  hidden: Distinctive[],
  notDrawn: Distinctive[],
): Promise<Walk> {
  const result: Walk = { leaks: [], problems: [], called: new Set(), shown: new Set() };
  const aimed = probes(count, counterMode);
  const stocktakeMethods = (Object.keys(api) as MethodName[]).filter((m) => m.startsWith('stocktakes.'));
  for (const [name, spec] of Object.entries(api) as [MethodName, AnyMethod][]) {
    if (!allowed(spec, role) || NOT_CALLED_DURING_THE_COUNT[name]) continue;
    const builders: (() => unknown)[] = [];
    // The samples of the stocktake methods cancel what is open and draw anew: only the aimed inputs here.
    if (!stocktakeMethods.includes(name)) builders.push(() => sampleInput(name, { f, user: counter() }));
    builders.push(...(aimed[name] ?? []));
    for (const [i, build] of builders.entries()) {
      const where = `${name}#${i}`;
      let input: unknown;
      try {
        input = await build();
      } catch (err) {
        result.problems.push(`${where}: could not build the input: ${(err as Error).message}`);
        continue;
      }
      const res = await post(counter(), name, input);
      if (res.status >= 500 || res.json?.error?.code === 'VALIDATION') result.problems.push(`${where}: ${res.status} ${JSON.stringify(res.json?.error)}`);
      result.called.add(name);
      const text = await answerText(res.json);
      for (const d of notDrawn) if (shows([text], d, storeId)) result.shown.add(`${name} ${d.drug.id}`);
      for (const figure of hiddenBook(storeId, hidden)) {
        const found = figure.patterns.find((p) => p.test(text));
        if (found) result.leaks.push(`${where} shows ${figure.label} (as ${found.source}): ${excerpt(text, found)}`);
      }
    }
  }
  return result;
}

function excerpt(text: string, pattern: RegExp): string {
  const at = text.search(pattern);
  return text.slice(Math.max(0, at - 80), at + 40).replace(/\s+/g, ' ');
}

/** Whether some answer of the method shows the drug's book quantity now at the store (in total, or of its first lot). */
function shows(texts: string[] | undefined, d: Distinctive, storeId: number): boolean {
  const lot = (sql(db(), 'SELECT coalesce(sum(qty), 0) AS q FROM stock_balances WHERE store_id = ? AND lot_id = ?').get(storeId, d.lotId) as { q: number }).q;
  const patterns = [...qtyPatterns(bookQty(d.drug.id, storeId), d.drug), ...qtyPatterns(lot, d.drug)];
  return (texts ?? []).some((t) => patterns.some((p) => p.test(t)));
}

/** The calls whose answers carry the book of a store's drugs when nothing hides it. */
async function bookAnswers(user: FixtureUser, storeId: number): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const ask = async (name: string, input: unknown) => out.set(name, [...(out.get(name) ?? []), await answerText((await post(user, name, input)).json)]);
  await ask('stock.onHand', { storeId, filter: 'all' });
  for (const d of drugs) await ask('stock.lots', { storeId, drugId: d.drug.id });
  for (const d of drugs) await ask('catalog.search', { q: codeOf(d), storeId });
  await ask('insuranceExport.download', { period: '2026-03', storeId, format: 'json' });
  if (storeId === hubStore) {
    await ask('statements.hub', { period: '2026-03' });
    for (const d of drugs) await ask('writeoffs.create', { storeId, reasonCode: 'damaged', lines: [{ lotId: d.lotId, qty: bookQty(d.drug.id, storeId) + 1 }] });
  } else {
    await ask('requisitions.stockInfo', { clinicId: f.clinicA.id, drugIds: drugs.map((d) => d.drug.id) });
    await ask('statements.clinic', { period: '2026-03', clinicId: f.clinicA.id });
    for (const d of drugs) await ask('dispensing.create', { clinicId: f.clinicA.id, lines: [{ drugId: d.drug.id, qty: bookQty(d.drug.id) + 1 }] });
  }
  return out;
}

/** Where a counted drug's book must be seen again once the count is over. */
const VISIBLE_IN = {
  clinic: ['stock.onHand', 'stock.lots', 'catalog.search', 'requisitions.stockInfo', 'statements.clinic', 'insuranceExport.download'],
  hub: ['stock.onHand', 'stock.lots', 'catalog.search', 'statements.hub', 'insuranceExport.download'],
};

describe('a blind count hides the counted drugs’ book from the counter in every answer of the contract', () => {
  it('has considered every method: aimed at the counted drugs, or listed with why it shows no book', () => {
    const aimed = new Set(Object.keys(probes({ id: 0, lines: [] }, 'self')));
    const listed = Object.values(SHOWS_NO_BOOK).flat();
    const ends = Object.keys(NOT_CALLED_DURING_THE_COUNT);
    const problems = (Object.keys(api) as MethodName[]).flatMap((name) => {
      const ways = [aimed.has(name), listed.includes(name), ends.includes(name)].filter(Boolean).length;
      if (ways === 0) return [`${name}: new? aim it at the counted drugs in probes(), or say in SHOWS_NO_BOOK why it shows no book`];
      return ways > 1 ? [`${name}: both aimed and listed`] : [];
    });
    for (const name of [...aimed, ...listed, ...ends]) if (!(name in api)) problems.push(`${name}: no such method any more`);
    expect(problems).toEqual([]);
  });

  for (const [n, scenario] of SCENARIOS.entries()) {
    it(scenario.name, async () => {
      const storeId = scenario.store === 'hub' ? hubStore : storeA;
      // A scenario that failed may have left its count open.
      const keeper = f.newUser('pharmacist');
      for (const open of await call(keeper, 'stocktakes.list', { storeId })) {
        if (open.status === 'counting' || open.status === 'submitted') await call(keeper, 'stocktakes.cancel', { id: open.id, reason: '上一场景未完成' });
      }
      // The book moves between scenarios, away from every count entered before.
      const sightedDoctor = f.newUser('village_doctor');
      for (const d of drugs) await call(sightedDoctor, 'dispensing.create', { lines: [{ drugId: d.drug.id, qty: 17 + n }] });

      const counterMode = scenario.counter === 'village_doctor' ? 'self' : 'onsite';
      const hubCounter = scenario.counter === 'village_doctor' ? null : f.newUser(scenario.counter);
      const counter = () => hubCounter ?? f.newUser('village_doctor'); // any doctor of clinic A counts a self-count
      const opener = hubCounter ?? f.newUser('pharmacist');
      const opened =
        scenario.kind === 'full'
          ? await call(opener, 'stocktakes.create', { kind: 'full', storeId, counterMode, blind: true })
          : await call(opener, 'stocktakes.create', { kind: 'spot', clinicId: f.clinicA.id, sampleSize: 2, counterMode, blind: true });
      const count: Count = { id: opened.id, lines: opened.lines };
      const drawn = new Set(count.lines.map((l) => l.drugId));
      const hidden = drugs.filter((d) => drawn.has(d.drug.id));
      const shown = drugs.filter((d) => !drawn.has(d.drug.id));
      expect(hidden.length, 'some counted drugs have distinctive figures').toBeGreaterThan(0);
      if (scenario.kind === 'spot') expect(shown.length, 'some drugs are not drawn').toBeGreaterThan(0);

      const w = await walk(counter, count, counterMode, scenario.counter, storeId, hidden, shown);

      // Every method the counter's role may call was called (or is listed with its reason).
      const missing = (Object.entries(api) as [MethodName, AnyMethod][])
        .filter(([name, spec]) => allowed(spec, scenario.counter) && !w.called.has(name) && !NOT_CALLED_DURING_THE_COUNT[name])
        .map(([name]) => name);
      expect(missing, 'methods not called: add a sample, a probe, or a reason in NOT_CALLED_DURING_THE_COUNT').toEqual([]);
      expect(w.problems).toEqual([]);
      expect(w.leaks).toEqual([]);

      // Not over-blind: the drugs not drawn keep their figures for the counter...
      for (const d of shown) {
        for (const method of ['stock.onHand', 'stock.lots', 'catalog.search', 'requisitions.stockInfo', 'statements.clinic']) {
          expect(w.shown.has(`${method} ${d.drug.id}`), `${method} shows ${d.drug.name} (not drawn) to the counter`).toBe(true);
        }
      }
      // ...and whoever is not counting sees the counted drugs' book.
      const bystander = scenario.counter === 'village_doctor' ? f.newUser('pharmacist') : f.newUser(scenario.counter);
      const seen = await bookAnswers(bystander, storeId);
      for (const d of hidden) expect(shows(seen.get('stock.onHand'), d, storeId), `a ${bystander.role} who is not counting sees ${d.drug.name}`).toBe(true);

      // The end: counted (every counted drug 3 short) and approved, or cancelled; then the counter sees the book again.
      if (scenario.end === 'approve') {
        const sheet = await call(hubCounter ?? counter(), 'stocktakes.get', { id: count.id });
        const book = (lotId: number) =>
          (sql(db(), 'SELECT coalesce(sum(qty), 0) AS q FROM stock_balances WHERE store_id = ? AND lot_id = ?').get(storeId, lotId) as { q: number }).q;
        const entries = sheet.lines.map((l: { id: number; lotId: number; drugId: number }) => ({
          lineId: l.id,
          countedQty: Math.max(0, book(l.lotId) - (drugs.some((d) => d.lotId === l.lotId) ? 3 : 0)),
        }));
        const countingUser = hubCounter ?? counter();
        await call(countingUser, 'stocktakes.count', { id: count.id, entries });
        await call(countingUser, 'stocktakes.submit', { id: count.id });
        if (!hubCounter) {
          // A self-count stays blind for the doctor until it is approved.
          expect(await blindWhileSubmitted(counter, storeId, hidden)).toEqual([]);
        }
        const review = await call(f.newUser('pharmacist'), 'stocktakes.get', { id: count.id });
        const reasons = review.lines
          .filter((l: { variance: number | null }) => l.variance !== 0)
          .map((l: { id: number }) => ({ lineId: l.id, reasonCode: 'count_error' }));
        await call(f.newUser('pharmacist'), 'stocktakes.approve', { id: count.id, reasons });
      } else {
        await call(hubCounter ?? f.newUser('pharmacist'), 'stocktakes.cancel', { id: count.id, reason: '盲盘测试结束' });
      }
      const after = await bookAnswers(hubCounter ?? counter(), storeId);
      for (const d of hidden) {
        for (const method of VISIBLE_IN[scenario.store]) {
          if (!allowed(api[method as MethodName] as AnyMethod, scenario.counter)) continue;
          expect(shows(after.get(method), d, storeId), `after the count ${method} shows ${d.drug.name} again`).toBe(true);
        }
      }
    }, 240_000);
  }
});

/** The calls that show the book, again, while a self-count waits for review: they must still hide it. */
async function blindWhileSubmitted(counter: () => FixtureUser, storeId: number, hidden: Distinctive[]): Promise<string[]> {
  const answers = await bookAnswers(counter(), storeId);
  const leaks: string[] = [];
  for (const [method, texts] of answers) {
    for (const text of texts) {
      for (const figure of hiddenBook(storeId, hidden)) {
        const found = figure.patterns.find((p) => p.test(text));
        if (found) leaks.push(`${method} (submitted) shows ${figure.label}: ${excerpt(text, found)}`);
      }
    }
  }
  return leaks;
}
