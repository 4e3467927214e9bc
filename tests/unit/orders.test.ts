import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { addDrug, addSupplier, approvedRequisition, purchasingWorld, type PurchasingWorld } from '../helpers/purchasing';
import { recordReceivedQty, reverseReceivedQty } from '../../electron/domain/purchasing/orders';
import type { OrderDetail } from '../../shared/contract/orders';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};
const codeOfSync = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

let hub: TestHub;
let w: PurchasingWorld;
let amox: number;
let ibu: number;
let order: OrderDetail;
let reqA: number;
beforeEach(async () => {
  hub = await createTestHub();
  w = await purchasingWorld(hub);
  const s = addSupplier(w.db, '国药控股湖南有限公司');
  amox = addDrug(w.db, { name: '阿莫西林胶囊', spec: '0.25g*24粒', baseUnit: '粒', packSize: 24, supplierId: s, packPrice: 12_345_600 });
  ibu = addDrug(w.db, { name: '布洛芬缓释胶囊', spec: '0.3g*20粒', baseUnit: '粒', packSize: 20, supplierId: s, packPrice: 8_500_000, insuranceClass: 'B' });
  reqA = await approvedRequisition(w, w.clinicA.doctor, [
    { drugId: amox, qty: 48 },
    { drugId: ibu, qty: 20 },
  ]);
  const p = await w.pharmacist.call('aggregation.preview', { requisitionIds: [reqA], hubReplenishment: false });
  const created = await w.pharmacist.call('aggregation.create', { requisitionIds: [reqA], hubReplenishment: false, fingerprint: p.fingerprint, note: null });
  order = await w.pharmacist.call('orders.get', { id: created.orders[0].id });
});
afterEach(() => hub.close());

const statusOf = (id: number) => (w.db.prepare('SELECT status FROM purchase_orders WHERE id = ?').get(id) as { status: string }).status;
const tx = (fn: () => void) => w.db.transaction(fn)();

