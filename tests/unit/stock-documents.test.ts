import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { checkLedgerInvariants, ledgerChecksum } from '../../electron/domain/stock/ledger';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';

let hub: TestHub;
let pharmacist: InternalClient;
let doctor: InternalClient;
let otherDoctor: InternalClient;
let clinicId: number;
let otherClinicId: number;
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
  otherClinicId = (await createClinic(hub, 'C02', '西岭村卫生室')).id;
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId });
  otherDoctor = await createUser(hub, { username: 'cy02', role: 'village_doctor', clinicId: otherClinicId });
  supplierId = seedSupplier(hub);
  amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await hub.close();
});

async function receive(lots: { batchNo: string; expiryDate: string; packs: number }[], drug = amox) {
  const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug, qty: lots.reduce((n, l) => n + l.packs, 0) * drug.packSize }]);
  return pharmacist.call('receipts.create', {
    poId,
    invoiceNo: 'FP001',
    lines: lots.map((l) => ({ poLineId: lineIds[0], batchNo: l.batchNo, expiryDate: l.expiryDate, qty: l.packs * drug.packSize })),
  });
}

/** After the clock jumps, sessions have expired like they would in real life: sign in again. */
async function relogin() {
  await doctor.call('auth.login', { username: 'cy01', password: 'Changed123' });
  await pharmacist.call('auth.login', { username: 'yaoku', password: 'Changed123' });
}

async function hubStoreId() {
  return (await pharmacist.call('stock.stores', {})).find((s) => s.kind === 'hub')!.id;
}

async function clinicStoreId(id = clinicId) {
  return (await pharmacist.call('stock.stores', {})).find((s) => s.kind === 'clinic' && s.clinicId === id)!.id;
}

/** Issues qty of amox to the clinic and has the doctor sign for all of it. */
async function deliverAndSign(qty: number) {
  const [lineId] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty }]);
  const delivery = await pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId: lineId, qty }] });
  return doctor.call('deliveries.sign', { id: delivery.id, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
}

describe('receiving against a purchase order', () => {
  it('books each line as a lot at the invoice amount and moves the order to received', async () => {
    const { receipt, warnings } = await receive([{ batchNo: 'A2501', expiryDate: '2028-01-31', packs: 10 }]);
    expect(warnings).toEqual([]);
    expect(receipt.totalAmount).toBe(12_500); // 10 boxes × 12.50 yuan, exactly
    expect(receipt.lines[0]).toMatchObject({ qty: 240, amount: 12_500, batchNo: 'A2501' });
    const po = db().prepare('SELECT status FROM purchase_orders WHERE id = ?').get(receipt.poId) as { status: string };
    expect(po.status).toBe('received');
    const onHand = await pharmacist.call('stock.onHand', { storeId: await hubStoreId() });
    expect(onHand.rows[0]).toMatchObject({ drugId: amox.id, qty: 240, value: 12_500 });
  });

  it('refuses expired lots and over-receipt, warns under six months, and changes nothing on refusal', async () => {
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty: 240 }]);
    const before = ledgerChecksum(db());
    const line = { poLineId: lineIds[0], batchNo: 'B1', qty: 240 };
    expect(await codeOf(pharmacist.call('receipts.create', { poId, lines: [{ ...line, expiryDate: '2026-03-01' }] }))).toBe('BUSINESS_RULE');
    expect(await codeOf(pharmacist.call('receipts.create', { poId, lines: [{ ...line, qty: 264, expiryDate: '2028-01-01' }] }))).toBe('BUSINESS_RULE');
    expect(ledgerChecksum(db())).toBe(before);
    expect(db().prepare('SELECT count(*) AS n FROM receipts').get()).toEqual({ n: 0 });

    const partial = await pharmacist.call('receipts.create', { poId, lines: [{ ...line, qty: 120, expiryDate: '2026-07-15' }] });
    expect(partial.warnings[0].message).toMatch(/近效期/);
    expect((db().prepare('SELECT status FROM purchase_orders WHERE id = ?').get(poId) as { status: string }).status).toBe('partly_received');
  });

  it('validates traceability codes: 20 digits, one per box at most, never twice', async () => {
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty: 48 }]);
    const line = { poLineId: lineIds[0], batchNo: 'T1', expiryDate: '2028-01-01', qty: 48 };
    expect(await codeOf(pharmacist.call('receipts.create', { poId, lines: [{ ...line, traceCodes: ['123'] }] }))).toBe('VALIDATION');
    const codes = ['81234567890123456789', '81234567890123456790', '81234567890123456791'];
    expect(await codeOf(pharmacist.call('receipts.create', { poId, lines: [{ ...line, traceCodes: codes }] }))).toBe('VALIDATION');
    const ok = await pharmacist.call('receipts.create', { poId, lines: [{ ...line, traceCodes: codes.slice(0, 2) }] });
    expect(ok.receipt.lines[0].traceCodes).toEqual(codes.slice(0, 2));
  });

  it('reverses a receipt while the goods are untouched, and not after they moved', async () => {
    const { receipt } = await receive([{ batchNo: 'R1', expiryDate: '2028-01-01', packs: 2 }]);
    const reversed = await pharmacist.call('receipts.reverse', { id: receipt.id, reason: '录错批号' });
    expect(reversed.status).toBe('reversed');
    expect((await pharmacist.call('stock.onHand', { storeId: await hubStoreId() })).rows).toEqual([]);
    expect(await codeOf(pharmacist.call('receipts.reverse', { id: receipt.id, reason: '再来一次' }))).toBe('INVALID_STATE');

    const second = await receive([{ batchNo: 'R2', expiryDate: '2028-01-01', packs: 2 }]);
    await deliverAndSign(24);
    expect(await codeOf(pharmacist.call('receipts.reverse', { id: second.receipt.id, reason: '晚了' }))).toBe('INSUFFICIENT_STOCK');
  });
});

