/**
 * Signing for a delivery and settling its shortfall (D7, D8 of issue 15): a sign date is neither in the future
 * nor before the delivery, and a shortfall the hub takes back or writes off is owed to the clinic again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { checkLedgerInvariants, ledgerChecksum } from '../../electron/domain/stock/ledger';
import { createClinic, createTestHub, createUser, ManualClock, type TestHub } from '../helpers/runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';

let hub: TestHub;
let pharmacist: InternalClient;
let doctor: InternalClient;
let clinicId: number;
let amox: SeedDrug;

const db = () => hub.runtime.app.db;

beforeEach(async () => {
  // 2026-03-16 09:00 in China.
  hub = await createTestHub({ clock: new ManualClock(new Date('2026-03-16T01:00:00.000Z')) });
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId });
  const supplierId = seedSupplier(hub);
  amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
  const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty: 240 }]);
  // Received a week before today, so a delivery may be dated any day since (stock is checked at the posting's date).
  await pharmacist.call('receipts.create', {
    poId,
    invoiceNo: 'FP001',
    businessDate: '2026-03-09',
    lines: [{ poLineId: lineIds[0], batchNo: 'S1', expiryDate: '2028-01-01', qty: 240 }],
  });
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await hub.close();
});

/** A requisition line of 24 approved, and a delivery of all of it dated `date`. */
async function issue(date?: string) {
  const [requisitionLineId] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty: 24 }]);
  const delivery = await pharmacist.call('deliveries.create', { clinicId, businessDate: date, lines: [{ requisitionLineId, qty: 24 }] });
  const requisitionId = (db().prepare('SELECT requisition_id AS id FROM requisition_lines WHERE id = ?').get(requisitionLineId) as { id: number }).id;
  return { delivery, requisitionLineId, requisitionId };
}

describe('the sign date (D7)', () => {
  it('is refused in the future, even when nothing arrived and nothing would post', async () => {
    const { delivery } = await issue();
    const before = ledgerChecksum(db());
    for (const receivedQty of [0, 24]) {
      await expect(
        doctor.call('deliveries.sign', {
          id: delivery.id,
          signDate: '2026-03-17',
          lines: [{ lineId: delivery.lines[0].id, receivedQty, reason: receivedQty ? null : '未到' }],
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('晚于今天'), issues: [{ path: 'signDate' }] });
    }
    expect(ledgerChecksum(db())).toBe(before);
    expect((await doctor.call('deliveries.get', { id: delivery.id })).status).toBe('in_transit');
  });

  it('is refused before the delivery left the hub, and saying which date that was', async () => {
    const { delivery } = await issue('2026-03-10');
    await expect(
      doctor.call('deliveries.sign', { id: delivery.id, signDate: '2026-03-09', lines: [{ lineId: delivery.lines[0].id, receivedQty: 24 }] }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('2026-03-10'),
      issues: [{ path: 'signDate' }],
    });
    const signed = await doctor.call('deliveries.sign', {
      id: delivery.id,
      signDate: '2026-03-10',
      lines: [{ lineId: delivery.lines[0].id, receivedQty: 24 }],
    });
    expect(signed.status).toBe('signed');
  });
});

describe('a shortfall the hub settles (D8)', () => {
  for (const resolution of ['returned_to_hub', 'written_off'] as const) {
    it(`is pending for the clinic again after ${resolution}, and both sides see why`, async () => {
      const { delivery, requisitionLineId, requisitionId } = await issue();
      await doctor.call('deliveries.sign', { id: delivery.id, lines: [{ lineId: delivery.lines[0].id, receivedQty: 0, reason: '整箱未到' }] });
      // While the hub has not settled it, the goods are still on their way: issued, not pending.
      expect((await pharmacist.call('deliveries.pending', { clinicId })).map((p) => p.requisitionLineId)).not.toContain(requisitionLineId);

      await pharmacist.call('deliveries.resolve', {
        id: delivery.id,
        lineId: delivery.lines[0].id,
        resolution,
        note: resolution === 'returned_to_hub' ? '司机带回' : '运输途中破损',
      });

      const pending = (await pharmacist.call('deliveries.pending', { clinicId })).find((p) => p.requisitionLineId === requisitionLineId);
      expect(pending).toMatchObject({ approvedQty: 24, issuedQty: 0, outstandingQty: 24 });
      for (const who of [doctor, pharmacist]) {
        const req = await who.call('requisitions.get', { id: requisitionId });
        expect(req.status).toBe('reviewed');
        expect(req.lines[0]).toMatchObject({
          approvedQty: 24,
          issuedQty: 0,
          shortfalls: [{ deliveryId: delivery.id, deliveryDocNo: delivery.docNo, qty: 24, resolution, reason: '整箱未到' }],
        });
      }
      // The hub can issue it again, and the requisition closes once the clinic has it.
      const again = await pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId, qty: 24 }] });
      await doctor.call('deliveries.sign', { id: again.id, lines: [{ lineId: again.lines[0].id, receivedQty: 24 }] });
      expect((await doctor.call('requisitions.get', { id: requisitionId })).status).toBe('closed');
    });
  }

  it('keeps what did arrive as issued: only the shortfall is pending again', async () => {
    const { delivery, requisitionLineId, requisitionId } = await issue();
    await doctor.call('deliveries.sign', { id: delivery.id, lines: [{ lineId: delivery.lines[0].id, receivedQty: 10, reason: '少了 14 粒' }] });
    await pharmacist.call('deliveries.resolve', { id: delivery.id, lineId: delivery.lines[0].id, resolution: 'returned_to_hub', note: '司机带回' });
    expect((await pharmacist.call('deliveries.pending', { clinicId })).find((p) => p.requisitionLineId === requisitionLineId)).toMatchObject({
      issuedQty: 10,
      outstandingQty: 14,
    });
    expect((await doctor.call('requisitions.get', { id: requisitionId })).lines[0]).toMatchObject({ issuedQty: 10, shortfalls: [{ qty: 14 }] });
  });
});
