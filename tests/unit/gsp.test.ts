import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { checkLedgerInvariants, ledgerChecksum } from '../../electron/domain/stock/ledger';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';

/**
 * GSP records (issue 21) through the real handlers on a real SQLite file: acceptance with refusals into
 * quarantine, quarantine shut to first-expiry-first, leaving it only by destruction or a supplier return
 * (ledger rows, statements and the 医保 export), cold-chain arrival, the second acceptor, and the
 * append-only temperature and humidity log. The clock is the ManualClock's (2026-03-02 09:00 China time).
 */
let hub: TestHub;
let pharmacist: InternalClient;
let doctor: InternalClient;
let otherDoctor: InternalClient;
let clinicId: number;
let supplierId: number;
let amox: SeedDrug;

const db = () => hub.runtime.app.db;
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );

beforeEach(async () => {
  hub = await createTestHub();
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  const otherClinicId = (await createClinic(hub, 'C02', '西岭村卫生室')).id;
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
  await createUser(hub, { username: 'yaoku2', role: 'pharmacist', displayName: '吴药师' });
  doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId });
  otherDoctor = await createUser(hub, { username: 'cy02', role: 'village_doctor', clinicId: otherClinicId });
  supplierId = seedSupplier(hub);
  amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await hub.close();
});

type Line = { packs: number; rejectedPacks?: number; expiryDate?: string; batchNo?: string } & Record<string, unknown>;

async function receive(lines: Line[], drug = amox, extra: Record<string, unknown> = {}) {
  const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug, qty: lines.reduce((n, l) => n + l.packs, 0) * drug.packSize }]);
  return pharmacist.call('receipts.create', {
    poId,
    invoiceNo: 'FP001',
    acceptance: { deliveryNoteNo: 'SH-0301-17' },
    ...extra,
    lines: lines.map(({ packs, rejectedPacks, expiryDate, batchNo, ...rest }) => ({
      poLineId: lineIds[0],
      batchNo: batchNo ?? 'B1',
      expiryDate: expiryDate ?? '2028-06-30',
      qty: packs * drug.packSize,
      rejectedQty: (rejectedPacks ?? 0) * drug.packSize,
      ...rest,
    })),
  });
}

const hubStore = () => (sql(db(), "SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
const clinicStore = () => (sql(db(), "SELECT id FROM stores WHERE kind = 'clinic' AND clinic_id = ?").get(clinicId) as { id: number }).id;
const usable = (storeId: number, drugId: number) =>
  (
    sql(
      db(),
      'SELECT coalesce(sum(b.qty), 0) AS q FROM stock_balances b WHERE b.store_id = ? AND b.drug_id = ? AND b.lot_id NOT IN (SELECT lot_id FROM quarantine_lots)',
    ).get(storeId, drugId) as { q: number }
  ).q;

async function deliver(qty: number) {
  const [reqLine] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty }]);
  return pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId: reqLine, qty }] });
}

