/**
 * The 医保进销存 export against the ledger: a month of business driven through the real handlers (receipts
 * with trace codes, a receipt reversal, delivery and sign-off, dispensing with a split pack and a reversal,
 * a supplier return, a clinic return, a write-off, a stocktake with surplus and shortage), then every
 * interface is checked against sums taken straight from the ledger for the same month.
 */
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { buildExport, exportStores, previewOf } from '../../electron/domain/insurance-export/build';
import { previewExport } from '../../electron/domain/insurance-export/summary';
import { chinaDate } from '../../shared/dates';
import { INTERFACE_CODES, INTERFACE_FIELDS, INV_CHG_DIRECTION, INTERFACE_DIRECTION, type InterfaceCode, type InvChgType } from '../../shared/insurance-export';
import { createClinic, createTestHub, createUser, ManualClock, type TestHub } from '../helpers/runtime';
import { seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';
import { stockClinic } from '../helpers/stocktake';

type Row = Record<string, unknown>;
type Upload = Record<InterfaceCode, Row[]>;

let hub: TestHub;
let clinicId: number;
let otherClinicId: number;
let hubStore: number;
let clinicStore: number;
let transitStore: number;
let supplierId: number;
let amox: SeedDrug; // 24 粒 a box at 12.50 yuan
let vitc: SeedDrug; // 100 片 a bottle at 3.00 yuan
const as = (username: string) => InternalClient.asUser(hub.runtime, username);
const db = () => hub.runtime.app.db;
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );

async function receive(drug: SeedDrug, batchNo: string, qty: number, packPrice: number, extra: { traceCodes?: string[]; mfgDate?: string } = {}) {
  const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug, qty, packPrice }]);
  return as('yaoku').call('receipts.create', {
    poId,
    invoiceNo: `FP-${batchNo}`,
    lines: [
      { poLineId: lineIds[0], batchNo, expiryDate: '2028-06-30', qty, packPrice, mfgDate: extra.mfgDate ?? '2026-01-15', traceCodes: extra.traceCodes ?? [] },
    ],
  });
}