describe('purchase order transitions', () => {
  it('goes draft → sent → partly received → received through receipts, and refuses everything else', async () => {
    expect(order).toMatchObject({ status: 'draft', lineCount: 2, can: { send: true, cancel: true } });
    const [l1, l2] = order.lines;
    // No receipts on a draft.
    expect(codeOfSync(() => recordReceivedQty(w.db, l1.id, 24))).toBe('INVALID_STATE');

    const sent = await w.pharmacist.call('orders.send', { id: order.id });
    expect(sent).toMatchObject({ status: 'sent', sentByName: '周药师', can: { send: false, cancel: true } });
    expect(await codeOf(w.pharmacist.call('orders.send', { id: order.id }))).toBe('INVALID_STATE');

    tx(() => recordReceivedQty(w.db, l1.id, 24, hub.clock.now()));
    expect(statusOf(order.id)).toBe('partly_received');
    // Over-receipt is refused with the quantities in units, and nothing changes.
    const over = (() => {
      try {
        recordReceivedQty(w.db, l1.id, 48);
      } catch (err) {
        return err as { code: string; message: string };
      }
    })();
    expect(over).toMatchObject({ code: 'BUSINESS_RULE' });
    expect(over!.message).toContain('本次最多还能收 1盒（24粒）');
    expect((w.db.prepare('SELECT received_qty AS q FROM purchase_order_lines WHERE id = ?').get(l1.id) as { q: number }).q).toBe(24);

    // Nothing received may be cancelled only before any receipt.
    expect(await codeOf(w.pharmacist.call('orders.cancel', { id: order.id, reason: '供货不足' }))).toBe('INVALID_STATE');

    tx(() => recordReceivedQty(w.db, l1.id, 24));
    tx(() => recordReceivedQty(w.db, l2.id, 20));
    expect(statusOf(order.id)).toBe('received');
    expect(await codeOf(w.pharmacist.call('orders.send', { id: order.id }))).toBe('INVALID_STATE');
    expect(await codeOf(w.pharmacist.call('orders.cancel', { id: order.id, reason: 'x' }))).toBe('INVALID_STATE');

    // A reversed receipt takes the order back.
    tx(() => reverseReceivedQty(w.db, l2.id, 20));
    expect(statusOf(order.id)).toBe('partly_received');
    expect(codeOfSync(() => reverseReceivedQty(w.db, l2.id, 1))).toBe('BUSINESS_RULE');
    tx(() => reverseReceivedQty(w.db, l1.id, 48));
    expect(statusOf(order.id)).toBe('sent');
  });

  it('cancels a draft directly, a sent order only with a reason, and never twice', async () => {
    await w.pharmacist.call('orders.send', { id: order.id });
    await expect(w.pharmacist.call('orders.cancel', { id: order.id, reason: null })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(statusOf(order.id)).toBe('sent');
    const cancelled = await w.pharmacist.call('orders.cancel', { id: order.id, reason: '配送企业无货' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: '配送企业无货', can: { send: false, cancel: false } });
    expect(await codeOf(w.pharmacist.call('orders.cancel', { id: order.id, reason: '再来' }))).toBe('INVALID_STATE');
    expect(await codeOf(w.pharmacist.call('orders.send', { id: order.id }))).toBe('INVALID_STATE');
    expect(codeOfSync(() => recordReceivedQty(w.db, order.lines[0].id, 24))).toBe('INVALID_STATE');
  });

  it('returns the requisitions a cancelled order alone served to the aggregation pool', async () => {
    expect((await w.pharmacist.call('requisitions.list', { aggregatable: true })).rows).toEqual([]);
    await w.pharmacist.call('orders.cancel', { id: order.id, reason: null });
    const pool = await w.pharmacist.call('requisitions.list', { aggregatable: true });
    expect(pool.rows.map((r) => r.id)).toEqual([reqA]);
    // Ordered again, the cancelled order no longer counts as on order.
    const p = await w.pharmacist.call('aggregation.preview', { requisitionIds: [reqA], hubReplenishment: false });
    expect(p.orders[0].lines.map((l) => [l.drugId, l.onOrder, l.orderQty])).toEqual([
      [amox, 0, 48],
      [ibu, 0, 20],
    ]);
  });

  it('is sent and cancelled by the pharmacist only; finance may read', async () => {
    const finance = await createUser(hub, { username: 'caiwu', role: 'finance' });
    expect((await finance.call('orders.list', {})).total).toBe(1);
    expect(await codeOf(finance.call('orders.send', { id: order.id }))).toBe('FORBIDDEN');
    expect(await codeOf(w.clinicA.doctor.call('orders.get', { id: order.id }))).toBe('FORBIDDEN');
    expect(await codeOf(w.clinicA.doctor.call('orders.list', {}))).toBe('FORBIDDEN');
  });

  it('filters the list by status', async () => {
    expect((await w.pharmacist.call('orders.list', { status: ['sent'] })).total).toBe(0);
    await w.pharmacist.call('orders.send', { id: order.id });
    const sent = await w.pharmacist.call('orders.list', { status: ['sent', 'partly_received'] });
    expect(sent.rows.map((r) => r.id)).toEqual([order.id]);
  });
});

describe('order export', () => {
  it('writes an .xlsx with the lines, exact amounts, the total and the amount in words', async () => {
    const file = await w.pharmacist.call('orders.export', { id: order.id });
    expect(file.filename).toBe(`采购订单-${order.docNo}-国药控股湖南有限公司.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('采购订单')!;
    expect(ws.getCell('A1').value).toBe('测试镇卫生院药品采购订单');
    expect(ws.getCell('B2').value).toBe(order.docNo);
    const rows = [6, 7].map((r) => ws.getRow(r).values as unknown[]);
    // 阿莫西林 2 packs × 12.3456 = 24.6912 → 24.69; 布洛芬 1 pack × 8.50.
    expect(rows[0].slice(3, 13)).toEqual(['阿莫西林胶囊', '0.25g*24粒', '片剂', '湖南某某制药有限公司', '盒', 2, '24粒/盒', 48, 12.3456, 24.69]);
    expect(rows[1].slice(3, 13)).toEqual(['布洛芬缓释胶囊', '0.3g*20粒', '片剂', '湖南某某制药有限公司', '盒', 1, '20粒/盒', 20, 8.5, 8.5]);
    expect(ws.getRow(8).getCell(12).value).toBe(33.19);
    expect(ws.getRow(9).getCell(1).value).toBe('合计金额（大写）：叁拾叁元壹角玖分');
    expect(order.totalAmount).toBe(3319);
  });
});
