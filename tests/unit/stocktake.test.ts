import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { checkLedgerInvariants, ledgerChecksum } from '../../electron/domain/stock/ledger';
import { drawWeighted, selectionWeight } from '../../electron/domain/stocktake/selection';
import type { MethodOutput } from '../../shared/contract';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedDrug, seedSupplier, type SeedDrug } from '../helpers/stock';
import { stockClinic } from '../helpers/stocktake';

type Detail = MethodOutput<'stocktakes.get'>;

let hub: TestHub;
let pharmacist: InternalClient;
let doctor: InternalClient;
let otherDoctor: InternalClient;
let finance: InternalClient;
let clinicId: number;
let otherClinicId: number;
let supplierId: number;
let amox: SeedDrug; // 24 粒 a box at 12.50 yuan: 0.520833 yuan a capsule
let ceft: SeedDrug; // 10 支 a box at 85.00 yuan: 8.50 yuan a vial
let vitc: SeedDrug; // 100 片 a bottle at 3.00 yuan

const db = () => hub.runtime.app.db;
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );

beforeEach(async () => {
  hub = await createTestHub();
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  otherClinicId = (await createClinic(hub, 'C02', '西岭村卫生室')).id;
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId, displayName: '王建国' });
  otherDoctor = await createUser(hub, { username: 'cy02', role: 'village_doctor', clinicId: otherClinicId });
  finance = await createUser(hub, { username: 'caiwu', role: 'finance' });
  supplierId = seedSupplier(hub);
  amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
  ceft = seedDrug(hub, { name: '注射用头孢曲松钠', packSize: 10, supplierId, packPrice: 85_000_000 });
  vitc = seedDrug(hub, { name: '维生素C片', packSize: 100, supplierId, packPrice: 3_000_000 });
  await stockClinic(hub, { pharmacist, doctor }, clinicId, supplierId, [
    {
      drug: amox,
      packPrice: 12_500_000,
      lots: [
        { batchNo: 'A1', expiryDate: '2027-06-30', qty: 48 },
        { batchNo: 'A2', expiryDate: '2028-01-31', qty: 72 },
      ],
    },
    { drug: ceft, packPrice: 85_000_000, lots: [{ batchNo: 'C1', expiryDate: '2027-12-31', qty: 30 }] },
    { drug: vitc, packPrice: 3_000_000, lots: [{ batchNo: 'V1', expiryDate: '2027-09-30', qty: 200 }] },
  ]);
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await hub.close();
});

async function clinicStoreId(id = clinicId) {
  return (await pharmacist.call('stock.stores', {})).find((s) => s.kind === 'clinic' && s.clinicId === id)!.id;
}

/** A self-counted spot check of every drug the clinic holds (3 drugs, 4 lots), so tests know the lines. */
async function spotAll(opts: { blind?: boolean; counterMode?: 'self' | 'onsite' } = {}) {
  return pharmacist.call('stocktakes.create', { kind: 'spot', clinicId, sampleSize: 3, counterMode: opts.counterMode ?? 'self', blind: opts.blind ?? true });
}

const lineOf = (d: Detail, batchNo: string) => d.lines.find((l) => l.batchNo === batchNo)!;

/** Counts every line as given by batch number (the shelf), as the doctor. */
async function countAll(d: Detail, shelf: Record<string, number>, client = doctor) {
  return client.call('stocktakes.count', { id: d.id, entries: d.lines.map((l) => ({ lineId: l.id, countedQty: shelf[l.batchNo] })) });
}

