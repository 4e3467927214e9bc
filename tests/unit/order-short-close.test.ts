/**
 * 终止收货 (D3 of issue 15): a partly received order whose supplier will not deliver the rest is closed short
 * by the pharmacist with a reason. The rest stops counting as on order, the requisitions it was buying for go
 * back to the aggregation pool, the month end stops warning, and the hub and the clinic both see why.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHub, ManualClock, type TestHub } from '../helpers/runtime';
import { addDrug, addSupplier, approvedRequisition, purchasingWorld, type PurchasingWorld } from '../helpers/purchasing';

let hub: TestHub;
let w: PurchasingWorld;
let amox: number;

beforeEach(async () => {
  // 2026-03-16 09:00 in China.
  hub = await createTestHub({ clock: new ManualClock(new Date('2026-03-16T01:00:00.000Z')) });
  w = await purchasingWorld(hub);
  const supplier = addSupplier(w.db, '国药控股湖南有限公司');
  amox = addDrug(w.db, { name: '阿莫西林胶囊', form: '胶囊剂', spec: '0.25g*24粒', packSize: 24, baseUnit: '粒', supplierId: supplier, packPrice: 12_000_000 });
});
afterEach(() => hub.close());

/** Clinic A asks for 48 粒; the order for them is sent, 24 arrive and (unless told otherwise) go on to the clinic. */
async function partlyReceived({ issue = true } = {}) {
  const requisitionId = await approvedRequisition(w, w.clinicA.doctor, [{ drugId: amox, qty: 48 }]);
  const selection = { requisitionIds: [requisitionId], hubReplenishment: false };
  const preview = await w.pharmacist.call('aggregation.preview', selection);
  const { orders } = await w.pharmacist.call('aggregation.create', { ...selection, fingerprint: preview.fingerprint, note: null });
  const orderId = orders[0].id;
  await w.pharmacist.call('orders.send', { id: orderId });
  const order = await w.pharmacist.call('orders.get', { id: orderId });
  const receipt = await w.pharmacist.call('receipts.create', {
    poId: orderId,
    invoiceNo: 'FP001',
    lines: [{ poLineId: order.lines[0].id, batchNo: 'B1', expiryDate: '2028-06-30', qty: 24 }],
  });
  if (issue) {
    const [pending] = await w.pharmacist.call('deliveries.pending', { clinicId: w.clinicA.id });
    await w.pharmacist.call('deliveries.create', { clinicId: w.clinicA.id, lines: [{ requisitionLineId: pending.requisitionLineId, qty: 24 }] });
  }
  return { requisitionId, orderId, receiptId: receipt.receipt.id };
}

const openOrdersWarning = async () => {
  const checks = await w.pharmacist.call('periods.checks', { period: '2026-03' });
  return checks.checks.find((c) => c.key === 'orders_open')!;
};

