/**
 * Benchmark hubs, built directly in SQLite: the real migrations and setup handlers first (hub, clinics,
 * suppliers, the demo catalog with contract prices), then years of consistent history bulk-inserted in
 * large transactions: receipts (one lot per line), deliveries hub → transit → clinic (signed the next
 * day), dispensing (the bulk), write-offs of lots that expired, supplier payments, and every month
 * closed with its closing snapshots, exactly as the settlement module keeps them.
 *
 * Quantities are simulated in memory (first-expiry-first, like allocateFefo), and every amount follows
 * postMovement's rules (an outgoing row takes lineAmount of the lot's cost, capped by the value held,
 * and emptying a lot takes its whole remaining value), so balances, monthly totals, snapshots and
 * documents agree with the ledger to the fen. `checkLedgerInvariants` proves it after generation.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { InternalClient } from '../../api/internal';
import { DB_FILE_NAME, type Clock } from '../../app';
import { sql } from '../../db/database';
import { Runtime } from '../../runtime';
import { hashPassword } from '../../domain/auth/passwords';
import { buildDemoCatalog, generateCatalogRows, generatedDrugRecord } from '../../demo/catalog';
import { insertDrug } from '../../domain/catalog/drugs';
import { knownSearchNames } from '../../domain/catalog/searchIndex';
import { DOCTOR_NAMES, VILLAGES } from '../../demo/names';
import { addDays, periodBounds, periodOf } from '../../../shared/dates';
import { lineAmountFromPackPrice, unitPriceFromPackPrice } from '../../../shared/money';

/** Bump when the generated data changes shape: cached hubs of another version are rebuilt. */
export const GENERATOR_VERSION = 4;

export interface HubParams {
  clinics: number;
  /** First business day ('YYYY-MM-DD'). */
  start: string;
  /** Last business day; the clock of the hub stands on it. Months before its month are closed. */
  end: string;
  /** Dispensing lines per clinic per day (on average). */
  linesPerClinicDay: number;
  /** Drugs in use (demo catalog plus generated ones). */
  drugs: number;
  /** Drugs each clinic dispenses. */
  formulary: number;
  seed: number;
}

export const BENCH_PASSWORD = 'Bench12345';
export const PHARMACISTS = 10;

export interface GenStats {
  ledgerRows: number;
  dispensingLines: number;
  dispensings: number;
  receipts: number;
  deliveries: number;
  writeoffs: number;
  lots: number;
  closedMonths: number;
  seconds: number;
}

/** A clock standing at noon (China time) of a business day. */
export function noonClock(date: string): Clock {
  return { now: () => new Date(`${date}T04:00:00.000Z`) };
}