describe('random spot check', () => {
  it('records its seed, time and weight inputs, and the draw is reproducible from them', async () => {
    // Some dispensing, so that "fast-moving" has something to weigh.
    await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 20 }] });
    const st = await pharmacist.call('stocktakes.create', { kind: 'spot', clinicId, sampleSize: 2, counterMode: 'self', blind: true });
    expect(st.docNo).toMatch(/^PD-202603-\d{4}$/);
    expect(st.selection).toMatchObject({
      algorithm: 'mulberry32/weighted-draw-v1',
      sampleSize: 2,
      drawnAt: '2026-03-02T01:00:00.000Z',
      windowFrom: '2025-12',
      windowTo: '2026-03',
    });
    expect(Number.isInteger(st.selection!.seed)).toBe(true);
    // Blind: the pharmacist does not see the weight inputs (book values) while counting goes on either.
    expect(st.selection!.candidates).toBeNull();

    const rows = db()
      .prepare(
        'SELECT drug_id AS drugId, stock_value AS stockValue, dispensed_amount AS dispensedAmount, dispensed_qty AS dispensedQty, weight, pick_order AS pickOrder FROM stocktake_candidates WHERE stocktake_id = ? ORDER BY position',
      )
      .all(st.id) as { drugId: number; stockValue: number; dispensedAmount: number; dispensedQty: number; weight: number; pickOrder: number | null }[];
    expect(rows.map((r) => r.drugId)).toEqual([amox.id, ceft.id, vitc.id]);
    // The inputs are the book at the draw: amox 100 capsules left (52.08 yuan), 20 dispensed (10.42 yuan).
    expect(rows[0]).toMatchObject({ stockValue: 6_250 - 1_042, dispensedAmount: 1_042, dispensedQty: 20 });
    expect(rows[1]).toMatchObject({ stockValue: 25_500, dispensedAmount: 0 });
    for (const r of rows) expect(r.weight).toBe(selectionWeight(r.stockValue, r.dispensedAmount));

    // Drawing again from the recorded seed and inputs gives the same drugs, in the same order.
    const again = drawWeighted(
      st.selection!.seed,
      rows.map((r) => r.weight),
      2,
    ).map((i) => rows[i].drugId);
    const recorded = rows
      .filter((r) => r.pickOrder !== null)
      .sort((a, b) => a.pickOrder! - b.pickOrder!)
      .map((r) => r.drugId);
    expect(again).toEqual(recorded);
    expect(await finance.call('stocktakes.verifySelection', { id: st.id })).toEqual({ reproduced: true, weightsMatch: true, recorded, recomputed: again });
    // The lines are the lots of exactly the drugs drawn, in the order drawn.
    expect([...new Set(st.lines.map((l) => l.drugId))]).toEqual(recorded);
  });

  it('cannot be re-rolled silently: one open count per store, cancelling needs a reason and stays in history', async () => {
    const first = await spotAll();
    expect(await codeOf(pharmacist.call('stocktakes.create', { kind: 'spot', clinicId, sampleSize: 1, counterMode: 'self' }))).toBe('CONFLICT');
    expect(await codeOf(pharmacist.call('stocktakes.cancel', { id: first.id, reason: ' ' }))).toBe('VALIDATION');
    expect(await codeOf(doctor.call('stocktakes.cancel', { id: first.id, reason: '不想盘' }))).toBe('FORBIDDEN');
    const cancelled = await pharmacist.call('stocktakes.cancel', { id: first.id, reason: '村医外出，改日再抽' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: '村医外出，改日再抽', decidedByName: '周药师' });
    const second = await spotAll();
    expect(second.docNo).not.toBe(first.docNo);
    const list = await pharmacist.call('stocktakes.list', { clinicId });
    expect(list.map((s) => [s.docNo, s.status])).toEqual([
      [second.docNo, 'counting'],
      [first.docNo, 'cancelled'],
    ]);
    // The cancelled draw keeps its seed.
    expect((await pharmacist.call('stocktakes.get', { id: first.id })).selection!.seed).toBe(first.selection!.seed);
    const acc = await pharmacist.call('stocktakes.accuracy', { from: '2026-03', to: '2026-03', clinicId });
    expect(acc.rows[0]).toMatchObject({ cancelledCount: 1, openCount: 1 });
    // The audit log names the seed of every draw.
    const audit = db().prepare("SELECT details FROM audit_log WHERE method = 'stocktakes.create' AND outcome = 'ok' ORDER BY id").all() as {
      details: string;
    }[];
    expect(audit.map((a) => JSON.parse(a.details).seed)).toEqual([first.selection!.seed, second.selection!.seed]);
  });

  it('refuses a clinic without stock, a transit store, and a self-count of the hub', async () => {
    expect(await codeOf(pharmacist.call('stocktakes.create', { kind: 'spot', clinicId: otherClinicId, sampleSize: 3, counterMode: 'onsite' }))).toBe(
      'BUSINESS_RULE',
    );
    expect(await codeOf(pharmacist.call('stocktakes.create', { kind: 'spot', clinicId, counterMode: 'self' }))).toBe('VALIDATION');
    const stores = await pharmacist.call('stock.stores', { includeTransit: true });
    const transit = stores.find((s) => s.kind === 'transit')!;
    const hubStore = stores.find((s) => s.kind === 'hub')!;
    expect(await codeOf(pharmacist.call('stocktakes.create', { kind: 'full', storeId: transit.id, counterMode: 'onsite' }))).toBe('BUSINESS_RULE');
    expect(await codeOf(pharmacist.call('stocktakes.create', { kind: 'full', storeId: hubStore.id, counterMode: 'self' }))).toBe('BUSINESS_RULE');
    expect(await codeOf(doctor.call('stocktakes.create', { kind: 'spot', clinicId, sampleSize: 1, counterMode: 'self' }))).toBe('FORBIDDEN');
  });
});