describe('issuing to clinics', () => {
  it('takes the lot that expires first, never an expired one', async () => {
    await receive([
      { batchNo: 'LATE', expiryDate: '2028-06-30', packs: 5 },
      { batchNo: 'EARLY', expiryDate: '2027-01-31', packs: 1 },
      { batchNo: 'MID', expiryDate: '2027-09-30', packs: 2 },
    ]);
    const [lineId] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty: 72 }]);
    const preview = await pharmacist.call('deliveries.preview', { clinicId, lines: [{ requisitionLineId: lineId, qty: 72 }] });
    expect(preview.lines[0].lots.map((l) => [l.batchNo, l.qty])).toEqual([
      ['EARLY', 24],
      ['MID', 48],
    ]);
    const delivery = await pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId: lineId, qty: 72 }] });
    expect(delivery.lines.map((l) => [l.batchNo, l.qty])).toEqual([
      ['EARLY', 24],
      ['MID', 48],
    ]);
    expect(delivery.status).toBe('in_transit');

    // A lot that has expired by now is never issued, even though it expires first.
    await receive([{ batchNo: 'SHORT', expiryDate: '2026-12-31', packs: 2 }]);
    hub.clock.set('2027-03-01T01:00:00Z');
    await relogin();
    const [late] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty: 200 }]);
    await expect(pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId: late, qty: 121 }] })).rejects.toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      message: expect.stringContaining('已过期 48'),
    });
    const next = await pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId: late, qty: 120 }] });
    expect(next.lines.map((l) => l.batchNo)).toEqual(['LATE']);
  });

  it('keeps goods in transit until the doctor signs, and records discrepancies for both sides', async () => {
    await receive([{ batchNo: 'S1', expiryDate: '2028-01-01', packs: 10 }]);
    const [a] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty: 120 }]);
    const delivery = await pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId: a, qty: 120 }] });
    const clinicStore = await clinicStoreId();
    expect((await doctor.call('stock.onHand', { storeId: clinicStore })).rows).toEqual([]);

    // Another clinic's doctor can neither see nor sign it.
    expect(await codeOf(otherDoctor.call('deliveries.get', { id: delivery.id }))).toBe('FORBIDDEN_CLINIC');
    expect(await codeOf(otherDoctor.call('deliveries.sign', { id: delivery.id, lines: [{ lineId: delivery.lines[0].id, receivedQty: 120 }] }))).toBe(
      'FORBIDDEN_CLINIC',
    );
    // A shortfall needs a reason.
    expect(await codeOf(doctor.call('deliveries.sign', { id: delivery.id, lines: [{ lineId: delivery.lines[0].id, receivedQty: 96 }] }))).toBe('VALIDATION');

    const signed = await doctor.call('deliveries.sign', { id: delivery.id, lines: [{ lineId: delivery.lines[0].id, receivedQty: 96, reason: '少了一盒' }] });
    expect(signed.status).toBe('discrepancy');
    expect(signed.lines[0]).toMatchObject({ receivedQty: 96, discrepancyReason: '少了一盒' });
    expect((await doctor.call('stock.onHand', { storeId: clinicStore })).rows[0].qty).toBe(96);
    const transit = (await pharmacist.call('stock.stores', { includeTransit: true })).find((s) => s.kind === 'transit' && s.clinicId === clinicId)!;
    expect((await pharmacist.call('stock.onHand', { storeId: transit.id })).rows[0].qty).toBe(24);
    expect(await codeOf(doctor.call('deliveries.sign', { id: delivery.id, lines: [{ lineId: delivery.lines[0].id, receivedQty: 120 }] }))).toBe(
      'INVALID_STATE',
    );

    const resolved = await pharmacist.call('deliveries.resolve', {
      id: delivery.id,
      lineId: delivery.lines[0].id,
      resolution: 'returned_to_hub',
      note: '司机带回',
    });
    expect(resolved.status).toBe('resolved');
    expect((await pharmacist.call('stock.onHand', { storeId: transit.id })).rows).toEqual([]);
    expect((await pharmacist.call('stock.onHand', { storeId: await hubStoreId() })).rows[0].qty).toBe(240 - 96);
  });

  it('refuses to issue more than was approved', async () => {
    await receive([{ batchNo: 'S1', expiryDate: '2028-01-01', packs: 10 }]);
    const [a] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty: 48 }]);
    expect(await codeOf(pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId: a, qty: 72 }] }))).toBe('BUSINESS_RULE');
    expect(await codeOf(pharmacist.call('deliveries.create', { clinicId: otherClinicId, lines: [{ requisitionLineId: a, qty: 24 }] }))).toBe('VALIDATION');
  });
});