describe('acceptance at receipt', () => {
  it('accepts part of a line and puts the refused boxes in quarantine, with the acceptance record and the delivery-note number', async () => {
    const { receipt, warnings } = await receive([{ packs: 10, rejectedPacks: 2, rejectReason: 'damaged', rejectNote: '外箱压损' }]);
    expect(warnings).toEqual([]);
    expect(receipt.acceptance).toMatchObject({ deliveryNoteNo: 'SH-0301-17', acceptedOn: '2026-03-02', acceptorName: '周药师', secondAcceptorName: null });
    const line = receipt.lines[0];
    expect(line.qty).toBe(240);
    expect(line.acceptance).toMatchObject({ acceptedQty: 192, rejectedQty: 48, rejectReason: 'damaged', conclusion: 'fail', storageCondition: 'room' });
    // The invoice covers all 10 boxes; the two postings add up to the line to the fen.
    const rows = sql(db(), "SELECT lot_id AS lotId, qty, amount FROM ledger WHERE doc_type = 'receipt' AND doc_id = ? ORDER BY id").all(receipt.id) as {
      lotId: number;
      qty: number;
      amount: number;
    }[];
    expect(rows.map((r) => r.qty)).toEqual([192, 48]);
    expect(rows[0].amount + rows[1].amount).toBe(line.amount);
    expect(rows[1].lotId).toBe(line.acceptance!.quarantineLotId);
    // Only what was accepted counts as received on the order.
    expect((sql(db(), 'SELECT received_qty AS r FROM purchase_order_lines WHERE id = ?').get(line.poLineId) as { r: number }).r).toBe(192);
    const quarantine = await pharmacist.call('quarantine.list', {});
    expect(quarantine).toHaveLength(1);
    expect(quarantine[0]).toMatchObject({ heldQty: 48, enteredQty: 48, status: 'fail', reasonLabel: '破损', source: 'receipt', sourceDocNo: receipt.docNo });
    const records = await pharmacist.call('gsp.acceptanceRecords', { receiptId: receipt.id });
    expect(records[0]).toMatchObject({ arrivedQty: 240, acceptedQty: 192, rejectedQty: 48, deliveryNoteNo: 'SH-0301-17', conclusion: 'fail' });
    expect(await pharmacist.call('gsp.acceptanceRecords', { period: '2026-03' })).toHaveLength(1);
  });

  it('registers the codes of the accepted boxes at the hub; more codes than accepted boxes are refused (a refused box is not scanned)', async () => {
    const code = (n: number) => `8123456000000000${String(n).padStart(4, '0')}`;
    const tooMany = [1, 2, 3].map(code);
    const refusal = { packs: 3, rejectedPacks: 1, rejectReason: 'damaged', rejectNote: '外箱压损' };
    await expect(receive([{ ...refusal, traceCodes: tooMany }])).rejects.toMatchObject({
      code: 'VALIDATION',
      message: '第 1 行：追溯码 3 个，多于验收合格的 2 盒（拒收的盒子不扫码）',
    });
    expect(sql(db(), 'SELECT count(*) AS n FROM trace_codes').get()).toEqual({ n: 0 });
    const { receipt } = await receive([{ ...refusal, traceCodes: tooMany.slice(0, 2) }]);
    const line = receipt.lines[0];
    expect(line.traceCodes).toEqual(tooMany.slice(0, 2));
    const boxes = sql(db(), 'SELECT lot_id AS lotId, state, store_id AS storeId FROM trace_codes ORDER BY code').all();
    expect(boxes).toEqual([
      { lotId: line.lotId, state: 'in_stock', storeId: hubStore() },
      { lotId: line.lotId, state: 'in_stock', storeId: hubStore() },
    ]);
    expect(line.acceptance!.quarantineLotId).not.toBe(line.lotId);
  });

  it('refuses a refusal without a reason, or more refused than arrived, and changes nothing', async () => {
    const before = ledgerChecksum(db());
    expect(await codeOf(receive([{ packs: 10, rejectedPacks: 2 }]))).toBe('VALIDATION');
    expect(await codeOf(receive([{ packs: 2, rejectedPacks: 3, rejectReason: 'damaged' }]))).toBe('VALIDATION');
    expect(await codeOf(receive([{ packs: 2, rejectedPacks: 1, rejectReason: 'other' }]))).toBe('VALIDATION');
    expect(ledgerChecksum(db())).toBe(before);
    expect(sql(db(), 'SELECT count(*) AS n FROM receipts').get()).toEqual({ n: 0 });
  });

  it('keeps a cold-chain drug that arrived out of range out of stock: refused unless it all goes to quarantine', async () => {
    const insulin = seedDrug(hub, { name: '胰岛素注射液', packSize: 1, supplierId, packPrice: 50_000_000 });
    await pharmacist.call('gsp.setDrugStorage', { drugId: insulin.id, storageCondition: 'cold', specialControl: false });
    await pharmacist.call('gsp.saveSettings', { secondAcceptor: 'none', amTime: '09:00', pmTime: '15:00' });
    const before = ledgerChecksum(db());
    expect(await codeOf(receive([{ packs: 5 }], insulin))).toBe('VALIDATION'); // no arrival temperature
    expect(await codeOf(receive([{ packs: 5, arrivalTemp: 50 }], insulin))).toBe('VALIDATION'); // no transport record
    const hot = receive([{ packs: 5, arrivalTemp: 123, transportRecord: '冷藏车 湘A12345，途中 2.5–12.3 ℃' }], insulin);
    await expect(hot).rejects.toMatchObject({ code: 'BUSINESS_RULE', message: expect.stringContaining('12.3 ℃ 超出冷藏范围') });
    expect(ledgerChecksum(db())).toBe(before);

    const ok = await receive([{ packs: 5, arrivalTemp: 52, transportRecord: '冷藏车 湘A12345，途中 3.1–5.6 ℃' }], insulin);
    expect(ok.receipt.lines[0].acceptance).toMatchObject({ acceptedQty: 5, arrivalTemp: 52, storageCondition: 'cold' });
    const refused = await receive([{ packs: 3, rejectedPacks: 3, rejectReason: 'cold_chain', arrivalTemp: 123, transportRecord: '保温箱冰排已化' }], insulin);
    expect(refused.receipt.lines[0].acceptance).toMatchObject({ acceptedQty: 0, rejectedQty: 3, conclusion: 'fail' });
    expect(usable(hubStore(), insulin.id)).toBe(5);
  });

  it('asks for a second acceptor, by their own password, where the hub requires two people for 冷藏 drugs', async () => {
    const vaccine = seedDrug(hub, { name: '破伤风抗毒素', packSize: 1, supplierId, packPrice: 8_000_000 });
    await pharmacist.call('gsp.setDrugStorage', { drugId: vaccine.id, storageCondition: 'cold', specialControl: false });
    const line = { packs: 2, arrivalTemp: 40, transportRecord: '冷藏箱，4.0 ℃' };
    const before = ledgerChecksum(db());
    await expect(receive([line], vaccine)).rejects.toMatchObject({ code: 'BUSINESS_RULE', message: expect.stringContaining('双人验收') });
    const wrong = { acceptance: { deliveryNoteNo: null, secondAcceptor: { username: 'yaoku2', password: 'Wrong1234' } } };
    expect(await codeOf(receive([line], vaccine, wrong))).toBe('VALIDATION');
    const self = { acceptance: { deliveryNoteNo: null, secondAcceptor: { username: 'yaoku', password: 'Changed123' } } };
    expect(await codeOf(receive([line], vaccine, self))).toBe('VALIDATION');
    const doctorAsSecond = { acceptance: { deliveryNoteNo: null, secondAcceptor: { username: 'cy01', password: 'Changed123' } } };
    expect(await codeOf(receive([line], vaccine, doctorAsSecond))).toBe('VALIDATION');
    expect(ledgerChecksum(db())).toBe(before);

    const two = { acceptance: { deliveryNoteNo: null, secondAcceptor: { username: 'yaoku2', password: 'Changed123' } } };
    const { receipt } = await receive([line], vaccine, two);
    expect(receipt.acceptance).toMatchObject({ acceptorName: '周药师', secondAcceptorName: '吴药师' });
    // A room-temperature drug needs no second acceptor.
    expect(await codeOf(receive([{ packs: 1 }]))).toBe('ok');
  });
});