describe('blind count', () => {
  it('keeps book quantities out of every answer the counting doctor gets, until approval', async () => {
    const st = await spotAll();
    const seen = await doctor.call('stocktakes.get', { id: st.id });
    expect(seen.bookVisible).toBe(false);
    expect(seen.canCount).toBe(true);
    for (const l of seen.lines) {
      expect(l).toMatchObject({ bookQtyAtStart: null, bookQty: null, variance: null, varianceAmount: null, movements: null });
    }
    expect(seen.matchedCount).toBeNull();
    expect(seen.selection!.candidates).toBeNull();

    // The book cannot be read elsewhere either while the blind count is open: the stock list says so per drug.
    const store = await clinicStoreId();
    const onHand = await doctor.call('stock.onHand', { storeId: store });
    expect(onHand.rows.map((r) => [r.genericName, r.bookHidden, r.qty, r.value, r.lots.length])).toEqual([
      ['阿莫西林胶囊', true, null, null, 0],
      ['维生素C片', true, null, null, 0],
      ['注射用头孢曲松钠', true, null, null, 0],
    ]);
    expect(onHand.totalValue).toBeNull();
    expect(await codeOf(doctor.call('stock.lots', { storeId: store, drugId: amox.id }))).toBe('INVALID_STATE');
    expect(await codeOf(doctor.call('stock.card', { storeId: store, drugId: amox.id, from: '2026-03-01', to: '2026-03-31' }))).toBe('INVALID_STATE');
    expect((await doctor.call('stock.alerts', {})).rows.filter((a) => [amox.id, ceft.id, vitc.id].includes(a.drugId))).toEqual([]);
    // Hub staff are not limited by it.
    expect((await pharmacist.call('stock.onHand', { storeId: store })).rows).toHaveLength(3);
    // The drug picker (dispensing goes on) still finds the drug, without its book quantity.
    const code = (db().prepare('SELECT nhsa_code AS c FROM drugs WHERE id = ?').get(amox.id) as { c: string }).c;
    const [hit] = await doctor.call('catalog.search', { q: code, storeId: store });
    expect(hit).toMatchObject({ id: amox.id, stockQty: null });
    expect((await pharmacist.call('catalog.search', { q: code, storeId: store }))[0].stockQty).toBe(120);

    const counted = await countAll(st, { A1: 48, A2: 70, C1: 30, V1: 200 });
    expect(counted.lines.every((l) => l.bookQty === null && l.variance === null && l.counts.every((c) => c.bookQty === null))).toBe(true);
    const submitted = await doctor.call('stocktakes.submit', { id: st.id });
    expect(submitted.lines.every((l) => l.bookQty === null)).toBe(true);
    expect((await doctor.call('stocktakes.list', {}))[0]).toMatchObject({ matchedCount: null, surplusAmount: null, bookVisible: false });

    // Once submitted the reviewer sees the book; the doctor still does not (a line may come back for a recount).
    const review = await pharmacist.call('stocktakes.get', { id: st.id });
    expect(review.bookVisible).toBe(true);
    expect(lineOf(review, 'A2')).toMatchObject({ bookQty: 72, countedQty: 70, variance: -2 });
    expect((await doctor.call('stock.onHand', { storeId: store })).rows.every((r) => r.bookHidden && r.qty === null)).toBe(true);

    await pharmacist.call('stocktakes.approve', { id: st.id, reasons: [{ lineId: lineOf(review, 'A2').id, reasonCode: 'unrecorded_dispensing' }] });
    const after = await doctor.call('stocktakes.get', { id: st.id });
    expect(after.bookVisible).toBe(true);
    expect(lineOf(after, 'A2')).toMatchObject({ bookQty: 72, variance: -2 });
    expect((await doctor.call('stock.onHand', { storeId: store })).rows.map((r) => [r.bookHidden, r.qty])).toEqual([
      [false, 120 - 2],
      [false, 200],
      [false, 30],
    ]);
  });

  it('refuses stock without telling the counter the book, and tells everyone else', async () => {
    await spotAll();
    const tooMuch = { lines: [{ drugId: amox.id, qty: 500 }] };
    const refusal = await doctor.call('dispensing.create', tooMuch).then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(refusal).toMatchObject({ code: 'INSUFFICIENT_STOCK', message: '库存不足：阿莫西林胶囊（0.25g）正在盲盘，不显示账面数' });
    const store = await clinicStoreId();
    const lotA1 = (await pharmacist.call('stock.lots', { storeId: store, drugId: amox.id }))[0].lotId;
    const writeoff = await doctor.call('writeoffs.create', { storeId: store, reasonCode: 'damaged', lines: [{ lotId: lotA1, qty: 49 }] }).then(
      () => null,
      (e: { message: string }) => e.message,
    );
    expect(writeoff).toBe('库存不足：阿莫西林胶囊（0.25g）正在盲盘，不显示账面数');
    // The pharmacist dispensing for the clinic is not counting: the refusal keeps its figures.
    const forHub = await pharmacist.call('dispensing.create', { clinicId, ...tooMuch }).then(
      () => null,
      (e: { message: string }) => e.message,
    );
    expect(forHub).toMatch(/可用 120/);
  });

  it('blinds the hub user counting on site, and only while counting: not other hub staff, not the clinic', async () => {
    const colleague = await createUser(hub, { username: 'yaoku2', role: 'pharmacist', displayName: '李药师' });
    const onsite = await spotAll({ counterMode: 'onsite' });
    const store = await clinicStoreId();
    // Who drew it is blind from the draw (they know which drugs were drawn)...
    expect(await codeOf(pharmacist.call('stock.lots', { storeId: store, drugId: amox.id }))).toBe('INVALID_STATE');
    expect((await pharmacist.call('statements.clinic', { period: '2026-03', clinicId })).rows.every((r) => r.bookHidden && r.closing === null)).toBe(true);
    expect(await codeOf(pharmacist.call('insuranceExport.preview', { period: '2026-03', storeId: store }))).toBe('INVALID_STATE');
    // ...the colleague who keeps the book at the hub is not, nor is the doctor (who must not learn what was drawn)...
    expect((await colleague.call('stock.lots', { storeId: store, drugId: amox.id })).map((l) => l.qty)).toEqual([48, 72]);
    const seenByDoctor = await doctor.call('stock.onHand', { storeId: store });
    expect(seenByDoctor.rows.every((r) => !r.bookHidden)).toBe(true);
    expect(seenByDoctor.totalValue).not.toBeNull();
    // ...and whoever enters a count is blind from then on.
    await colleague.call('stocktakes.count', { id: onsite.id, entries: [{ lineId: onsite.lines[0].id, countedQty: 1 }] });
    expect(await codeOf(colleague.call('stock.lots', { storeId: store, drugId: amox.id }))).toBe('INVALID_STATE');
    expect(await codeOf(finance.call('stock.lots', { storeId: store, drugId: amox.id }))).toBe('ok');

    // Submitted, the count is reviewed at the hub: the counters see the book again.
    await countAll(onsite, { A1: 48, A2: 72, C1: 30, V1: 200 }, colleague);
    await colleague.call('stocktakes.submit', { id: onsite.id });
    expect((await pharmacist.call('stock.lots', { storeId: store, drugId: amox.id })).map((l) => l.qty)).toEqual([48, 72]);
    expect((await pharmacist.call('statements.clinic', { period: '2026-03', clinicId })).rows.every((r) => !r.bookHidden)).toBe(true);
  });

  it('shows book figures to the counter when the count is not blind', async () => {
    const st = await spotAll({ blind: false });
    const seen = await doctor.call('stocktakes.get', { id: st.id });
    expect(seen.bookVisible).toBe(true);
    expect(lineOf(seen, 'A1').bookQtyAtStart).toBe(48);
    expect((await doctor.call('stock.onHand', { storeId: await clinicStoreId() })).rows).toHaveLength(3);
  });
});