describe('dispensing at the clinic', () => {
  beforeEach(async () => {
    await receive([{ batchNo: 'D1', expiryDate: '2028-01-01', packs: 10 }]);
    await deliverAndSign(48);
  });

  it('deducts first-expiry-first, never beyond the stock, and only at the own clinic', async () => {
    const entry = await doctor.call('dispensing.create', { rxNo: 'CF001', lines: [{ drugId: amox.id, qty: 30 }] });
    expect(entry.lines[0]).toMatchObject({ qty: 30, lots: [{ batchNo: 'D1', qty: 30 }] });
    expect(entry.totalAmount).toBe(1_562); // 30 × 0.520833 yuan = 15.62499 yuan, rounded once at the line
    const before = ledgerChecksum(db());
    expect(await codeOf(doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 19 }] }))).toBe('INSUFFICIENT_STOCK');
    expect(await codeOf(otherDoctor.call('dispensing.create', { clinicId, lines: [{ drugId: amox.id, qty: 1 }] }))).toBe('FORBIDDEN_CLINIC');
    expect(ledgerChecksum(db())).toBe(before);
    // A clinic that never received the drug cannot dispense it.
    expect(await codeOf(otherDoctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 1 }] }))).toBe('INSUFFICIENT_STOCK');
  });

  it('is idempotent on the client token', async () => {
    const first = await doctor.call('dispensing.create', { clientToken: 'tok-12345678', lines: [{ drugId: amox.id, qty: 2 }] });
    const again = await doctor.call('dispensing.create', { clientToken: 'tok-12345678', lines: [{ drugId: amox.id, qty: 2 }] });
    expect(again.id).toBe(first.id);
    expect((await doctor.call('stock.onHand', { storeId: await clinicStoreId() })).rows[0].qty).toBe(46);
  });

  it('is corrected by reversal, once, while the month is open', async () => {
    const entry = await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 10 }] });
    const reversed = await doctor.call('dispensing.reverse', { id: entry.id, reason: '录入错误' });
    expect(reversed.status).toBe('reversed');
    expect((await doctor.call('stock.onHand', { storeId: await clinicStoreId() })).rows[0]).toMatchObject({ qty: 48 });
    const rows = db().prepare("SELECT qty, reverses_id AS r FROM ledger WHERE doc_type = 'dispensing' ORDER BY id").all();
    expect(rows).toEqual([
      { qty: -10, r: null },
      { qty: 10, r: expect.any(Number) },
    ]);
    expect(await codeOf(doctor.call('dispensing.reverse', { id: entry.id, reason: '再冲' }))).toBe('INVALID_STATE');

    const later = await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 5 }] });
    db().prepare("INSERT INTO periods (period, status) VALUES ('2026-03', 'closed')").run();
    expect(await codeOf(doctor.call('dispensing.reverse', { id: later.id, reason: '结账后' }))).toBe('PERIOD_CLOSED');
    expect(await codeOf(doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 1 }] }))).toBe('PERIOD_CLOSED');
  });

  it('refuses a business date in the future', async () => {
    expect(await codeOf(doctor.call('dispensing.create', { businessDate: '2026-03-03', lines: [{ drugId: amox.id, qty: 1 }] }))).toBe('BUSINESS_RULE');
  });
});