describe('quarantine', () => {
  it('is never issued by first-expiry-first, even when it expires first', async () => {
    await receive([{ packs: 4, rejectedPacks: 4, rejectReason: 'short_expiry', expiryDate: '2026-09-30', batchNo: 'OLD' }]);
    await receive([{ packs: 2, expiryDate: '2028-06-30', batchNo: 'NEW' }]);
    const delivery = await deliver(48);
    expect(delivery.lines.map((l) => l.batchNo)).toEqual(['NEW']);
    // Nothing is left to issue: the quarantined boxes are not stock that can be delivered.
    await expect(deliver(24)).rejects.toMatchObject({ code: 'INSUFFICIENT_STOCK' });
    const [q] = await pharmacist.call('quarantine.list', {});
    expect(q.heldQty).toBe(96);
  });

  it('refuses an ordinary write-off of quarantined goods (destruction needs its record and witness)', async () => {
    const { receipt } = await receive([{ packs: 3, rejectedPacks: 1, rejectReason: 'damaged' }]);
    const lotId = receipt.lines[0].acceptance!.quarantineLotId!;
    await expect(
      pharmacist.call('writeoffs.create', { storeId: hubStore(), reasonCode: 'damaged', reason: null, lines: [{ lotId, qty: 24 }] }),
    ).rejects.toMatchObject({ code: 'BUSINESS_RULE', message: expect.stringContaining('不合格品区') });
  });

  it('leaves quarantine by a destruction record with a witness: a write-off row in the ledger, the statement and the 医保 export', async () => {
    const { receipt } = await receive([{ packs: 5, rejectedPacks: 2, rejectReason: 'damaged' }]);
    const lotId = receipt.lines[0].acceptance!.quarantineLotId!;
    const base = { lines: [{ lotId, qty: 48 }], method: '焚烧', place: '卫生院医疗废物暂存间' };
    expect(await codeOf(pharmacist.call('quarantine.destroy', { ...base, witness: '周药师' }))).toBe('VALIDATION');
    expect(await codeOf(doctor.call('quarantine.destroy', { ...base, witness: '李院长' }))).toBe('FORBIDDEN');
    const good = receipt.lines[0].lotId;
    expect(await codeOf(pharmacist.call('quarantine.destroy', { ...base, lines: [{ lotId: good, qty: 24 }], witness: '李院长' }))).toBe('BUSINESS_RULE');

    const destroyed = await pharmacist.call('quarantine.destroy', { ...base, witness: '李院长' });
    const rows = sql(db(), "SELECT movement, qty, amount, store_id AS storeId FROM ledger WHERE doc_type = 'writeoff' AND doc_id = ?").all(
      destroyed.writeoffId,
    );
    expect(rows).toEqual([{ movement: 'writeoff', qty: -48, amount: -destroyed.totalAmount, storeId: hubStore() }]);
    expect(destroyed.totalAmount).toBe(2500);
    expect(await pharmacist.call('quarantine.list', {})).toEqual([]);
    const [record] = await pharmacist.call('quarantine.list', { period: '2026-03' });
    expect(record.disposals).toEqual([expect.objectContaining({ kind: 'destruction', docNo: destroyed.docNo, qty: 48, witness: '李院长', method: '焚烧' })]);

    const statement = await pharmacist.call('statements.hub', { period: '2026-03' });
    const drugRow = statement.rows.find((r) => r.drugId === amox.id)!;
    const column = (key: string) => drugRow.cells[statement.columns.findIndex((c) => c.key === key)];
    expect(column('purchased')).toMatchObject({ qty: 120 });
    expect(column('writtenOff')).toMatchObject({ qty: 48, value: 2500 });
    expect(drugRow.closing).toMatchObject({ qty: 72 });
    const file = await pharmacist.call('insuranceExport.download', { period: '2026-03', storeId: hubStore(), format: 'json' });
    const upload = JSON.parse(Buffer.from(file.base64, 'base64').toString('utf8')) as Record<string, Record<string, unknown>[]>;
    expect(upload['3502'].filter((r) => String(r.memo).includes(destroyed.docNo))).toHaveLength(1);
    expect(upload['3503'].map((r) => [r.purc_retn_cnt, r.dynt_no])).toEqual([
      [72, 'SH-0301-17'],
      [48, 'SH-0301-17'],
    ]);
  });

  it('leaves quarantine by a return to the supplier (3504), and a clinic’s damaged return goes to quarantine, not the shelf', async () => {
    const { receipt } = await receive([{ packs: 4, rejectedPacks: 1, rejectReason: 'batch_mismatch' }]);
    const lotId = receipt.lines[0].acceptance!.quarantineLotId!;
    const back = await pharmacist.call('returns.create', {
      kind: 'hub_to_supplier',
      supplierId,
      reasonCode: 'quality',
      reason: '批号不符',
      lines: [{ lotId, qty: 24 }],
    });
    expect(sql(db(), "SELECT movement, qty FROM ledger WHERE doc_type = 'return' AND doc_id = ?").all(back.id)).toEqual([
      { movement: 'supplier_return', qty: -24 },
    ]);
    const [record] = await pharmacist.call('quarantine.list', { period: '2026-03' });
    expect(record).toMatchObject({ heldQty: 0, disposals: [expect.objectContaining({ kind: 'return', docNo: back.docNo, qty: 24 })] });
    // The hub's statement counts it as returned to the supplier; the upload has it as one 3504 row (采购退货).
    const statement = await pharmacist.call('statements.hub', { period: '2026-03' });
    const drugRow = statement.rows.find((r) => r.drugId === amox.id)!;
    const column = (key: string) => drugRow.cells[statement.columns.findIndex((c) => c.key === key)];
    expect(column('purchased')).toMatchObject({ qty: 96 });
    expect(column('supplierReturned')).toMatchObject({ qty: 24, value: back.totalAmount });
    expect(drugRow.closing).toMatchObject({ qty: 72 });
    const file = await pharmacist.call('insuranceExport.download', { period: '2026-03', storeId: hubStore(), format: 'json' });
    const upload = JSON.parse(Buffer.from(file.base64, 'base64').toString('utf8')) as Record<string, Record<string, unknown>[]>;
    expect(upload['3504'].filter((r) => String(r.memo).includes(back.docNo)).map((r) => r.purc_retn_cnt)).toEqual([24]);

    // 72 accepted: deliver 48 to the clinic, who signs and sends 24 back broken.
    const delivery = await deliver(48);
    await doctor.call('deliveries.sign', { id: delivery.id, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty, reason: null })) });
    const broken = await doctor.call('returns.create', {
      kind: 'clinic_to_hub',
      reasonCode: 'damaged',
      reason: '运输中压碎',
      lines: [{ lotId: receipt.lines[0].lotId, qty: 24 }],
    });
    await pharmacist.call('returns.decide', { id: broken.id, accept: true });
    expect(usable(clinicStore(), amox.id)).toBe(24);
    expect(usable(hubStore(), amox.id)).toBe(24); // the 24 never delivered; the broken 24 are not on the shelf
    const held = await pharmacist.call('quarantine.list', {});
    expect(held).toEqual([expect.objectContaining({ heldQty: 24, source: 'return', sourceDocNo: broken.docNo, reasonLabel: '破损' })]);
    await expect(deliver(48)).rejects.toMatchObject({ code: 'INSUFFICIENT_STOCK' });
  });
});