describe('who counts', () => {
  it('lets only the clinic’s own doctor enter a self-count, and only hub staff an on-site one', async () => {
    const self = await spotAll();
    const entry = { id: self.id, entries: [{ lineId: self.lines[0].id, countedQty: 1 }] };
    expect(await codeOf(pharmacist.call('stocktakes.count', entry))).toBe('BUSINESS_RULE');
    expect(await codeOf(otherDoctor.call('stocktakes.count', entry))).toBe('FORBIDDEN_CLINIC');
    expect(await codeOf(otherDoctor.call('stocktakes.get', { id: self.id }))).toBe('FORBIDDEN_CLINIC');
    await pharmacist.call('stocktakes.cancel', { id: self.id, reason: '改为现场盘点' });

    const onsite = await spotAll({ counterMode: 'onsite' });
    // The doctor does not see an on-site check before it is submitted.
    expect(await doctor.call('stocktakes.list', {})).toHaveLength(1); // only the cancelled self-count
    expect(await codeOf(doctor.call('stocktakes.get', { id: onsite.id }))).toBe('INVALID_STATE');
    expect(await codeOf(doctor.call('stocktakes.count', { id: onsite.id, entries: [{ lineId: onsite.lines[0].id, countedQty: 1 }] }))).toBe('INVALID_STATE');
    const counted = await countAll(onsite, { A1: 48, A2: 72, C1: 30, V1: 200 }, pharmacist);
    expect(counted.lines.every((l) => l.countedByName === '周药师')).toBe(true);
    // Blind on site: the counting pharmacist does not see the book through the stocktake either.
    expect(counted.lines.every((l) => l.bookQty === null)).toBe(true);
    await pharmacist.call('stocktakes.submit', { id: onsite.id });
    expect((await doctor.call('stocktakes.get', { id: onsite.id })).status).toBe('submitted');
  });
});