/** The March of the tests: every kind of movement the export maps, at the hub and at clinic C01. */
async function buildMarch() {
  let pharmacist = as('yaoku');
  // The clinic's stock: two amox lots and one vitc lot, received, delivered and signed for.
  await stockClinic(hub, { pharmacist, doctor: as('cy01') }, clinicId, supplierId, [
    {
      drug: amox,
      packPrice: 12_500_000,
      lots: [
        { batchNo: 'A1', expiryDate: '2027-06-30', qty: 48 },
        { batchNo: 'A2', expiryDate: '2028-01-31', qty: 72 },
      ],
    },
    { drug: vitc, packPrice: 3_000_000, lots: [{ batchNo: 'V1', expiryDate: '2027-09-30', qty: 300 }] },
  ]);
  // Stock that stays at the hub, with the boxes' trace codes; part of it goes back to the supplier.
  await receive(amox, 'H1', 96, 12_000_000, { traceCodes: ['81234560000000000001', '81234560000000000002'] });
  const h1 = (sql(db(), "SELECT id FROM lots WHERE batch_no = 'H1'").get() as { id: number }).id;
  await pharmacist.call('returns.create', { kind: 'hub_to_supplier', supplierId, reasonCode: 'quality', reason: null, lines: [{ lotId: h1, qty: 24 }] });
  // A receipt entered wrongly and reversed.
  const wrong = await receive(vitc, 'X9', 200, 3_000_000);
  await pharmacist.call('receipts.reverse', { id: wrong.receipt.id, reason: '批号录错' });

  hub.clock.set('2026-03-10T02:00:00.000Z');
  pharmacist = as('yaoku');
  const doctor = as('cy01');
  // A split pack (30 capsules: a box and 6) across both amox lots (FEFO: 48 from A1 first), a whole bottle.
  const d1 = await doctor.call('dispensing.create', {
    rxNo: 'CF001',
    visitNo: 'MZ20260310001',
    lines: [
      { drugId: amox.id, qty: 30 },
      { drugId: vitc.id, qty: 100 },
    ],
  });
  const d2 = await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 20 }] });
  await doctor.call('dispensing.reverse', { id: d2.id, reason: '登记错误' });
  const a2 = (sql(db(), "SELECT id FROM lots WHERE batch_no = 'A2'").get() as { id: number }).id;
  const v1 = (sql(db(), "SELECT id FROM lots WHERE batch_no = 'V1'").get() as { id: number }).id;
  const ret = await doctor.call('returns.create', { kind: 'clinic_to_hub', reasonCode: 'near_expiry', reason: null, lines: [{ lotId: a2, qty: 12 }] });
  await pharmacist.call('returns.decide', { id: ret.id, accept: true, note: null });
  const w = await pharmacist.call('writeoffs.create', { storeId: clinicStore, reasonCode: 'damaged', reason: null, lines: [{ lotId: v1, qty: 10 }] });
  await pharmacist.call('writeoffs.decide', { id: w.id, approve: true, note: null });
  const lost = await pharmacist.call('writeoffs.create', { storeId: hubStore, reasonCode: 'lost', reason: '盘点前发现丢失', lines: [{ lotId: h1, qty: 2 }] });
  await pharmacist.call('writeoffs.decide', { id: lost.id, approve: true, note: null });

  // A full stocktake of the clinic: one amox lot short by 3, the vitc lot over by 5.
  hub.clock.set('2026-03-20T02:00:00.000Z');
  const st = await as('yaoku').call('stocktakes.create', { kind: 'full', storeId: clinicStore, counterMode: 'self', blind: false });
  const onHand = (lotId: number) =>
    (sql(db(), 'SELECT qty FROM stock_balances WHERE store_id = ? AND lot_id = ?').get(clinicStore, lotId) as { qty: number }).qty;
  const book = Object.fromEntries(st.lines.map((l) => [l.batchNo, onHand(l.lotId)]));
  const counted: Record<string, number> = { ...book, A2: book.A2 - 3, V1: book.V1 + 5 };
  await as('cy01').call('stocktakes.count', { id: st.id, entries: st.lines.map((l) => ({ lineId: l.id, countedQty: counted[l.batchNo] })) });
  await as('cy01').call('stocktakes.submit', { id: st.id });
  await as('yaoku').call('stocktakes.approve', {
    id: st.id,
    reasons: st.lines.filter((l) => counted[l.batchNo] !== book[l.batchNo]).map((l) => ({ lineId: l.id, reasonCode: 'count_error' as const })),
  });
  return { d1, d2 };
}

beforeEach(async () => {
  hub = await createTestHub({ clock: new ManualClock(new Date('2026-03-02T02:00:00.000Z')) });
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  otherClinicId = (await createClinic(hub, 'C02', '西岭村卫生室')).id;
  await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId, displayName: '王建国' });
  await createUser(hub, { username: 'cy02', role: 'village_doctor', clinicId: otherClinicId });
  await createUser(hub, { username: 'caiwu', role: 'finance', displayName: '孙会计' });
  supplierId = seedSupplier(hub);
  amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
  vitc = seedDrug(hub, { name: '维生素C片', packSize: 100, supplierId, packPrice: 3_000_000 });
  const stores = sql(db(), 'SELECT id, kind, clinic_id AS clinicId FROM stores').all() as { id: number; kind: string; clinicId: number | null }[];
  hubStore = stores.find((s) => s.kind === 'hub')!.id;
  clinicStore = stores.find((s) => s.kind === 'clinic' && s.clinicId === clinicId)!.id;
  transitStore = stores.find((s) => s.kind === 'transit' && s.clinicId === clinicId)!.id;
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await hub.close();
});

async function downloadJson(client: InternalClient, period: string, storeId: number): Promise<{ upload: Upload; text: string }> {
  const file = await client.call('insuranceExport.download', { period, storeId, format: 'json' });
  expect(file.filename).toMatch(/\.json$/);
  const text = Buffer.from(file.base64, 'base64').toString('utf8');
  return { upload: JSON.parse(text) as Upload, text };
}