describe('returns and write-offs', () => {
  beforeEach(async () => {
    await receive([{ batchNo: 'W1', expiryDate: '2028-01-01', packs: 10 }]);
    await deliverAndSign(48);
  });

  it('returns from a clinic only when the hub accepts, and to the supplier at once', async () => {
    const clinicStore = await clinicStoreId();
    const [lot] = await doctor.call('stock.lots', { storeId: clinicStore, drugId: amox.id });
    const ret = await doctor.call('returns.create', { kind: 'clinic_to_hub', reasonCode: 'overstock', lines: [{ lotId: lot.lotId, qty: 24 }] });
    expect(ret.status).toBe('submitted');
    expect(
      await codeOf(doctor.call('returns.create', { kind: 'hub_to_supplier', supplierId, reasonCode: 'quality', lines: [{ lotId: lot.lotId, qty: 1 }] })),
    ).toBe('FORBIDDEN');
    expect(await codeOf(doctor.call('returns.decide', { id: ret.id, accept: true }))).toBe('FORBIDDEN');
    const posted = await pharmacist.call('returns.decide', { id: ret.id, accept: true });
    expect(posted).toMatchObject({ status: 'posted', totalAmount: 1_250 });
    expect((await doctor.call('stock.onHand', { storeId: clinicStore })).rows[0].qty).toBe(24);

    const toSupplier = await pharmacist.call('returns.create', {
      kind: 'hub_to_supplier',
      supplierId,
      reasonCode: 'quality',
      lines: [{ lotId: lot.lotId, qty: 24 }],
    });
    expect(toSupplier.status).toBe('posted');
    expect((await pharmacist.call('stock.onHand', { storeId: await hubStoreId() })).rows[0].qty).toBe(240 - 48 + 24 - 24);
  });

  it('writes off only after approval, and a rejection needs a reason', async () => {
    const clinicStore = await clinicStoreId();
    const [lot] = await doctor.call('stock.lots', { storeId: clinicStore, drugId: amox.id });
    const w = await doctor.call('writeoffs.create', { storeId: clinicStore, reasonCode: 'damaged', reason: '受潮', lines: [{ lotId: lot.lotId, qty: 6 }] });
    expect((await doctor.call('stock.onHand', { storeId: clinicStore })).rows[0].qty).toBe(48);
    expect(await codeOf(doctor.call('writeoffs.decide', { id: w.id, approve: true }))).toBe('FORBIDDEN');
    expect(await codeOf(pharmacist.call('writeoffs.decide', { id: w.id, approve: false }))).toBe('VALIDATION');
    const approved = await pharmacist.call('writeoffs.decide', { id: w.id, approve: true, note: '同意' });
    expect(approved.status).toBe('approved');
    expect((await doctor.call('stock.onHand', { storeId: clinicStore })).rows[0].qty).toBe(42);
    expect(await codeOf(otherDoctor.call('writeoffs.create', { storeId: clinicStore, reasonCode: 'lost', lines: [{ lotId: lot.lotId, qty: 1 }] }))).toBe(
      'FORBIDDEN_CLINIC',
    );
  });
});

describe('stock card', () => {
  it('shows every movement of one drug at one store with a running balance across months', async () => {
    await receive([{ batchNo: 'K1', expiryDate: '2028-01-01', packs: 5 }]);
    await deliverAndSign(48);
    hub.clock.set('2026-04-03T02:00:00Z');
    await relogin();
    await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 7 }] });
    const clinicStore = await clinicStoreId();
    const march = await doctor.call('stock.card', { storeId: clinicStore, drugId: amox.id, from: '2026-03-01', to: '2026-03-31' });
    expect(march.opening.qty).toBe(0);
    expect(march.rows.map((r) => [r.movement, r.qty, r.balanceQty])).toEqual([['issue_in', 48, 48]]);
    const april = await doctor.call('stock.card', { storeId: clinicStore, drugId: amox.id, from: '2026-04-01', to: '2026-04-30' });
    expect(april.opening.qty).toBe(48);
    expect(april.rows.map((r) => [r.movement, r.qty, r.balanceQty])).toEqual([['dispense', -7, 41]]);
    expect(april.closing.qty).toBe(41);
    const hubCard = await pharmacist.call('stock.card', { storeId: await hubStoreId(), drugId: amox.id, from: '2026-03-01', to: '2026-04-30' });
    expect(hubCard.rows.map((r) => r.movement)).toEqual(['receipt', 'issue_out']);
    expect(hubCard.rows[0].docNo).toMatch(/^RK-202603-/);
  });
});