describe('variances and approval', () => {
  it('posts surplus at the lot cost and shortage from the lot, in one transaction, keeping count and book', async () => {
    const st = await spotAll();
    await countAll(st, { A1: 45, A2: 77, C1: 30, V1: 200 });
    await doctor.call('stocktakes.submit', { id: st.id });
    const review = await pharmacist.call('stocktakes.get', { id: st.id });
    // 3 capsules short: 3 × 0.520833 = 1.562499 yuan → 156 fen; 5 over: 2.604165 yuan → 260 fen.
    expect(lineOf(review, 'A1')).toMatchObject({ bookQty: 48, countedQty: 45, variance: -3, varianceAmount: -156 });
    expect(lineOf(review, 'A2')).toMatchObject({ bookQty: 72, countedQty: 77, variance: 5, varianceAmount: 260 });
    expect(review).toMatchObject({ matchedCount: 2, surplusAmount: 260, shortageAmount: 156 });

    // Each variance needs a reason; "other" needs words; only the pharmacist approves.
    const a1 = lineOf(review, 'A1').id;
    const a2 = lineOf(review, 'A2').id;
    const before = ledgerChecksum(db());
    expect(await codeOf(pharmacist.call('stocktakes.approve', { id: st.id, reasons: [{ lineId: a1, reasonCode: 'damaged' }] }))).toBe('VALIDATION');
    expect(
      await codeOf(
        pharmacist.call('stocktakes.approve', {
          id: st.id,
          reasons: [
            { lineId: a1, reasonCode: 'damaged' },
            { lineId: a2, reasonCode: 'other' },
          ],
        }),
      ),
    ).toBe('VALIDATION');
    expect(await codeOf(doctor.call('stocktakes.approve', { id: st.id, reasons: [] }))).toBe('FORBIDDEN');
    expect(await codeOf(finance.call('stocktakes.approve', { id: st.id, reasons: [] }))).toBe('FORBIDDEN');
    expect(ledgerChecksum(db())).toBe(before);

    const approved = await pharmacist.call('stocktakes.approve', {
      id: st.id,
      note: '已核实',
      reasons: [
        { lineId: a1, reasonCode: 'damaged', reasonNote: '受潮 3 粒' },
        { lineId: a2, reasonCode: 'over_recorded' },
      ],
    });
    expect(approved).toMatchObject({
      status: 'approved',
      businessDate: '2026-03-02',
      matchedCount: 2,
      surplusAmount: 260,
      shortageAmount: 156,
      decisionNote: '已核实',
    });
    expect(lineOf(approved, 'A1')).toMatchObject({ adjustmentQty: -3, adjustmentAmount: -156, reasonCode: 'damaged', reasonNote: '受潮 3 粒' });
    expect(lineOf(approved, 'C1')).toMatchObject({ adjustmentQty: 0, adjustmentAmount: 0, reasonCode: null });

    const rows = db()
      .prepare("SELECT movement, qty, amount, lot_id AS lotId, doc_line_id AS lineId FROM ledger WHERE doc_type = 'stocktake' AND doc_id = ? ORDER BY id")
      .all(st.id);
    expect(rows).toEqual([
      { movement: 'count_shortage', qty: -3, amount: -156, lotId: lineOf(st, 'A1').lotId, lineId: a1 },
      { movement: 'count_surplus', qty: 5, amount: 260, lotId: lineOf(st, 'A2').lotId, lineId: a2 },
    ]);
    const lots = await pharmacist.call('stock.lots', { storeId: await clinicStoreId(), drugId: amox.id });
    expect(lots.map((l) => [l.batchNo, l.qty])).toEqual([
      ['A1', 45],
      ['A2', 77],
    ]);
    // The stock card names the stocktake.
    const card = await pharmacist.call('stock.card', { storeId: await clinicStoreId(), drugId: amox.id, from: '2026-03-01', to: '2026-03-31' });
    expect(card.rows.filter((r) => r.docType === 'stocktake').map((r) => r.docNo)).toEqual([st.docNo, st.docNo]);
    const [summary] = await pharmacist.call('stocktakes.list', { clinicId });
    expect(summary).toMatchObject({ status: 'approved', lineCount: 4, countedCount: 4, matchedCount: 2, surplusAmount: 260, shortageAmount: 156 });
    // Approved is final.
    expect(await codeOf(pharmacist.call('stocktakes.approve', { id: st.id, reasons: [] }))).toBe('INVALID_STATE');
    expect(await codeOf(pharmacist.call('stocktakes.cancel', { id: st.id, reason: '反悔' }))).toBe('INVALID_STATE');
    // Counts can never be edited or deleted underneath.
    expect(() => db().prepare('UPDATE stocktake_counts SET counted_qty = 48').run()).toThrow(/append-only/);
  });

  it('keeps every count: corrections and recounts are new entries, the old ones stay', async () => {
    const st = await spotAll();
    await countAll(st, { A1: 48, A2: 60, C1: 30, V1: 200 });
    const a2 = lineOf(st, 'A2').id;
    await doctor.call('stocktakes.count', { id: st.id, entries: [{ lineId: a2, countedQty: 62, note: '漏数了一板' }] });
    await doctor.call('stocktakes.submit', { id: st.id });
    expect(await codeOf(doctor.call('stocktakes.count', { id: st.id, entries: [{ lineId: a2, countedQty: 72 }] }))).toBe('INVALID_STATE');

    const back = await pharmacist.call('stocktakes.requestRecount', { id: st.id, lineIds: [a2], reason: '短少 10 粒，请再数一次' });
    expect(back.status).toBe('counting');
    expect(lineOf(back, 'A2')).toMatchObject({ status: 'recount' });
    // Back in counting, the book is hidden again (the counter must not see it before recounting).
    expect(lineOf(await doctor.call('stocktakes.get', { id: st.id }), 'A2').bookQty).toBeNull();
    expect(await codeOf(doctor.call('stocktakes.submit', { id: st.id }))).toBe('BUSINESS_RULE');
    await doctor.call('stocktakes.count', { id: st.id, entries: [{ lineId: a2, countedQty: 72, note: '在另一个抽屉里找到 10 粒' }] });
    await doctor.call('stocktakes.submit', { id: st.id });

    const review = await pharmacist.call('stocktakes.get', { id: st.id });
    expect(lineOf(review, 'A2').counts.map((c) => [c.countedQty, c.bookQty, c.superseded, c.recountReason])).toEqual([
      [60, 72, 'correction', null],
      [62, 72, 'recount', '短少 10 粒，请再数一次'],
      [72, 72, null, null],
    ]);
    const approved = await pharmacist.call('stocktakes.approve', { id: st.id, reasons: [] });
    expect(approved).toMatchObject({ matchedCount: 4, surplusAmount: 0, shortageAmount: 0 });
    expect(db().prepare("SELECT count(*) AS n FROM ledger WHERE doc_type = 'stocktake'").get()).toEqual({ n: 0 });
  });

  it('obeys closed months and never books before the count began', async () => {
    const st = await spotAll();
    await countAll(st, { A1: 47, A2: 72, C1: 30, V1: 200 });
    await doctor.call('stocktakes.submit', { id: st.id });
    const reasons = [{ lineId: lineOf(st, 'A1').id, reasonCode: 'count_error' as const }];
    expect(await codeOf(pharmacist.call('stocktakes.approve', { id: st.id, businessDate: '2026-03-01', reasons }))).toBe('BUSINESS_RULE');
    expect(await codeOf(pharmacist.call('stocktakes.approve', { id: st.id, businessDate: '2026-03-03', reasons }))).toBe('BUSINESS_RULE');
    db().prepare("INSERT INTO periods (period, status) VALUES ('2026-03', 'closed')").run();
    expect(await codeOf(pharmacist.call('stocktakes.approve', { id: st.id, reasons }))).toBe('PERIOD_CLOSED');
    // In April (March closed), the adjustment is booked in April.
    hub.clock.set('2026-04-01T02:00:00Z');
    await pharmacist.call('auth.login', { username: 'yaoku', password: 'Changed123' });
    const approved = await pharmacist.call('stocktakes.approve', { id: st.id, reasons });
    expect(approved.businessDate).toBe('2026-04-01');
  });
});