describe('temperature and humidity log', () => {
  async function fridge() {
    return pharmacist.call('storage.saveArea', { storeId: clinicStore(), name: '冷藏柜', kind: 'cold', tempMin: 20, tempMax: 80, rhMin: 35, rhMax: 75 });
  }

  it('refuses a reading out of range without the action taken, keeps it open until a reading is back in range', async () => {
    const area = await fridge();
    const out = doctor.call('storage.record', { areaId: area.id, temperature: 93, humidity: 60 });
    await expect(out).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('请填写采取的措施') });
    expect(sql(db(), 'SELECT count(*) AS n FROM env_readings').get()).toEqual({ n: 0 });

    const reading = await doctor.call('storage.record', { areaId: area.id, temperature: 93, humidity: 60, action: '门未关严，已关好，半小时后复测' });
    expect(reading).toMatchObject({ slot: 'am', inRange: false, readingDate: '2026-03-02', readAt: '09:00' });
    const today = await doctor.call('storage.today', {});
    expect(today.issues).toEqual([expect.objectContaining({ kind: 'out_of_range', areaName: '冷藏柜', slot: 'am' })]);
    expect(await codeOf(doctor.call('storage.record', { areaId: area.id, temperature: 50, humidity: 50 }))).toBe('DUPLICATE');

    hub.clock.set('2026-03-02T07:00:00.000Z'); // 15:00
    await doctor.call('auth.login', { username: 'cy01', password: 'Changed123' });
    await doctor.call('storage.record', { areaId: area.id, temperature: 51, humidity: 55 });
    expect((await doctor.call('storage.today', {})).issues).toEqual([]);
    expect(await codeOf(otherDoctor.call('storage.record', { areaId: area.id, temperature: 51, humidity: 55, slot: 'am' }))).toBe('FORBIDDEN_CLINIC');
  });

  it('is append-only: a correction is a new row, the old one stays; a missed slot shows', async () => {
    const area = await fridge();
    const first = await doctor.call('storage.record', { areaId: area.id, temperature: 45, humidity: 50 });
    expect(await codeOf(doctor.call('storage.record', { areaId: area.id, temperature: 55, humidity: 50, correctsId: first.id }))).toBe('VALIDATION');
    const fixed = await doctor.call('storage.record', { areaId: area.id, temperature: 54, humidity: 50, correctsId: first.id, correctionReason: '看错了刻度' });
    expect(fixed.correctsId).toBe(first.id);
    expect(() => sql(db(), 'UPDATE env_readings SET temperature = 1 WHERE id = ?').run(first.id)).toThrow(/append-only/);
    expect(() => sql(db(), 'DELETE FROM env_readings WHERE id = ?').run(first.id)).toThrow(/append-only/);

    hub.clock.set('2026-03-03T02:00:00.000Z'); // next day, 10:00
    await doctor.call('auth.login', { username: 'cy01', password: 'Changed123' });
    await pharmacist.call('auth.login', { username: 'yaoku', password: 'Changed123' });
    const log = await doctor.call('storage.log', { areaId: area.id, period: '2026-03' });
    expect(log.days.map((d) => [d.date, d.am.reading?.temperature ?? null, d.am.missed, d.pm.missed])).toEqual([
      ['2026-03-01', null, false, false], // before the fridge was set up
      ['2026-03-02', 54, false, true],
      ['2026-03-03', null, false, false], // 10:00 is within the morning's grace
    ]);
    expect(log.corrections.map((c) => c.id)).toEqual([first.id]);
    expect(log.missed).toBe(1);
    const issues = (await pharmacist.call('storage.today', {})).issues;
    expect(issues).toEqual([expect.objectContaining({ kind: 'missed', readingDate: '2026-03-02', slot: 'pm' })]);
  });
});
