import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/runtime';
import {
  addDrug,
  addOrder,
  addSupplier,
  approvedRequisition,
  hubStore,
  purchasingWorld,
  setPrice,
  stock,
  token,
  type PurchasingWorld,
} from '../helpers/purchasing';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

let hub: TestHub;
let w: PurchasingWorld;
let guoyao: number;
let jiuzhou: number;
beforeEach(async () => {
  hub = await createTestHub();
  w = await purchasingWorld(hub);
  guoyao = addSupplier(w.db, '国药控股湖南有限公司');
  jiuzhou = addSupplier(w.db, '九州通医药集团');
});
afterEach(() => hub.close());

describe('aggregation', () => {
  it('sums clinics, nets hub stock (unexpired, less commitments) and open orders, rounds up to packs, splits by supplier', async () => {
    const amox = addDrug(w.db, { name: '阿莫西林胶囊', packSize: 24, supplierId: guoyao, packPrice: 12_000_000 });
    const ibu = addDrug(w.db, { name: '布洛芬缓释胶囊', packSize: 20, supplierId: jiuzhou, packPrice: 8_500_000 });
    const hub1 = hubStore(w.db);
    stock(w.db, hub1, amox, 40);
    stock(w.db, hub1, amox, 100, { expiry: '2026-02-28' }); // expired on 2 March: not available
    addOrder(w.db, { supplierId: guoyao, drugId: amox, qty: 24, status: 'sent' });
    addOrder(w.db, { supplierId: guoyao, drugId: amox, qty: 48, received: 48, status: 'received' }); // done: not on order
    addOrder(w.db, { supplierId: guoyao, drugId: amox, qty: 96, status: 'cancelled' }); // not on order

    const a = await approvedRequisition(w, w.clinicA.doctor, [
      { drugId: amox, qty: 50 },
      { drugId: ibu, qty: 30 },
    ]);
    const b = await approvedRequisition(w, w.clinicB.doctor, [{ drugId: amox, qty: 30 }]);
    // Approved for clinic B earlier, not in this run, not yet issued: committed against the hub's stock.
    await approvedRequisition(w, w.clinicB.doctor, [{ drugId: amox, qty: 10 }]);

    const p = await w.pharmacist.call('aggregation.preview', { requisitionIds: [a, b], hubReplenishment: false });
    expect(p.problems).toEqual([]);
    expect(p.orders.map((o) => o.supplierName)).toEqual(['国药控股湖南有限公司', '九州通医药集团']);
    const [g, j] = p.orders;
    // 阿莫西林: 80 requested − (40 − 10) available − 24 on order = 26 → 2 packs of 24 = 48.
    expect(g.lines).toHaveLength(1);
    expect(g.lines[0]).toMatchObject({
      drugId: amox,
      clinicQty: 80,
      hubStock: 40,
      hubCommitted: 10,
      hubAvailable: 30,
      onOrder: 24,
      netQty: 26,
      orderQty: 48,
      packPrice: 12_000_000,
      amount: 2400,
    });
    expect(g.lines[0].sources.map((s) => [s.clinicName, s.qty])).toEqual([
      ['东湖村卫生室', 50],
      ['西岭村卫生室', 30],
    ]);
    // 布洛芬: 30 → 2 packs of 20 = 40, at 8.50 a pack = 17.00.
    expect(j.lines[0]).toMatchObject({ drugId: ibu, clinicQty: 30, netQty: 30, orderQty: 40, amount: 1700 });
    expect(j.totalAmount).toBe(1700);
    expect(p.share).toMatchObject({ totalAmount: 4100, catalogAmount: 4100, totalItems: 2, amountShareBp: 10000, belowThreshold: false });

    const created = await w.pharmacist.call('aggregation.create', {
      requisitionIds: [a, b],
      hubReplenishment: false,
      fingerprint: p.fingerprint,
      note: '第10周',
    });
    expect(created.docNo).toMatch(/^HZ-202603-/);
    expect(created.orders.map((o) => [o.supplierName, o.status, o.lineCount, o.totalAmount])).toEqual([
      ['国药控股湖南有限公司', 'draft', 1, 2400],
      ['九州通医药集团', 'draft', 1, 1700],
    ]);
    const order = await w.pharmacist.call('orders.get', { id: created.orders[0].id });
    expect(order.lines[0]).toMatchObject({ drugId: amox, qty: 48, packSize: 24, amount: 2400 });
    expect(order.lines[0].sources.map((s) => [s.clinicName, s.requisitionId, s.qty])).toEqual([
      ['东湖村卫生室', a, 50],
      ['西岭村卫生室', b, 30],
    ]);
    const kept = w.db
      .prepare('SELECT clinic_qty, hub_available, on_order, order_qty FROM aggregation_lines WHERE aggregation_id = ? AND drug_id = ?')
      .get(created.id, amox);
    expect(kept).toEqual({ clinic_qty: 80, hub_available: 30, on_order: 24, order_qty: 48 });

    // Taken requisitions cannot be aggregated twice; they leave the aggregatable list.
    expect(await codeOf(w.pharmacist.call('aggregation.preview', { requisitionIds: [a], hubReplenishment: false }))).toBe('INVALID_STATE');
    const pool = await w.pharmacist.call('requisitions.list', { aggregatable: true });
    expect(pool.rows.map((r) => r.id)).not.toContain(a);
    expect((await w.clinicA.doctor.call('requisitions.get', { id: a })).aggregationDocNo).toBe(created.docNo);
  });

  it('leaves drugs the hub already holds out of the orders, and still links the requisitions', async () => {
    const amox = addDrug(w.db, { name: '阿莫西林胶囊', packSize: 24, supplierId: guoyao, packPrice: 12_000_000 });
    stock(w.db, hubStore(w.db), amox, 500);
    const a = await approvedRequisition(w, w.clinicA.doctor, [{ drugId: amox, qty: 48 }]);
    const p = await w.pharmacist.call('aggregation.preview', { requisitionIds: [a], hubReplenishment: false });
    expect(p.orders).toEqual([]);
    expect(p.covered[0]).toMatchObject({ drugId: amox, clinicQty: 48, hubAvailable: 500, orderQty: 0 });
    const created = await w.pharmacist.call('aggregation.create', { requisitionIds: [a], hubReplenishment: false, fingerprint: p.fingerprint, note: null });
    expect(created.orders).toEqual([]);
    expect((w.db.prepare('SELECT aggregation_id AS id, status FROM requisitions WHERE id = ?').get(a) as { id: number }).id).toBe(created.id);
  });

  it('replenishes the hub up to its max when it would fall below its min, and counts draft orders as on order', async () => {
    const para = addDrug(w.db, { name: '对乙酰氨基酚片', packSize: 10, supplierId: guoyao, packPrice: 3_000_000, hubMin: 100, hubMax: 300 });
    const well = addDrug(w.db, { name: '维生素C片', packSize: 100, supplierId: guoyao, packPrice: 2_000_000, hubMin: 100, hubMax: 500 });
    stock(w.db, hubStore(w.db), para, 50);
    stock(w.db, hubStore(w.db), well, 400);
    const a = await approvedRequisition(w, w.clinicA.doctor, [{ drugId: para, qty: 20 }]);

    const without = await w.pharmacist.call('aggregation.preview', { requisitionIds: [a], hubReplenishment: false });
    expect(without.orders).toEqual([]); // 20 requested, 50 in stock

    const p = await w.pharmacist.call('aggregation.preview', { requisitionIds: [a], hubReplenishment: true });
    const line = p.orders[0].lines.find((l) => l.drugId === para)!;
    // 50 available − 20 for the clinic = 30 < min 100 → order up to max 300: 20 + 300 − 50 = 270.
    expect(line).toMatchObject({ clinicQty: 20, hubNeed: 300, hubAvailable: 50, netQty: 270, orderQty: 270 });
    expect(p.orders[0].lines.some((l) => l.drugId === well)).toBe(false); // 400 ≥ min 100
    await w.pharmacist.call('aggregation.create', { requisitionIds: [a], hubReplenishment: true, fingerprint: p.fingerprint, note: null });

    // The draft order is on order: a second run does not order the same replenishment again.
    const again = await w.pharmacist.call('aggregation.preview', { requisitionIds: [], hubReplenishment: true });
    expect(again.orders).toEqual([]);
    expect(await codeOf(w.pharmacist.call('aggregation.preview', { requisitionIds: [], hubReplenishment: false }))).toBe('VALIDATION');
  });

  it('lists drugs without a supplier or price as blocking problems instead of dropping them', async () => {
    const ok = addDrug(w.db, { name: '阿莫西林胶囊', packSize: 24, supplierId: guoyao, packPrice: 12_000_000 });
    const noSupplier = addDrug(w.db, { name: '蒙脱石散', packSize: 10, baseUnit: '袋' });
    const noPrice = addDrug(w.db, { name: '复方甘草片', packSize: 100, supplierId: jiuzhou });
    const closed = addSupplier(w.db, '已停业医药公司', { active: false });
    const inactiveSupplier = addDrug(w.db, { name: '板蓝根颗粒', packSize: 20, baseUnit: '袋', supplierId: closed, packPrice: 15_000_000 });
    const a = await approvedRequisition(w, w.clinicA.doctor, [
      { drugId: ok, qty: 24 },
      { drugId: noSupplier, qty: 10 },
      { drugId: noPrice, qty: 100 },
      { drugId: inactiveSupplier, qty: 20 },
    ]);
    const p = await w.pharmacist.call('aggregation.preview', { requisitionIds: [a], hubReplenishment: false });
    expect(Object.fromEntries(p.problems.map((l) => [l.drugName, l.problem!.code]))).toEqual({
      蒙脱石散: 'no_supplier',
      复方甘草片: 'no_price',
      板蓝根颗粒: 'supplier_inactive',
    });
    expect(p.problems.every((l) => l.orderQty > 0 && l.sources.length === 1)).toBe(true);
    await expect(
      w.pharmacist.call('aggregation.create', { requisitionIds: [a], hubReplenishment: false, fingerprint: p.fingerprint, note: null }),
    ).rejects.toMatchObject({
      code: 'BUSINESS_RULE',
    });
    expect((w.db.prepare('SELECT count(*) AS n FROM purchase_orders').get() as { n: number }).n).toBe(0);
    expect((w.db.prepare('SELECT count(*) AS n FROM aggregations').get() as { n: number }).n).toBe(0);
  });

  it('refuses to create when the data changed since the preview, and creates exactly what was previewed', async () => {
    const amox = addDrug(w.db, { name: '阿莫西林胶囊', packSize: 24, supplierId: guoyao, packPrice: 12_000_000 });
    const a = await approvedRequisition(w, w.clinicA.doctor, [{ drugId: amox, qty: 30 }]);
    const sel = { requisitionIds: [a], hubReplenishment: false };
    const first = await w.pharmacist.call('aggregation.preview', sel);
    expect((await w.pharmacist.call('aggregation.preview', sel)).fingerprint).toBe(first.fingerprint); // deterministic
    setPrice(w.db, guoyao, amox, 11_500_000);
    await expect(w.pharmacist.call('aggregation.create', { ...sel, fingerprint: first.fingerprint, note: null })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((w.db.prepare('SELECT count(*) AS n FROM aggregations').get() as { n: number }).n).toBe(0);
    const second = await w.pharmacist.call('aggregation.preview', sel);
    const created = await w.pharmacist.call('aggregation.create', { ...sel, fingerprint: second.fingerprint, note: null });
    expect(created.orders.map((o) => o.totalAmount)).toEqual(second.orders.map((o) => o.totalAmount));
    expect(created.orders[0].totalAmount).toBe(2300); // 2 packs × 11.50
  });

  it('shows the insurance-catalog share by amount and by items, warning under 70%, and suggests 集采 equivalents', async () => {
    const catalog = addDrug(w.db, { name: '氨氯地平片', spec: '5mg*7片', packSize: 7, supplierId: guoyao, packPrice: 21_000_000 });
    const vbp = addDrug(w.db, { name: '氨氯地平片', spec: '5mg*28片', packSize: 28, vbp: true, vbpPrice: 3_000_000, supplierId: guoyao, packPrice: 2_800_000 });
    const outside1 = addDrug(w.db, { name: '复合维生素B片', packSize: 100, insuranceClass: 'none', supplierId: jiuzhou, packPrice: 40_000_000 });
    const outside2 = addDrug(w.db, { name: '枸橼酸铋钾胶囊', packSize: 40, insuranceClass: 'none', supplierId: jiuzhou, packPrice: 20_000_000 });
    const a = await approvedRequisition(w, w.clinicA.doctor, [
      { drugId: catalog, qty: 28 },
      { drugId: outside1, qty: 100 },
      { drugId: outside2, qty: 40 },
    ]);
    const p = await w.pharmacist.call('aggregation.preview', { requisitionIds: [a], hubReplenishment: false });
    // Amounts: 84.00 catalog, 40.00 + 20.00 outside → 84 / 144 = 58.33%; items 1 of 3 = 33.33%.
    expect(p.share).toMatchObject({
      totalAmount: 14400,
      catalogAmount: 8400,
      totalItems: 3,
      catalogItems: 1,
      amountShareBp: 5833,
      itemShareBp: 3333,
      belowThreshold: true,
    });
    const line = p.orders.flatMap((o) => o.lines).find((l) => l.drugId === catalog)!;
    expect(line.vbpSuggestion!.alternatives[0]).toMatchObject({ drugId: vbp, saving: 8400 - 280 });

    // Switching the clinic's line to the 集采 drug changes the preview (and the order lines follow).
    await w.pharmacist.call('requisitions.switchToVbp', { lineIds: [line.sources[0].requisitionLineId], vbpDrugId: vbp });
    const after = await w.pharmacist.call('aggregation.preview', { requisitionIds: [a], hubReplenishment: false });
    const switched = after.orders.flatMap((o) => o.lines).find((l) => l.drugId === vbp)!;
    expect(switched).toMatchObject({ orderQty: 28, amount: 280, vbp: true });
    expect(switched.sources[0].originalDrugName).toBe('氨氯地平片');
    expect(after.share.vbpItems).toBe(1);
  });

  it('is for the pharmacist only', async () => {
    expect(await codeOf(w.clinicA.doctor.call('aggregation.preview', { requisitionIds: [], hubReplenishment: true }))).toBe('FORBIDDEN');
    expect(await codeOf(hub.admin.call('aggregation.preview', { requisitionIds: [], hubReplenishment: true }))).toBe('FORBIDDEN');
  });

  it('only takes reviewed requisitions', async () => {
    const amox = addDrug(w.db, { name: '阿莫西林胶囊', packSize: 24, supplierId: guoyao, packPrice: 12_000_000 });
    const sub = await w.clinicA.doctor.call('requisitions.submit', {
      submitToken: token(),
      note: null,
      lines: [{ drugId: amox, qty: 24, enteredIn: 'base', note: null }],
    });
    expect(await codeOf(w.pharmacist.call('aggregation.preview', { requisitionIds: [sub.id], hubReplenishment: false }))).toBe('INVALID_STATE');
  });
});