describe('movements during a count', () => {
  it('takes each line’s book at its entry, so dispensing can go on while counting', async () => {
    const st = await spotAll();
    const store = await clinicStoreId();
    // Before the doctor counts amox, 30 capsules are dispensed (FEFO: all from A1, leaving 18).
    await doctor.call('dispensing.create', { rxNo: 'CF-1', lines: [{ drugId: amox.id, qty: 30 }] });
    // The shelf now holds 18 of A1 and 72 of A2; the doctor counts them exactly: no variance.
    await doctor.call('stocktakes.count', {
      id: st.id,
      entries: [
        { lineId: lineOf(st, 'A1').id, countedQty: 18 },
        { lineId: lineOf(st, 'A2').id, countedQty: 72 },
      ],
    });
    // Vitamin C: counted first (2 tablets short: 198 on the shelf), then 50 more are dispensed after the entry.
    await doctor.call('stocktakes.count', { id: st.id, entries: [{ lineId: lineOf(st, 'V1').id, countedQty: 198 }] });
    await doctor.call('dispensing.create', { rxNo: 'CF-2', lines: [{ drugId: vitc.id, qty: 50 }] });
    await doctor.call('stocktakes.count', { id: st.id, entries: [{ lineId: lineOf(st, 'C1').id, countedQty: 30 }] });
    await doctor.call('stocktakes.submit', { id: st.id });

    const review = await pharmacist.call('stocktakes.get', { id: st.id });
    const a1 = lineOf(review, 'A1');
    expect(a1).toMatchObject({ bookQtyAtStart: 48, bookQty: 18, countedQty: 18, variance: 0 });
    // The reviewer sees what moved between the start and the entry: the 30 dispensed.
    expect(a1.movements!.map((m) => [m.movement, m.qty, m.docType])).toEqual([['dispense', -30, 'dispensing']]);
    const v1 = lineOf(review, 'V1');
    expect(v1).toMatchObject({ bookQtyAtStart: 200, bookQty: 200, countedQty: 198, variance: -2 });
    // Dispensing after the entry is not part of this line's book figure.
    expect(v1.movements).toEqual([]);
    expect(lineOf(review, 'A2').movements).toEqual([]);

    await pharmacist.call('stocktakes.approve', { id: st.id, reasons: [{ lineId: v1.id, reasonCode: 'unrecorded_dispensing' }] });
    // Book = shelf: 198 counted, 50 dispensed after → 148; amox untouched by the stocktake.
    const onHand = await pharmacist.call('stock.onHand', { storeId: store });
    expect(onHand.rows.map((r) => [r.genericName, r.qty])).toEqual(
      expect.arrayContaining([
        ['维生素C片', 148],
        ['阿莫西林胶囊', 90],
        ['注射用头孢曲松钠', 30],
      ]),
    );
  });

  it('refuses a shortage the lot no longer holds (more went out after the count), changing nothing', async () => {
    const st = await spotAll();
    // Counted 10 vials of ceftriaxone where the book says 30: 20 short.
    await countAll(st, { A1: 48, A2: 72, C1: 10, V1: 200 });
    await doctor.call('stocktakes.submit', { id: st.id });
    // After the entry the book still lets 15 more be dispensed (30 on the book): only 15 remain.
    await doctor.call('dispensing.create', { lines: [{ drugId: ceft.id, qty: 15 }] });
    const before = ledgerChecksum(db());
    const c1 = lineOf(st, 'C1').id;
    await expect(pharmacist.call('stocktakes.approve', { id: st.id, reasons: [{ lineId: c1, reasonCode: 'unrecorded_dispensing' }] })).rejects.toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      message: expect.stringContaining('请退回复盘'),
    });
    expect(ledgerChecksum(db())).toBe(before);
    expect((await pharmacist.call('stocktakes.get', { id: st.id })).status).toBe('submitted');
  });
});