async function downloadXlsx(client: InternalClient, period: string, storeId?: number) {
  const file = await client.call('insuranceExport.download', { period, storeId, format: 'xlsx' });
  expect(file.filename).toMatch(/\.xlsx$/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
  const sheets = {} as Record<InterfaceCode, { codes: string[]; labels: string[]; rows: Record<string, unknown>[] }>;
  for (const code of INTERFACE_CODES) {
    const ws = wb.worksheets.find((w) => w.name.startsWith(code))!;
    expect(ws, `sheet ${code}`).toBeTruthy();
    const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    const codes = values(1) as string[];
    const labels = values(2) as string[];
    const rows: Record<string, unknown>[] = [];
    for (let n = 3; n <= ws.rowCount; n++) {
      const v = values(n);
      rows.push(Object.fromEntries(codes.map((c, i) => [c, v[i] ?? ''])));
    }
    sheets[code] = { codes, labels, rows };
  }
  return sheets;
}

/** The ledger id a row's memo names. */
const ledgerIdOf = (row: Row) => Number(/台账#(\d+)/.exec(String(row.memo))![1]);

/** The signed base-unit quantity a row of 3502–3506 stands for. */
function signedQty(code: InterfaceCode, row: Row): number {
  if (code === '3502') return INV_CHG_DIRECTION[row.inv_chg_type as InvChgType] * Number(row.cnt);
  const cnt = Number(row.purc_retn_cnt ?? row.sel_retn_cnt);
  return INTERFACE_DIRECTION[code as '3503'] * cnt;
}

/** Where each movement must go, stated independently of the exporter: [interface, 3502 type] by sign. */
function expectedPlace(movement: string, qty: number, writeoffReason: string | null): string {
  const inward = qty > 0;
  switch (movement) {
    case 'receipt':
    case 'supplier_return':
      return inward ? '3503' : '3504';
    case 'dispense':
      return inward ? '3506' : '3505';
    case 'count_surplus':
    case 'count_shortage':
      return inward ? '3502/103' : '3502/104';
    case 'writeoff':
      return inward ? '3502/106' : writeoffReason === 'lost' || writeoffReason === 'other' ? '3502/107' : '3502/105';
    default:
      return inward ? '3502/101' : '3502/102';
  }
}

interface LedgerRow {
  id: number;
  storeId: number;
  lotId: number;
  movement: string;
  qty: number;
  amount: number;
  unitCost: number;
  reason: string | null;
}
const ledgerOf = (period: string, storeIds: number[]) =>
  sql(
    db(),
    `SELECT l.id, l.store_id AS storeId, l.lot_id AS lotId, l.movement, l.qty, l.amount, l.unit_cost AS unitCost,
            (SELECT reason_code FROM writeoffs w WHERE l.doc_type = 'writeoff' AND w.id = l.doc_id) AS reason
       FROM ledger l WHERE l.period = ? AND l.store_id IN (${storeIds.map(() => '?').join(',')}) ORDER BY l.id`,
  ).all(period, ...storeIds) as LedgerRow[];

/** The stores a 定点 store's upload covers: the hub's goods in transit go with the hub. */
const coveredBy = (storeId: number) =>
  storeId === hubStore ? [hubStore, ...(sql(db(), "SELECT id FROM stores WHERE kind = 'transit'").all() as { id: number }[]).map((r) => r.id)] : [storeId];

const bchno = (lotId: number) => `L${String(lotId).padStart(8, '0')}`;
const micro = (text: unknown) => {
  const [i, f = ''] = String(text).split('.');
  return Number(i) * 1_000_000 + Number(f.padEnd(6, '0'));
};

/** Checks one store's upload against the ledger of the month (the hub's: with the transit stores). */
function checkAgainstLedger(upload: Upload, period: string, storeId: number) {
  const stores = coveredBy(storeId);
  const ledger = ledgerOf(period, stores);
  const byId = new Map(ledger.map((l) => [l.id, l]));
  const seen = new Map<number, string>();
  const exported = new Map<string, number>();
  const expected = new Map<string, number>();
  for (const code of ['3502', '3503', '3504', '3505', '3506'] as const) {
    for (const row of upload[code]) {
      // The spec's fields, in the spec's order, and nothing else.
      expect(Object.keys(row)).toEqual(INTERFACE_FIELDS[code].map((f) => f.code));
      const id = ledgerIdOf(row);
      expect(seen.has(id), `ledger row ${id} exported twice`).toBe(false);
      const l = byId.get(id)!;
      expect(l, `row names ledger #${id} of this store and month`).toBeTruthy();
      const place = code === '3502' ? `3502/${String(row.inv_chg_type)}` : code;
      seen.set(id, place);
      expect(place).toBe(expectedPlace(l.movement, l.qty, l.reason));
      expect(row.fixmedins_bchno).toBe(bchno(l.lotId));
      // Quantities in base units, the price the lot's unit cost per base unit, exactly.
      expect(signedQty(code, row)).toBe(l.qty);
      expect(micro(row.pric ?? row.finl_trns_pric)).toBe(l.unitCost);
      const key = `${l.lotId}/${l.movement}`;
      exported.set(key, (exported.get(key) ?? 0) + signedQty(code, row));
    }
  }
  // Every ledger row of the month appears exactly once, and per (lot, movement) the sums agree.
  expect([...seen.keys()].sort((a, b) => a - b)).toEqual(ledger.map((l) => l.id));
  for (const l of ledger) expected.set(`${l.lotId}/${l.movement}`, (expected.get(`${l.lotId}/${l.movement}`) ?? 0) + l.qty);
  expect(Object.fromEntries(exported)).toEqual(Object.fromEntries(expected));

  // 3501: each lot's balance at the end of the month in each store, from the ledger up to it (a lot in
  // transit names its transit store in the memo).
  const balances = sql(
    db(),
    `SELECT l.lot_id AS lotId, s.kind, s.name, sum(l.qty) AS qty FROM ledger l JOIN stores s ON s.id = l.store_id
      WHERE l.store_id IN (${stores.map(() => '?').join(',')}) AND l.period <= ? GROUP BY l.store_id, l.lot_id HAVING sum(l.qty) <> 0`,
  ).all(...stores, period) as { lotId: number; kind: string; name: string; qty: number }[];
  const stock = Object.fromEntries(upload['3501'].map((r) => [`${r.fixmedins_bchno} ${r.memo}`, r.inv_cnt]));
  expect(stock).toEqual(Object.fromEntries(balances.map((b) => [`${bchno(b.lotId)} ${b.kind === 'transit' ? b.name : ''}`, b.qty])));
  for (const r of upload['3501']) expect(Object.keys(r)).toEqual(INTERFACE_FIELDS['3501'].map((f) => f.code));
  return ledger;
}

describe('医保进销存 export', () => {
  it('maps every ledger row of the month to exactly one row of 3502–3506, and 3501 to the month-end balances', async () => {
    const { d1, d2 } = await buildMarch();
    hub.clock.set('2026-04-02T02:00:00.000Z');
    const pharmacist = as('yaoku');

    const { upload: hubUpload, text } = await downloadJson(pharmacist, '2026-03', hubStore);
    const hubLedger = checkAgainstLedger(hubUpload, '2026-03', hubStore);
    const { upload: clinicUpload } = await downloadJson(as('caiwu'), '2026-03', clinicStore);
    const clinicLedger = checkAgainstLedger(clinicUpload, '2026-03', clinicStore);
    expect(hubLedger.length).toBeGreaterThan(8);
    expect(clinicLedger.length).toBeGreaterThan(8);

    // Numbers are JSON numbers written from exact decimals: 12.50 yuan a box of 24 is 0.520833 a capsule.
    expect(text).toMatch(/"pric": 0\.520833,/);
    expect(text).not.toMatch(/"(cnt|inv_cnt|sel_retn_cnt|purc_retn_cnt)": "/);

    // Purchases: the hub's receipts with supplier, lot, invoice and the boxes' trace codes.
    const h1 = hubUpload['3503'].find((r) => r.manu_lotnum === 'H1')!;
    expect(h1).toMatchObject({
      purc_retn_cnt: 96,
      finl_trns_pric: 0.5,
      purc_invo_no: 'FP-H1',
      manu_date: '2026-01-15',
      expy_end: '2028-06-30',
      rx_flag: '1',
      prod_geay_flag: '0',
    });
    expect(h1.spler_name).toBe('国药控股某市有限公司');
    expect(h1.purc_retn_opter_name).toBe('周药师');
    expect(h1.purc_retn_stoin_time).toMatch(/^2026-03-02 10:00:\d\d$/);
    expect(h1.drugtracinfo).toEqual([{ drug_trac_codg: '81234560000000000001' }, { drug_trac_codg: '81234560000000000002' }]);
    // The supplier return and the receipt reversal are 采购退货 (3504), naming the purchase they undo.
    expect(hubUpload['3504'].map((r) => [r.purc_retn_cnt, String(r.medins_prod_purc_no).slice(0, 3)])).toEqual([
      [24, 'RK-'],
      [200, 'RK-'],
    ]);
    expect(String(hubUpload['3504'][1].memo)).toContain('冲销');
    // Transfers: delivery out of the hub (102) into its goods in transit (101), out of transit when signed for
    // (102), the clinic's return in (101); the lost goods are 其他出库 (107).
    expect(hubUpload['3502'].map((r) => r.inv_chg_type).sort()).toEqual(['101', '101', '101', '101', '102', '102', '102', '102', '102', '102', '107']);

    // The clinic: signed-for goods in (101), returned out (102), damaged write-off (105), stocktake 103/104.
    expect(clinicUpload['3502'].map((r) => r.inv_chg_type).sort()).toEqual(['101', '101', '101', '102', '103', '104', '105']);
    // Sales: FEFO takes the 30 capsules from A1 (48 there): a split pack; then a whole bottle of V1.
    const sales = clinicUpload['3505'];
    const d1Rows = sales.filter((r) => r.rxno === 'CF001');
    expect(d1Rows.map((r) => [r.manu_lotnum, r.sel_retn_cnt, r.trdn_flag])).toEqual([
      ['A1', 30, '1'],
      ['V1', 100, '0'],
    ]);
    expect(d1Rows[0]).toMatchObject({
      mdtrt_sn: 'MZ20260310001',
      sel_retn_opter_name: '王建国',
      rx_circ_flag: '0',
      psn_name: '',
      setl_id: '',
      finl_trns_pric: 0.520833,
    });
    // The reversed entry (20 capsules: A1's last 18, then 2 of A2): sold (3505) and returned (3506) lot by
    // lot, the return naming the sale.
    const d2Sales = sales.filter((r) => r.rxno === '');
    expect(d2Sales.map((r) => [r.manu_lotnum, r.sel_retn_cnt])).toEqual([
      ['A1', 18],
      ['A2', 2],
    ]);
    expect(clinicUpload['3506'].map((r) => [r.manu_lotnum, r.sel_retn_cnt, r.trdn_flag, r.medins_prod_sel_no]).sort()).toEqual([
      ['A1', 18, '1', d2Sales[0].rtal_docno],
      ['A2', 2, '1', d2Sales[0].rtal_docno],
    ]);
    expect(d2Sales[0].rtal_docno).not.toBe(d1Rows[0].rtal_docno);
    expect(d1.id).not.toBe(d2.id);

    // Nothing of clinic C01 in the hub's upload and the other way round.
    const lotsOf = (u: Upload) => new Set(INTERFACE_CODES.flatMap((c) => u[c].map((r) => r.fixmedins_bchno)));
    expect([...lotsOf(clinicUpload)].some((b) => b === bchno((sql(db(), "SELECT id FROM lots WHERE batch_no = 'H1'").get() as { id: number }).id))).toBe(false);
    expect(lotsOf(hubUpload).size).toBeGreaterThan(0);

    // The preview counts the same rows and sums the same amounts.
    const preview = await pharmacist.call('insuranceExport.preview', { period: '2026-03', storeId: clinicStore });
    expect(preview.ledgerRows).toBe(clinicLedger.length);
    for (const s of preview.interfaces) expect(s.rows, s.code).toBe(clinicUpload[s.code].length);
    const amount = (code: string) => preview.interfaces.find((s) => s.code === code)!.amount;
    const fromLedger = (movements: string[], sign: 1 | -1) =>
      clinicLedger.filter((l) => movements.includes(l.movement) && Math.sign(l.qty) === sign).reduce((n, l) => n + Math.abs(l.amount), 0);
    expect(amount('3505')).toBe(fromLedger(['dispense'], -1));
    expect(amount('3506')).toBe(fromLedger(['dispense'], 1));
    expect(preview.stores.map((s) => s.name)).toEqual(['东湖村卫生室']);
    expect(preview.warnings.map((w) => w.code)).toContain('month_open');

    // The preview is summed without writing rows (summary.ts): the same as the written rows' own summary, every store.
    const now = hub.clock.now();
    const user = { id: 0, username: 'admin', displayName: '', role: 'admin' as const, clinicId: null, clinicName: null, mustChangePassword: false };
    const ctx = { db: db(), now, today: chinaDate(now), user, optionalUser: user };
    for (const storeId of [undefined, hubStore, clinicStore]) {
      const stores = exportStores(ctx, storeId);
      expect(previewExport(ctx, '2026-03', stores), `store ${storeId}`).toEqual(previewOf(buildExport(ctx, '2026-03', stores)));
    }
  });

  it('carries the same rows in JSON and Excel, one sheet per interface with codes and Chinese names', async () => {
    await buildMarch();
    hub.clock.set('2026-04-02T02:00:00.000Z');
    const pharmacist = as('yaoku');
    for (const storeId of [hubStore, clinicStore]) {
      const { upload } = await downloadJson(pharmacist, '2026-03', storeId);
      const sheets = await downloadXlsx(pharmacist, '2026-03', storeId);
      for (const code of INTERFACE_CODES) {
        const specs = INTERFACE_FIELDS[code];
        const { codes, labels, rows } = sheets[code];
        const columns = specs.map((f) => (f.type === 'trace' ? 'drug_trac_codg' : f.code));
        expect(codes.slice(0, specs.length)).toEqual(columns);
        expect(labels[0]).toBe('医疗目录编码');
        expect(rows).toHaveLength(upload[code].length);
        upload[code].forEach((json, i) => {
          const cells = rows[i];
          for (const f of specs) {
            const v = json[f.code];
            if (f.type === 'trace') expect(cells.drug_trac_codg).toBe((v as { drug_trac_codg: string }[]).map((t) => t.drug_trac_codg).join(','));
            else if (f.type === 'count' || f.type === 'price') expect(cells[f.code], `${code} ${f.code}`).toBe(v);
            else expect(cells[f.code], `${code} ${f.code}`).toBe(v);
          }
          if (code !== '3501') expect(cells.x_ledger_id).toBe(ledgerIdOf(json));
        });
      }
    }
    // Every store at once: one workbook, each row naming its store; every ledger row of the month once, the
    // transit stores' included (their goods are the hub's until signed).
    const all = await downloadXlsx(pharmacist, '2026-03');
    const ids = (['3502', '3503', '3504', '3505', '3506'] as const).flatMap((c) => all[c].rows.map((r) => Number(r.x_ledger_id)));
    const want = sql(db(), "SELECT l.id FROM ledger l WHERE l.period = '2026-03' ORDER BY l.id").all() as { id: number }[];
    expect(ids.sort((a, b) => a - b)).toEqual(want.map((r) => r.id));
    expect(new Set(all['3505'].rows.map((r) => r.x_store))).toEqual(new Set(['东湖村卫生室']));
    expect(new Set(all['3503'].rows.map((r) => r.x_store))).toEqual(new Set(['测试镇卫生院中心药库']));
    // JSON is one 定点 store's upload: "all" only as a workbook.
    expect(await codeOf(pharmacist.call('insuranceExport.download', { period: '2026-03', format: 'json' }))).toBe('VALIDATION');
  });

  it('gives a past month its own month-end stock after later business, and agrees with the close snapshot', async () => {
    await buildMarch();
    hub.clock.set('2026-04-05T02:00:00.000Z');
    const pharmacist = as('yaoku');
    const before = (await downloadJson(pharmacist, '2026-03', clinicStore)).upload;
    // April business moves the same lots.
    await as('cy01').call('dispensing.create', { lines: [{ drugId: amox.id, qty: 7 }] });
    await receive(vitc, 'V2', 500, 3_000_000);
    const after = (await downloadJson(pharmacist, '2026-03', clinicStore)).upload;
    expect(after).toEqual(before);
    checkAgainstLedger(after, '2026-03', clinicStore);
    checkAgainstLedger((await downloadJson(pharmacist, '2026-03', hubStore)).upload, '2026-03', hubStore);

    await pharmacist.call('periods.close', { period: '2026-03', acknowledgeWarnings: true });
    const closed = await pharmacist.call('insuranceExport.preview', { period: '2026-03', storeId: clinicStore });
    expect(closed.closed).toBe(true);
    expect(closed.invdate).toBe('2026-03-31');
    expect(closed.warnings.map((w) => w.code)).not.toContain('snapshot_mismatch');
    expect(closed.warnings.map((w) => w.code)).not.toContain('month_open');
    expect((await downloadJson(pharmacist, '2026-03', clinicStore)).upload).toEqual(before);
    expect(before['3501'].every((r) => r.invdate === '2026-03-31')).toBe(true);

    // The running month: 盘存 as of today, with a warning.
    const april = await pharmacist.call('insuranceExport.preview', { period: '2026-04', storeId: clinicStore });
    expect(april.invdate).toBe('2026-04-05');
    expect(april.warnings.map((w) => w.code)).toContain('month_not_ended');
    expect(april.interfaces.find((s) => s.code === '3505')!.qty).toBe(7);
  });

  it('refuses future months, unknown and transit stores, and a doctor asking for another clinic', async () => {
    await buildMarch();
    const pharmacist = as('yaoku');
    expect(await codeOf(pharmacist.call('insuranceExport.preview', { period: '2026-04', storeId: hubStore }))).toBe('VALIDATION');
    expect(await codeOf(pharmacist.call('insuranceExport.download', { period: '2027-01', storeId: hubStore, format: 'xlsx' }))).toBe('VALIDATION');
    expect(await codeOf(pharmacist.call('insuranceExport.preview', { period: '2026-03', storeId: 9999 }))).toBe('NOT_FOUND');
    expect(await codeOf(pharmacist.call('insuranceExport.preview', { period: '2026-03', storeId: transitStore }))).toBe('VALIDATION');
    expect(await codeOf(pharmacist.call('insuranceExport.download', { period: '2026-03', storeId: hubStore, format: 'csv' as 'json' }))).toBe('VALIDATION');

    const other = as('cy02');
    expect(await codeOf(other.call('insuranceExport.preview', { period: '2026-03', storeId: clinicStore }))).toBe('FORBIDDEN_CLINIC');
    expect(await codeOf(other.call('insuranceExport.download', { period: '2026-03', storeId: clinicStore, format: 'json' }))).toBe('FORBIDDEN_CLINIC');
    expect(await codeOf(other.call('insuranceExport.preview', { period: '2026-03', storeId: hubStore }))).toBe('FORBIDDEN_CLINIC');
    // A doctor asking for no store gets their own clinic, never "all".
    const own = await as('cy01').call('insuranceExport.preview', { period: '2026-03' });
    expect(own.stores.map((s) => s.id)).toEqual([clinicStore]);
    const { upload } = await downloadJson(as('cy01'), '2026-03', clinicStore);
    checkAgainstLedger(upload, '2026-03', clinicStore);
  });
});