function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exact half-up rounding of n / d for non-negative safe integers (what shared/money's divRound does). */
function divRoundUp(n: number, d: number): number {
  let q = Math.floor(n / d);
  let r = n - q * d;
  if (r < 0) {
    q -= 1;
    r += d;
  } else if (r >= d) {
    q += 1;
    r -= d;
  }
  return 2 * r >= d ? q + 1 : q;
}
const MICRO_PER_FEN = 10_000;
/** shared/money lineAmount (qty × micro-yuan unit cost → fen), exact for the magnitudes generated. */
const lineAmount = (qty: number, unitCost: number) => divRoundUp(qty * unitCost, MICRO_PER_FEN);

interface Drug {
  id: number;
  name: string;
  spec: string;
  manufacturer: string;
  packUnit: string;
  baseUnit: string;
  packSize: number;
  packPrice: number;
  unitCost: number;
  supplierId: number;
}

interface LotStock {
  lotId: number;
  expiry: string;
  qty: number;
  value: number;
}

interface Balance {
  storeId: number;
  lotId: number;
  drugId: number;
  qty: number;
  value: number;
}

const SECONDARY_TABLES = [
  'ledger',
  'stock_balances',
  'stock_period_totals',
  'dispensings',
  'dispensing_lines',
  'deliveries',
  'delivery_lines',
  'receipts',
  'receipt_lines',
  'lots',
  'writeoffs',
  'supplier_payments',
  'period_events',
];

/** Builds a hub in `dataDir` (which must not hold one yet). */
export async function generateHub(dataDir: string, params: HubParams, log: (s: string) => void = () => {}): Promise<GenStats> {
  const started = Date.now();
  const rnd = seededRandom(params.seed);
  const clock = noonClock(params.start);
  fs.mkdirSync(dataDir, { recursive: true });

  // ——— Setup through the real handlers ———
  const runtime = new Runtime({ dataDir, clock }, 'main', { recoveryMode: false });
  const drugs: Drug[] = [];
  let hubStore = 0;
  const clinics: { id: number; storeId: number; transitId: number; doctorId: number }[] = [];
  let supplierIds: number[] = [];
  let pharmacistId = 0;
  try {
    const admin = new InternalClient(runtime, '127.0.0.1');
    await admin.call('setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '系统管理员', adminPassword: BENCH_PASSWORD });
    await admin.call('auth.login', { username: 'admin', password: BENCH_PASSWORD });
    const db = runtime.app.db;
    const hash = await hashPassword(BENCH_PASSWORD);
    const at = clock.now().toISOString();
    const insertUser = sql(
      db,
      `INSERT INTO users (username, display_name, role, clinic_id, phone, password_hash, must_change_password, created_at, updated_at)
       VALUES (?, ?, ?, ?, NULL, ?, 0, ?, ?)`,
    );
    for (let i = 1; i <= PHARMACISTS; i++) insertUser.run(i === 1 ? 'yaoku' : `yaoku${i}`, `药师${i}`, 'pharmacist', null, hash, at, at);
    insertUser.run('caiwu', '孙会计', 'finance', null, hash, at, at);
    for (let i = 0; i < params.clinics; i++) {
      const village = VILLAGES[i % VILLAGES.length] + (i >= VILLAGES.length ? String(Math.floor(i / VILLAGES.length) + 1) : '');
      const code = `C${String(i + 1).padStart(2, '0')}`;
      const clinic = await admin.call('clinics.create', { code, name: `${village}村卫生室`, village: `${village}村`, address: null, phone: null });
      const doctor = insertUser.run(`cy${String(i + 1).padStart(2, '0')}`, DOCTOR_NAMES[i % DOCTOR_NAMES.length], 'village_doctor', clinic.id, hash, at, at);
      const stores = sql(db, 'SELECT id, kind FROM stores WHERE clinic_id = ?').all(clinic.id) as { id: number; kind: string }[];
      clinics.push({
        id: clinic.id,
        storeId: stores.find((s) => s.kind === 'clinic')!.id,
        transitId: stores.find((s) => s.kind === 'transit')!.id,
        doctorId: Number(doctor.lastInsertRowid),
      });
    }
    hubStore = (sql(db, "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
    pharmacistId = (sql(db, "SELECT id FROM users WHERE username = 'yaoku'").get() as { id: number }).id;
    const catalog = await buildDemoCatalog(InternalClient.asUser(runtime, 'yaoku'), params.seed);
    supplierIds = catalog.supplierIds;
    // Top the catalog up with generated drugs (same domain code as the import), each with a contract price.
    const extra = Math.max(0, params.drugs - catalog.drugIds.length);
    db.transaction(() => {
      const known = knownSearchNames(db);
      const price = sql(db, 'INSERT INTO supplier_prices (supplier_id, drug_id, pack_price, active, updated_at) VALUES (?, ?, ?, 1, ?)');
      for (const r of generateCatalogRows(extra, params.seed)) {
        const supplierId = supplierIds[Math.floor(rnd() * supplierIds.length)];
        const id = insertDrug(
          db,
          { ...generatedDrugRecord(r, supplierId), zeroMarkup: true, tracePrefix: null }, // the generated history sells at cost and scans no codes
          at,
          known,
        );
        price.run(supplierId, id, r.vbpPrice ?? (5 + Math.floor(rnd() * 300)) * 100_000, at);
      }
    })();
    const rows = sql(
      db,
      `SELECT d.id, d.generic_name AS name, d.spec, d.manufacturer, d.pack_unit AS packUnit, d.base_unit AS baseUnit, d.pack_size AS packSize,
              p.pack_price AS packPrice, p.supplier_id AS supplierId
         FROM drugs d JOIN supplier_prices p ON p.drug_id = d.id AND p.supplier_id = coalesce(d.default_supplier_id, p.supplier_id)
        WHERE d.active = 1 GROUP BY d.id ORDER BY d.id LIMIT ?`,
    ).all(params.drugs) as Omit<Drug, 'unitCost'>[];
    for (const r of rows)
      drugs.push({ ...r, packPrice: Math.max(r.packPrice, 10_000), unitCost: unitPriceFromPackPrice(Math.max(r.packPrice, 10_000), r.packSize) });
  } finally {
    runtime.close();
  }
  log(`  setup: ${clinics.length} clinics, ${drugs.length} drugs in use, ${supplierIds.length} suppliers (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // ——— Bulk history, on a raw connection without journal, secondary indexes dropped ———
  const db = new Database(path.join(dataDir, DB_FILE_NAME));
  // No journal during the bulk load: out of WAL first, and better-sqlite3's defensive mode (which refuses
  // journal_mode = OFF) lifted for this connection only. The hub is restored to WAL + FULL below.
  db.unsafeMode(true);
  db.pragma('journal_mode = DELETE');
  const journal = db.pragma('journal_mode = OFF', { simple: true });
  if (journal !== 'off') log(`  (journal_mode stays ${String(journal)} during the load)`);
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -256000');
  db.pragma('temp_store = MEMORY');
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${SECONDARY_TABLES.map(() => '?').join(',')})`)
    .all(...SECONDARY_TABLES) as { name: string; sql: string }[];
  for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`);

  const maxId = (table: string) => (db.prepare(`SELECT coalesce(max(id), 0) AS n FROM ${table}`).get() as { n: number }).n;
  let ledgerId = maxId('ledger');
  let lotId = maxId('lots');
  let receiptId = maxId('receipts');
  let receiptLineId = maxId('receipt_lines');
  let deliveryId = maxId('deliveries');
  let deliveryLineId = maxId('delivery_lines');
  let dispensingId = maxId('dispensings');
  let dispensingLineId = maxId('dispensing_lines');
  let writeoffId = maxId('writeoffs');
  let writeoffLineId = maxId('writeoff_lines');
  let paymentId = maxId('supplier_payments');
  let eventId = maxId('period_events');

  const ins = {
    ledger: db.prepare(
      `INSERT INTO ledger (id, store_id, drug_id, lot_id, movement, qty, unit_cost, amount, doc_type, doc_id, doc_line_id, reverses_id, business_date, period, user_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
    ),
    lot: db.prepare('INSERT INTO lots (id, drug_id, batch_no, mfg_date, expiry_date, unit_cost, supplier_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    receipt: db.prepare(
      `INSERT INTO receipts (id, doc_no, po_id, supplier_id, invoice_no, invoice_date, business_date, status, total_amount, note, created_by, created_at)
       VALUES (?, ?, NULL, ?, ?, ?, ?, 'posted', ?, NULL, ?, ?)`,
    ),
    receiptLine: db.prepare(
      `INSERT INTO receipt_lines (id, receipt_id, line_no, po_line_id, drug_id, lot_id, batch_no, mfg_date, expiry_date, qty, pack_price, amount, drug_name, spec, manufacturer, pack_unit, base_unit, pack_size)
       VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    delivery: db.prepare(
      `INSERT INTO deliveries (id, doc_no, clinic_id, status, business_date, total_amount, note, created_by, created_at, signed_by, signed_at, sign_date, sign_note)
       VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, NULL)`,
    ),
    deliveryLine: db.prepare(
      `INSERT INTO delivery_lines (id, delivery_id, line_no, requisition_line_id, drug_id, lot_id, batch_no, expiry_date, qty, unit_cost, amount, drug_name, spec, manufacturer, pack_unit, base_unit, pack_size, received_qty)
       VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    dispensing: db.prepare(
      `INSERT INTO dispensings (id, clinic_id, business_date, rx_no, visit_no, note, status, total_amount, client_token, created_by, created_at)
       VALUES (?, ?, ?, ?, NULL, NULL, 'posted', ?, NULL, ?, ?)`,
    ),
    dispensingLine: db.prepare(
      `INSERT INTO dispensing_lines (id, dispensing_id, line_no, drug_id, qty, amount, drug_name, spec, pack_unit, base_unit, pack_size)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    writeoff: db.prepare(
      `INSERT INTO writeoffs (id, doc_no, store_id, reason_code, reason, status, business_date, total_amount, created_by, created_at, decided_by, decided_at, decision_note)
       VALUES (?, ?, ?, 'expired', '过期药品报损', 'approved', ?, ?, ?, ?, ?, ?, NULL)`,
    ),
    writeoffLine: db.prepare(
      `INSERT INTO writeoff_lines (id, writeoff_id, line_no, drug_id, lot_id, qty, amount, drug_name, spec, batch_no, expiry_date, pack_unit, base_unit, pack_size)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    payment: db.prepare(
      `INSERT INTO supplier_payments (id, supplier_id, pay_date, period, voucher_no, amount, method, note, reverses_id, reverse_reason, client_token, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'transfer', NULL, NULL, NULL, NULL, ?, ?)`,
    ),
    totals: db.prepare(`INSERT INTO stock_period_totals (store_id, drug_id, period, movement, qty, amount) VALUES (?, ?, ?, ?, ?, ?)`),
    event: db.prepare(
      `INSERT INTO period_events (id, period, action, at, user_id, reason, warnings, backup_file, summary) VALUES (?, ?, 'close', ?, ?, NULL, '[]', NULL, ?)`,
    ),
    closing: db.prepare('INSERT INTO period_closings (event_id, store_id, drug_id, qty, value) VALUES (?, ?, ?, ?, ?)'),
    supplierClosing: db.prepare('INSERT INTO period_supplier_closings (event_id, supplier_id, balance) VALUES (?, ?, ?)'),
    period: db.prepare("INSERT INTO periods (period, status, closed_at, closed_by) VALUES (?, 'closed', ?, ?)"),
    balance: db.prepare('INSERT INTO stock_balances (store_id, lot_id, drug_id, qty, value) VALUES (?, ?, ?, ?, ?)'),
    docSeq: db.prepare(
      'INSERT INTO doc_sequences (prefix, period, last) VALUES (?, ?, ?) ON CONFLICT (prefix, period) DO UPDATE SET last = max(last, excluded.last)',
    ),
  };

  // ——— In-memory books ———
  const balances = new Map<number, Balance>(); // store × lot
  const balanceKey = (storeId: number, lot: number) => storeId * 100_000_000 + lot;
  /** Live lots per store × drug, first expiry first. */
  const live = new Map<number, LotStock[]>();
  const liveKey = (storeId: number, drugId: number) => storeId * 1_000_000 + drugId;
  const lotInfo = new Map<number, { drugId: number; batchNo: string; expiry: string; unitCost: number }>();
  let monthTotals = new Map<string, { storeId: number; drugId: number; movement: string; qty: number; amount: number }>();
  const supplierOwed = new Map<number, number>(supplierIds.map((id) => [id, 0]));
  const receivedThisMonth = new Map<number, number>();
  const docSeq = new Map<string, number>();
  const stats: GenStats = { ledgerRows: 0, dispensingLines: 0, dispensings: 0, receipts: 0, deliveries: 0, writeoffs: 0, lots: 0, closedMonths: 0, seconds: 0 };

  const docNo = (prefix: string, date: string) => {
    const period = date.slice(0, 7).replace('-', '');
    const key = `${prefix}|${period}`;
    const n = (docSeq.get(key) ?? 0) + 1;
    docSeq.set(key, n);
    return `${prefix}-${period}-${String(n).padStart(4, '0')}`;
  };

  const stamp = (date: string, seconds: number) => new Date(Date.parse(`${date}T00:30:00.000Z`) + seconds * 1000).toISOString();

  /** One ledger row with its balance and monthly total, by postMovement's rules. Returns the amount. */
  function post(
    storeId: number,
    lot: number,
    qty: number,
    movement: string,
    docType: string,
    docId: number,
    docLineId: number | null,
    date: string,
    userId: number,
    at: string,
    inAmount?: number,
  ): number {
    const info = lotInfo.get(lot)!;
    const key = balanceKey(storeId, lot);
    let b = balances.get(key);
    if (!b) balances.set(key, (b = { storeId, lotId: lot, drugId: info.drugId, qty: 0, value: 0 }));
    let amount: number;
    if (qty < 0) {
      if (b.qty < -qty) throw new Error(`generator bug: negative stock at store ${storeId} lot ${lot}`);
      amount = b.qty === -qty ? -b.value : -Math.min(b.value, lineAmount(-qty, info.unitCost));
    } else amount = inAmount ?? lineAmount(qty, info.unitCost);
    b.qty += qty;
    b.value = b.qty === 0 ? 0 : b.value + amount;
    const period = date.slice(0, 7);
    ins.ledger.run(++ledgerId, storeId, info.drugId, lot, movement, qty, info.unitCost, amount, docType, docId, docLineId, date, period, userId, at);
    stats.ledgerRows += 1;
    const tkey = `${storeId}|${info.drugId}|${movement}`;
    const t = monthTotals.get(tkey);
    if (t) {
      t.qty += qty;
      t.amount += amount;
    } else monthTotals.set(tkey, { storeId, drugId: info.drugId, movement, qty, amount });
    return amount;
  }

  /** Adds stock to a store's live lots (keeping first-expiry-first order). */
  function addLive(storeId: number, drugId: number, lot: number, qty: number, value: number) {
    const key = liveKey(storeId, drugId);
    let list = live.get(key);
    if (!list) live.set(key, (list = []));
    const found = list.find((l) => l.lotId === lot);
    if (found) {
      found.qty += qty;
      found.value += value;
      return;
    }
    const expiry = lotInfo.get(lot)!.expiry;
    const entry = { lotId: lot, expiry, qty, value };
    let i = list.length;
    while (i > 0 && (list[i - 1].expiry > expiry || (list[i - 1].expiry === expiry && list[i - 1].lotId > lot))) i--;
    list.splice(i, 0, entry);
  }

  /** Takes up to qty from a store's unexpired lots, first expiry first; returns the lots taken. */
  function takeFefo(storeId: number, drugId: number, qty: number, date: string): { lotId: number; qty: number }[] {
    const list = live.get(liveKey(storeId, drugId));
    if (!list) return [];
    const out: { lotId: number; qty: number }[] = [];
    let left = qty;
    for (const l of list) {
      if (left === 0) break;
      if (l.expiry < date || l.qty === 0) continue;
      const take = Math.min(left, l.qty);
      out.push({ lotId: l.lotId, qty: take });
      left -= take;
    }
    return out;
  }
  function usable(storeId: number, drugId: number, date: string): number {
    const list = live.get(liveKey(storeId, drugId));
    let n = 0;
    if (list) for (const l of list) if (l.expiry >= date) n += l.qty;
    return n;
  }
  /** Syncs a store's live list with the balances after postings. */
  function refreshLive(storeId: number, drugId: number) {
    const key = liveKey(storeId, drugId);
    const list = live.get(key);
    if (!list) return;
    for (const l of list) {
      const b = balances.get(balanceKey(storeId, l.lotId))!;
      l.qty = b.qty;
      l.value = b.value;
    }
    const kept = list.filter((l) => l.qty > 0);
    if (kept.length !== list.length) live.set(key, kept);
  }

  // ——— Demand model ———
  const clinicDrugs = clinics.map(() => {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(params.formulary, drugs.length)) chosen.add(Math.floor(rnd() ** 1.6 * drugs.length));
    const list = [...chosen].map((i) => drugs[i]);
    const weights = list.map((_, i) => 1 / (i + 3));
    const sum = weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    const cumulative = weights.map((w) => (acc += w / sum));
    // Base units per dispensing line: about a course (a few days' doses).
    const dose = list.map((d) => Math.max(1, Math.round(d.packSize * (0.3 + rnd() * 0.7))));
    const dailyDemand = list.map((_, i) => params.linesPerClinicDay * (weights[i] / sum) * dose[i]);
    return { list, cumulative, dose, dailyDemand };
  });
  const hubDaily = new Map<number, number>();
  clinicDrugs.forEach((c) => c.list.forEach((d, i) => hubDaily.set(d.id, (hubDaily.get(d.id) ?? 0) + c.dailyDemand[i])));
  const drugById = new Map(drugs.map((d) => [d.id, d]));

  const endPeriod = periodOf(params.end);
  const closeThrough = periodOf(addDays(`${endPeriod}-01`, -1));
  let pendingSigns: { clinicIdx: number; deliveryId: number; lines: { lineId: number; lotId: number; qty: number; amount: number; drugId: number }[] }[] = [];

  function receive(date: string) {
    // Weekly purchase per supplier: drugs below three weeks of demand are brought up to six.
    const bySupplier = new Map<number, Drug[]>();
    for (const d of drugs) {
      const daily = hubDaily.get(d.id) ?? 0;
      if (daily === 0) continue;
      if (usable(hubStore, d.id, date) >= daily * 21) continue;
      const list = bySupplier.get(d.supplierId) ?? [];
      list.push(d);
      bySupplier.set(d.supplierId, list);
    }
    for (const [supplierId, list] of bySupplier) {
      const id = ++receiptId;
      const at = stamp(date, 3600 + (id % 600));
      let total = 0;
      list.forEach((d, i) => {
        const need = (hubDaily.get(d.id) ?? 0) * 42 - usable(hubStore, d.id, date);
        const packs = Math.max(1, Math.ceil(need / d.packSize));
        const qty = packs * d.packSize;
        const lot = ++lotId;
        const batchNo = `B${date.replace(/-/g, '').slice(2)}${String(lot % 1000).padStart(3, '0')}`;
        const expiry = addDays(date, 540 + Math.floor(rnd() * 540));
        const mfg = addDays(date, -30 - Math.floor(rnd() * 90));
        ins.lot.run(lot, d.id, batchNo, mfg, expiry, d.unitCost, supplierId, at);
        lotInfo.set(lot, { drugId: d.id, batchNo, expiry, unitCost: d.unitCost });
        stats.lots += 1;
        const amount = lineAmountFromPackPrice(qty, d.packPrice, d.packSize);
        const lineId = ++receiptLineId;
        ins.receiptLine.run(
          lineId,
          id,
          i + 1,
          d.id,
          lot,
          batchNo,
          mfg,
          expiry,
          qty,
          d.packPrice,
          amount,
          d.name,
          d.spec,
          d.manufacturer,
          d.packUnit,
          d.baseUnit,
          d.packSize,
        );
        post(hubStore, lot, qty, 'receipt', 'receipt', id, lineId, date, pharmacistId, at, amount);
        addLive(hubStore, d.id, lot, qty, amount);
        total += amount;
      });
      ins.receipt.run(id, docNo('RK', date), supplierId, `FP${date.replace(/-/g, '')}${id}`, date, date, total, pharmacistId, at);
      stats.receipts += 1;
      supplierOwed.set(supplierId, (supplierOwed.get(supplierId) ?? 0) + total);
      receivedThisMonth.set(supplierId, (receivedThisMonth.get(supplierId) ?? 0) + total);
    }
  }

  function deliver(date: string, clinicIdx: number) {
    const c = clinics[clinicIdx];
    const model = clinicDrugs[clinicIdx];
    const id = ++deliveryId;
    const at = stamp(date, 7200 + clinicIdx * 60);
    const lines: (typeof pendingSigns)[number]['lines'] = [];
    let total = 0;
    model.list.forEach((d, i) => {
      const daily = model.dailyDemand[i];
      // Below ten days' use: topped up to about three and a half weeks, in whole packs.
      if (usable(c.storeId, d.id, date) >= daily * 10) return;
      const want = Math.ceil(Math.max(daily * 24 - usable(c.storeId, d.id, date), d.packSize) / d.packSize) * d.packSize;
      for (const take of takeFefo(hubStore, d.id, want, date)) {
        const lineId = ++deliveryLineId;
        const out = post(hubStore, take.lotId, -take.qty, 'issue_out', 'delivery', id, lineId, date, pharmacistId, at);
        post(c.transitId, take.lotId, take.qty, 'transit_in', 'delivery', id, lineId, date, pharmacistId, at, -out);
        const info = lotInfo.get(take.lotId)!;
        ins.deliveryLine.run(
          lineId,
          id,
          lines.length + 1,
          d.id,
          take.lotId,
          info.batchNo,
          info.expiry,
          take.qty,
          info.unitCost,
          -out,
          d.name,
          d.spec,
          d.manufacturer,
          d.packUnit,
          d.baseUnit,
          d.packSize,
          take.qty,
        );
        lines.push({ lineId, lotId: take.lotId, qty: take.qty, amount: -out, drugId: d.id });
        total += -out;
      }
      refreshLive(hubStore, d.id);
    });
    if (lines.length === 0) {
      deliveryId -= 1;
      return;
    }
    // Signed for the next morning (on the last day, the same day).
    const signDate = addDays(date, 1) > params.end ? date : addDays(date, 1);
    ins.delivery.run(id, docNo('CK', date), c.id, 'signed', date, total, pharmacistId, at, c.doctorId, stamp(signDate, 1800), signDate);
    stats.deliveries += 1;
    const pending = { clinicIdx, deliveryId: id, lines };
    if (signDate === date) sign(pending, date);
    else pendingSigns.push(pending);
  }

  function sign(p: (typeof pendingSigns)[number], date: string) {
    const c = clinics[p.clinicIdx];
    const at = stamp(date, 1800 + p.clinicIdx);
    for (const l of p.lines) {
      const out = post(c.transitId, l.lotId, -l.qty, 'transit_out', 'delivery', p.deliveryId, l.lineId, date, c.doctorId, at);
      const amount = post(c.storeId, l.lotId, l.qty, 'issue_in', 'delivery', p.deliveryId, l.lineId, date, c.doctorId, at, -out);
      addLive(c.storeId, l.drugId, l.lotId, l.qty, amount);
    }
  }

  function signAll(date: string) {
    for (const p of pendingSigns) sign(p, date);
    pendingSigns = [];
  }

  function dispense(date: string, clinicIdx: number) {
    const c = clinics[clinicIdx];
    const model = clinicDrugs[clinicIdx];
    const lines = Math.max(1, Math.round(params.linesPerClinicDay * (0.7 + rnd() * 0.6)));
    let done = 0;
    let seq = 0;
    while (done < lines) {
      const n = Math.min(lines - done, 1 + Math.floor(rnd() * 4));
      done += n;
      const id = ++dispensingId;
      seq += 1;
      const at = stamp(date, 600 + seq * 97);
      let total = 0;
      let lineNo = 0;
      const used = new Set<number>();
      for (let k = 0; k < n; k++) {
        const r = rnd();
        let i = 0;
        while (model.cumulative[i] < r) i++;
        const d = model.list[i];
        if (used.has(d.id)) continue;
        const qty = model.dose[i];
        if (usable(c.storeId, d.id, date) < qty) continue;
        used.add(d.id);
        const lineId = ++dispensingLineId;
        let amount = 0;
        for (const take of takeFefo(c.storeId, d.id, qty, date))
          amount -= post(c.storeId, take.lotId, -take.qty, 'dispense', 'dispensing', id, lineId, date, c.doctorId, at);
        refreshLive(c.storeId, d.id);
        ins.dispensingLine.run(lineId, id, ++lineNo, d.id, qty, amount, d.name, d.spec, d.packUnit, d.baseUnit, d.packSize);
        stats.dispensingLines += 1;
        total += amount;
      }
      if (lineNo === 0) {
        dispensingId -= 1;
        continue;
      }
      ins.dispensing.run(
        id,
        c.id,
        date,
        `RX${date.replace(/-/g, '')}${String(clinicIdx + 1).padStart(2, '0')}${String(seq).padStart(3, '0')}`,
        total,
        c.doctorId,
        at,
      );
      stats.dispensings += 1;
    }
  }

  /** On the first of each month, every store writes off the lots that have expired (报损). */
  function writeOffExpired(date: string) {
    const byStore = new Map<number, { drugId: number; lot: LotStock }[]>();
    for (const [key, list] of live) {
      const storeId = Math.floor(key / 1_000_000);
      const drugId = key % 1_000_000;
      for (const l of list) if (l.expiry < date && l.qty > 0) (byStore.get(storeId) ?? byStore.set(storeId, []).get(storeId)!).push({ drugId, lot: l });
    }
    for (const [storeId, items] of byStore) {
      if (storeId !== hubStore && !clinics.some((c) => c.storeId === storeId)) continue;
      const id = ++writeoffId;
      const at = stamp(date, 5400);
      let total = 0;
      items.forEach(({ drugId, lot }, i) => {
        const d = drugById.get(drugId)!;
        const info = lotInfo.get(lot.lotId)!;
        const lineId = ++writeoffLineId;
        const amount = -post(storeId, lot.lotId, -lot.qty, 'writeoff', 'writeoff', id, lineId, date, pharmacistId, at);
        ins.writeoffLine.run(
          lineId,
          id,
          i + 1,
          drugId,
          lot.lotId,
          lot.qty,
          amount,
          d.name,
          d.spec,
          info.batchNo,
          info.expiry,
          d.packUnit,
          d.baseUnit,
          d.packSize,
        );
        total += amount;
      });
      for (const { drugId } of items) refreshLive(storeId, drugId);
      ins.writeoff.run(id, docNo('BS', date), storeId, date, total, pharmacistId, at, pharmacistId, at);
      stats.writeoffs += 1;
    }
  }

  function payLastMonth(date: string, owedLastMonth: Map<number, number>) {
    for (const [supplierId, amount] of owedLastMonth) {
      if (amount <= 0) continue;
      const id = ++paymentId;
      ins.payment.run(id, supplierId, date, date.slice(0, 7), `PZ${date.replace(/-/g, '')}${id}`, amount, pharmacistId, stamp(date, 9000));
      supplierOwed.set(supplierId, (supplierOwed.get(supplierId) ?? 0) - amount);
    }
  }

  function flushTotals(period: string) {
    for (const t of monthTotals.values()) ins.totals.run(t.storeId, t.drugId, period, t.movement, t.qty, t.amount);
  }

  function closeMonth(period: string, closedAt: string) {
    const id = ++eventId;
    let purchased = 0;
    let dispensed = 0;
    for (const t of monthTotals.values()) {
      if (t.movement === 'receipt') purchased += t.amount;
      if (t.movement === 'dispense') dispensed -= t.amount;
    }
    const perStoreDrug = new Map<number, { storeId: number; drugId: number; qty: number; value: number }>();
    for (const b of balances.values()) {
      if (b.qty === 0 && b.value === 0) continue;
      const key = b.storeId * 1_000_000 + b.drugId;
      const cur = perStoreDrug.get(key);
      if (cur) {
        cur.qty += b.qty;
        cur.value += b.value;
      } else perStoreDrug.set(key, { storeId: b.storeId, drugId: b.drugId, qty: b.qty, value: b.value });
    }
    let hub = 0;
    let clinicsValue = 0;
    let transit = 0;
    const clinicStores = new Set(clinics.map((c) => c.storeId));
    for (const r of perStoreDrug.values()) {
      if (r.storeId === hubStore) hub += r.value;
      else if (clinicStores.has(r.storeId)) clinicsValue += r.value;
      else transit += r.value;
    }
    const owed = [...supplierOwed.values()].reduce((a, b) => a + b, 0);
    const summary = {
      hubClosingValue: hub,
      clinicsClosingValue: clinicsValue,
      transitClosingValue: transit,
      purchasedValue: purchased,
      dispensedValue: dispensed,
      suppliersOwed: owed,
      snapshotRows: perStoreDrug.size,
    };
    ins.event.run(id, period, closedAt, pharmacistId, JSON.stringify(summary));
    for (const r of perStoreDrug.values()) ins.closing.run(id, r.storeId, r.drugId, r.qty, r.value);
    for (const [supplierId, balance] of supplierOwed) if (balance !== 0) ins.supplierClosing.run(id, supplierId, balance);
    ins.period.run(period, closedAt, pharmacistId);
    stats.closedMonths += 1;
  }

  // ——— The days ———
  let owedLastMonth = new Map<number, number>();
  let date = params.start;
  let period = periodOf(date);
  let monthStarted = Date.now();
  const commit = () => {
    db.exec('COMMIT');
    db.exec('BEGIN');
  };
  db.exec('BEGIN');
  for (;;) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (date.endsWith('-01')) writeOffExpired(date);
    if (date.endsWith('-10')) {
      payLastMonth(date, owedLastMonth);
      owedLastMonth = new Map();
    }
    signAll(date);
    if (weekday === 1 || date === params.start) receive(date);
    for (let i = 0; i < clinics.length; i++) {
      if (date === params.start || (weekday + i) % 7 === 2) deliver(date, i);
      dispense(date, i);
    }
    const next = addDays(date, 1);
    if (next > params.end || periodOf(next) !== period) {
      flushTotals(period);
      for (const [s, v] of receivedThisMonth) owedLastMonth.set(s, (owedLastMonth.get(s) ?? 0) + v);
      receivedThisMonth.clear();
      if (period <= closeThrough) closeMonth(period, stamp(addDays(periodBounds(period).last, 3), 3600));
      monthTotals = new Map();
      commit();
      if (period.endsWith('-12') || next > params.end) {
        log(
          `  ${period}: ${stats.ledgerRows.toLocaleString('en')} ledger rows (${((Date.now() - started) / 1000).toFixed(0)} s; last month ${Date.now() - monthStarted} ms)`,
        );
      }
      monthStarted = Date.now();
      if (next > params.end) break;
      period = periodOf(next);
    }
    date = next;
  }
  // Balances as the ledger left them (emptied lots keep their row, as postMovement leaves them).
  for (const b of balances.values()) ins.balance.run(b.storeId, b.lotId, b.drugId, b.qty, b.value);
  for (const [key, last] of docSeq) {
    const [prefix, p] = key.split('|');
    ins.docSeq.run(prefix, p, last);
  }
  db.exec('COMMIT');
  log(`  bulk load done (${((Date.now() - started) / 1000).toFixed(0)} s); creating ${indexes.length} indexes…`);
  for (const ix of indexes) db.exec(ix.sql);
  db.pragma('journal_mode = DELETE');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.unsafeMode(false);
  db.close();
  stats.seconds = (Date.now() - started) / 1000;
  log(`  indexes created (${stats.seconds.toFixed(0)} s)`);
  return stats;
}