describe('found stock', () => {
  it('lets the counter add a known batch the book does not show here, as a surplus at the lot cost', async () => {
    // A second lot of amox is received at the hub but never issued to this clinic.
    const { seedSentOrder } = await import('../helpers/stock');
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty: 24 }]);
    await pharmacist.call('receipts.create', { poId, lines: [{ poLineId: lineIds[0], batchNo: 'A9', expiryDate: '2028-06-30', qty: 24 }] });

    const st = await spotAll();
    const found = await doctor.call('stocktakes.foundLots', { id: st.id });
    expect(found.map((l) => l.batchNo)).toEqual(['A9']);
    expect(found[0]).not.toHaveProperty('qty');
    const added = await doctor.call('stocktakes.addLine', { id: st.id, lotId: found[0].lotId });
    const a9 = lineOf(added, 'A9');
    expect(a9).toMatchObject({ origin: 'found', lineNo: 5, status: 'pending' });
    expect(await codeOf(doctor.call('stocktakes.addLine', { id: st.id, lotId: found[0].lotId }))).toBe('DUPLICATE');
    expect(await doctor.call('stocktakes.foundLots', { id: st.id })).toEqual([]);

    await countAll(added, { A1: 48, A2: 72, C1: 30, V1: 200, A9: 4 });
    await doctor.call('stocktakes.submit', { id: st.id });
    const review = await pharmacist.call('stocktakes.get', { id: st.id });
    expect(lineOf(review, 'A9')).toMatchObject({ bookQtyAtStart: 0, bookQty: 0, countedQty: 4, variance: 4, varianceAmount: 208 });
    const approved = await pharmacist.call('stocktakes.approve', {
      id: st.id,
      reasons: [{ lineId: a9.id, reasonCode: 'other', reasonNote: '上月调剂未登记' }],
    });
    expect(approved.surplusAmount).toBe(208); // 4 × 0.520833 = 2.083332 yuan
    const lots = await pharmacist.call('stock.lots', { storeId: await clinicStoreId(), drugId: amox.id });
    expect(lots.find((l) => l.batchNo === 'A9')?.qty).toBe(4);
  });

  it('limits a spot check to the drugs drawn', async () => {
    const st = await pharmacist.call('stocktakes.create', { kind: 'spot', clinicId, sampleSize: 1, counterMode: 'self' });
    const drawn = st.lines[0].drugId;
    const other = [amox, ceft, vitc].find((d) => d.id !== drawn)!;
    const otherLot = (db().prepare('SELECT id FROM lots WHERE drug_id = ? LIMIT 1').get(other.id) as { id: number }).id;
    expect(await codeOf(doctor.call('stocktakes.addLine', { id: st.id, lotId: otherLot }))).toBe('BUSINESS_RULE');
  });
});