describe('short-closing a partly received order', () => {
  it("lets the hub's own replenishment be ordered again: a phantom on-order quantity no longer nets new requests to nothing", async () => {
    w.db.prepare('UPDATE drugs SET hub_min = 24, hub_max = 48 WHERE id = ?').run(amox);
    const replenish = { requisitionIds: [], hubReplenishment: true };
    const preview = await w.pharmacist.call('aggregation.preview', replenish);
    const { orders } = await w.pharmacist.call('aggregation.create', { ...replenish, fingerprint: preview.fingerprint, note: null });
    await w.pharmacist.call('orders.send', { id: orders[0].id });
    const order = await w.pharmacist.call('orders.get', { id: orders[0].id });
    await w.pharmacist.call('receipts.create', {
      poId: order.id,
      invoiceNo: 'FP001',
      lines: [{ poLineId: order.lines[0].id, batchNo: 'B1', expiryDate: '2028-06-30', qty: 24 }],
    });

    const b = await approvedRequisition(w, w.clinicB.doctor, [{ drugId: amox, qty: 48 }]);
    const selection = { requisitionIds: [b], hubReplenishment: false };
    // 24 in stock + 24 "on order" that will never come: the clinic's 48 are netted to nothing.
    expect((await w.pharmacist.call('aggregation.preview', selection)).covered[0]).toMatchObject({ hubStock: 24, onOrder: 24, orderQty: 0 });
    await w.pharmacist.call('orders.shortClose', { id: order.id, reason: '配送企业缺货，不再供应' });
    expect((await w.pharmacist.call('aggregation.preview', selection)).orders[0].lines[0]).toMatchObject({ hubStock: 24, onOrder: 0, orderQty: 24 });
  });

  it('stops counting the rest as on order, sends the requisition back to aggregation, and stops the month-end warning', async () => {
    const { requisitionId, orderId } = await partlyReceived();
    expect((await openOrdersWarning()).ok).toBe(false);
    // Cancelling is for orders nothing arrived on.
    await expect(w.pharmacist.call('orders.cancel', { id: orderId, reason: '缺货' })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const b = await approvedRequisition(w, w.clinicB.doctor, [{ drugId: amox, qty: 24 }]);
    // The 24 missing 粒 count as on order, against clinic A's 24 still owed: A's need would never be ordered again.
    expect((await w.pharmacist.call('aggregation.preview', { requisitionIds: [b], hubReplenishment: false })).orders[0].lines[0]).toMatchObject({
      onOrder: 24,
      hubCommitted: 24,
      orderQty: 24,
    });

    const closed = await w.pharmacist.call('orders.shortClose', { id: orderId, reason: '配送企业通知该品种停产' });
    expect(closed).toMatchObject({
      status: 'short_closed',
      shortClose: { reason: '配送企业通知该品种停产', byName: '周药师', at: '2026-03-16T01:00:00.000Z' },
      can: { send: false, cancel: false, shortClose: false },
      lines: [{ qty: 48, receivedQty: 24 }],
    });
    const requisitionDocNo = (await w.pharmacist.call('requisitions.get', { id: requisitionId })).docNo;
    expect(closed.released).toEqual([requisitionDocNo]);

    // Aggregation: nothing on order any more; clinic A's remaining 24 are back in the pool with clinic B's 24.
    const pool = await w.pharmacist.call('requisitions.list', { aggregatable: true, page: 1, pageSize: 50 });
    expect(pool.rows.map((r) => r.id).sort()).toEqual([requisitionId, b].sort());
    const plan = await w.pharmacist.call('aggregation.preview', { requisitionIds: [requisitionId, b], hubReplenishment: false });
    expect(plan.orders[0].lines[0]).toMatchObject({ drugId: amox, clinicQty: 48, hubCommitted: 0, onOrder: 0, orderQty: 48 });
    expect((await openOrdersWarning()).ok).toBe(true);

    // Both sides see it: the order's status and reason for the hub, the requisition line for the clinic.
    expect((await w.pharmacist.call('orders.list', { status: ['short_closed'], page: 1, pageSize: 10 })).rows.map((o) => o.id)).toEqual([orderId]);
    expect((await w.pharmacist.call('orders.list', { status: ['received', 'partly_received'], page: 1, pageSize: 10 })).total).toBe(0);
    for (const who of [w.clinicA.doctor, w.pharmacist]) {
      const req = await who.call('requisitions.get', { id: requisitionId });
      expect(req).toMatchObject({ status: 'reviewed', aggregationId: null });
      expect(req.lines[0]).toMatchObject({
        approvedQty: 48,
        issuedQty: 24,
        shortClosedOrder: { orderDocNo: closed.docNo, supplierName: '国药控股湖南有限公司', reason: '配送企业通知该品种停产' },
      });
    }
    const audit = w.db.prepare("SELECT target, details FROM audit_log WHERE method = 'orders.shortClose' AND outcome = 'ok'").get() as {
      target: string;
      details: string;
    };
    expect(audit.target).toBe(`purchase_order:${orderId}`);
    expect(JSON.parse(audit.details)).toMatchObject({ reason: '配送企业通知该品种停产', unfilled: [{ lineNo: 1, qty: 24 }], released: [requisitionDocNo] });
  });

  it('takes no more goods, and a reversed receipt leaves it closed', async () => {
    const { orderId, receiptId } = await partlyReceived({ issue: false });
    const order = await w.pharmacist.call('orders.shortClose', { id: orderId, reason: '其余部分不再供货' });
    await expect(
      w.pharmacist.call('receipts.create', {
        poId: orderId,
        invoiceNo: 'FP002',
        lines: [{ poLineId: order.lines[0].id, batchNo: 'B2', expiryDate: '2028-06-30', qty: 24 }],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('已终止收货') });
    expect((await w.pharmacist.call('receipts.openOrders', {})).map((o) => o.poId)).not.toContain(orderId);
    // A receipt reversed afterwards takes its quantity back off the order, which stays closed: nothing more is expected.
    await w.pharmacist.call('receipts.reverse', { id: receiptId, reason: '批号录错' });
    expect(await w.pharmacist.call('orders.get', { id: orderId })).toMatchObject({ status: 'short_closed', lines: [{ receivedQty: 0 }] });
    expect((await w.pharmacist.call('receipts.openOrders', {})).map((o) => o.poId)).not.toContain(orderId);
  });

  it('is refused without a reason, for anyone but the pharmacist, for an order nothing or everything arrived on, and twice', async () => {
    const { orderId } = await partlyReceived();
    await expect(w.pharmacist.call('orders.shortClose', { id: orderId, reason: '  ' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(w.clinicA.doctor.call('orders.shortClose', { id: orderId, reason: '停产' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(hub.admin.call('orders.shortClose', { id: orderId, reason: '停产' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await w.pharmacist.call('orders.get', { id: orderId })).status).toBe('partly_received');

    await w.pharmacist.call('orders.shortClose', { id: orderId, reason: '停产' });
    await expect(w.pharmacist.call('orders.shortClose', { id: orderId, reason: '停产' })).rejects.toMatchObject({ code: 'INVALID_STATE' });

    const other = await approvedRequisition(w, w.clinicB.doctor, [{ drugId: amox, qty: 24 }]);
    const selection = { requisitionIds: [other], hubReplenishment: false };
    const again = await w.pharmacist.call('aggregation.preview', selection);
    const { orders } = await w.pharmacist.call('aggregation.create', { ...selection, fingerprint: again.fingerprint, note: null });
    await w.pharmacist.call('orders.send', { id: orders[0].id });
    await expect(w.pharmacist.call('orders.shortClose', { id: orders[0].id, reason: '停产' })).rejects.toMatchObject({
      code: 'INVALID_STATE',
      message: expect.stringContaining('请作废订单'),
    });
  });
});