describe('full stocktake', () => {
  it('counts every lot of a store, the hub on site included', async () => {
    const stores = await pharmacist.call('stock.stores', {});
    const clinicFull = await pharmacist.call('stocktakes.create', { kind: 'full', storeId: await clinicStoreId(), counterMode: 'self', blind: false });
    expect(clinicFull.lines.map((l) => l.batchNo).sort()).toEqual(['A1', 'A2', 'C1', 'V1']);
    expect(clinicFull.selection).toBeNull();
    const hubStore = stores.find((s) => s.kind === 'hub')!;
    const hubFull = await pharmacist.call('stocktakes.create', { kind: 'full', storeId: hubStore.id, counterMode: 'onsite' });
    expect(hubFull.lines).toEqual([]); // everything went to the clinic
    expect(await codeOf(pharmacist.call('stocktakes.submit', { id: hubFull.id }))).toBe('BUSINESS_RULE');
  });
});

describe('accuracy', () => {
  it('gives each clinic’s matched share and variance value by month', async () => {
    const march = await spotAll();
    await countAll(march, { A1: 46, A2: 72, C1: 31, V1: 200 });
    await doctor.call('stocktakes.submit', { id: march.id });
    await pharmacist.call('stocktakes.approve', {
      id: march.id,
      reasons: [
        { lineId: lineOf(march, 'A1').id, reasonCode: 'unrecorded_dispensing' },
        { lineId: lineOf(march, 'C1').id, reasonCode: 'count_error' },
      ],
    });
    hub.clock.set('2026-04-10T02:00:00Z');
    await pharmacist.call('auth.login', { username: 'yaoku', password: 'Changed123' });
    await doctor.call('auth.login', { username: 'cy01', password: 'Changed123' });
    await otherDoctor.call('auth.login', { username: 'cy02', password: 'Changed123' });
    await finance.call('auth.login', { username: 'caiwu', password: 'Changed123' });
    const april = await spotAll();
    await countAll(april, { A1: 46, A2: 72, C1: 31, V1: 200 });
    await doctor.call('stocktakes.submit', { id: april.id });
    await pharmacist.call('stocktakes.approve', { id: april.id, reasons: [] });

    const acc = await finance.call('stocktakes.accuracy', { from: '2026-02', to: '2026-04' });
    expect(acc.periods).toEqual(['2026-02', '2026-03', '2026-04']);
    expect(acc.rows.map((r) => r.clinicCode)).toEqual([null, 'C01', 'C02']);
    const c01 = acc.rows[1];
    expect(c01.months[0]).toMatchObject({ countedLines: 0, matchRateBp: null });
    // March: 2 of 4 matched; 2 capsules short (104 fen), 1 vial over (850 fen).
    expect(c01.months[1]).toMatchObject({
      stocktakes: 1,
      countedLines: 4,
      matchedLines: 2,
      matchRateBp: 5000,
      surplusAmount: 850,
      shortageAmount: 104,
      varianceAbs: 954,
      varianceNet: 746,
    });
    expect(c01.months[2]).toMatchObject({ countedLines: 4, matchedLines: 4, matchRateBp: 10000, varianceAbs: 0 });
    expect(c01.total).toMatchObject({ stocktakes: 2, countedLines: 8, matchedLines: 6, matchRateBp: 7500 });
    expect(c01.lastApprovedDate).toBe('2026-04-10');
    expect(acc.rows[2].total.countedLines).toBe(0);
    expect(acc.total).toMatchObject({ countedLines: 8, matchedLines: 6 });

    // A doctor sees only their own clinic, and may not ask for another.
    const own = await doctor.call('stocktakes.accuracy', { from: '2026-03', to: '2026-04' });
    expect(own.rows.map((r) => r.clinicCode)).toEqual(['C01']);
    expect(await codeOf(otherDoctor.call('stocktakes.accuracy', { from: '2026-03', to: '2026-04', clinicId }))).toBe('FORBIDDEN_CLINIC');
    expect(await codeOf(finance.call('stocktakes.accuracy', { from: '2026-05', to: '2026-04' }))).toBe('VALIDATION');
  });
});

describe('demo history', () => {
  it('runs spot checks with a few realistic variances through the real handlers', async () => {
    const { runDemoSpotCheck } = await import('../../electron/demo/stocktake');
    let variances = 0;
    for (let i = 0; i < 4; i++) {
      const result = await runDemoSpotCheck({ pharmacist, doctor }, clinicId, {
        seed: 1000 + i,
        sampleSize: 3,
        variancePercent: 50,
        counterMode: i % 2 ? 'onsite' : 'self',
      });
      const st = await pharmacist.call('stocktakes.get', { id: result.id });
      expect(st.status).toBe('approved');
      expect(result.variances).toBe(st.lines.filter((l) => l.variance !== 0).length);
      expect(st.lines.filter((l) => l.variance !== 0).every((l) => l.reasonCode !== null)).toBe(true);
      variances += result.variances;
    }
    expect(variances).toBeGreaterThan(0);
    const acc = await pharmacist.call('stocktakes.accuracy', { from: '2026-03', to: '2026-03', clinicId });
    expect(acc.rows[0].total.stocktakes).toBe(4);
    expect(acc.rows[0].total.matchedLines).toBeLessThan(acc.rows[0].total.countedLines);
  });
});
