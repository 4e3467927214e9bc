import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeAmc, perMonth } from '../../electron/domain/purchasing/amc';
import { ceilToPacks, suggestedQty } from '../../electron/domain/purchasing/stockinfo';
import { addDays } from '../../shared/dates';
import { createTestHub, ManualClock, type TestHub } from '../helpers/runtime';
import { addDrug, addLot, approvedRequisition, move, purchasingWorld, stock, storeOf, type PurchasingWorld } from '../helpers/purchasing';

/** Daily net movements from a list of [date, qty]. */
const days = (...rows: [string, number][]) => {
  const m = new Map<string, number>();
  for (const [d, q] of rows) m.set(d, (m.get(d) ?? 0) + q);
  return m;
};
const range = (from: string, n: number, qty: number): [string, number][] => Array.from({ length: n }, (_, i) => [addDays(from, i), qty]);

describe('AMC: consumption per 30 days, adjusted for days out of stock', () => {
  const today = '2026-03-31'; // window: 2026-01-01 … 2026-03-31 (90 days)

  it('always in stock: consumed × 30 / 90', () => {
    const r = computeAmc({ today, currentBalance: 500, dailyNet: days(...range('2026-01-01', 90, -3)), dispensedNet: -270, firstReceiptDate: '2025-06-01' });
    expect(r).toMatchObject({ consumed: 270, daysInStock: 90, windowDays: 90, amc: 90 });
  });

  it('counts only the days the clinic had the drug: out of stock for 60 days triples the AMC', () => {
    // 60 on the shelf on 1 January, 2 a day dispensed for 30 days, then nothing left until today.
    const r = computeAmc({ today, currentBalance: 0, dailyNet: days(...range('2026-01-01', 30, -2)), dispensedNet: -60, firstReceiptDate: '2025-10-01' });
    expect(r.daysInStock).toBe(30);
    expect(r.amc).toBe(60); // unadjusted it would be 20
  });

  it('rebuilds balances backwards through receipts: a delivery after a stock-out counts from its day', () => {
    // Out of stock from 1 Jan; 100 arrive on 1 March and 31 are dispensed one a day through 31 March.
    const r = computeAmc({
      today,
      currentBalance: 69,
      dailyNet: days(['2026-03-01', 100], ...range('2026-03-01', 31, -1)),
      dispensedNet: -31,
      firstReceiptDate: '2025-11-01',
    });
    expect(r.daysInStock).toBe(31);
    expect(r.amc).toBe(30);
  });

  it('never divides by fewer than 15 days', () => {
    const r = computeAmc({
      today,
      currentBalance: 0,
      dailyNet: days(['2026-03-27', 50], ...range('2026-03-27', 5, -10)),
      dispensedNet: -50,
      firstReceiptDate: '2026-03-27',
    });
    expect(r.daysInStock).toBe(5);
    expect(r.windowDays).toBe(5);
    expect(r.amc).toBe(100); // 50 × 30 / 15, not 50 × 30 / 5
  });

  it('uses the days since the first receipt for a clinic with less history', () => {
    const r = computeAmc({
      today,
      currentBalance: 40,
      dailyNet: days(['2026-03-02', 100], ...range('2026-03-02', 30, -2)),
      dispensedNet: -60,
      firstReceiptDate: '2026-03-02',
    });
    expect(r).toMatchObject({ windowDays: 30, daysInStock: 30, amc: 60 });
  });

  it('nets dispensing reversals and never goes negative', () => {
    const r = computeAmc({
      today,
      currentBalance: 100,
      dailyNet: days(['2026-03-01', -10], ['2026-03-02', 4]),
      dispensedNet: -6,
      firstReceiptDate: '2025-01-01',
    });
    expect(r.consumed).toBe(6);
    expect(r.amc).toBe(2); // 6 × 30 / 90 = 2
    expect(computeAmc({ today, currentBalance: 10, dailyNet: days(), dispensedNet: 5, firstReceiptDate: '2025-01-01' }).consumed).toBe(0);
  });

  it('is zero for a drug the clinic never received', () => {
    expect(computeAmc({ today, currentBalance: 0, dailyNet: days(), dispensedNet: 0, firstReceiptDate: null })).toMatchObject({ amc: 0, daysInStock: 0 });
  });

  it('rounds half up, in integers', () => {
    expect(perMonth(1, 60)).toBe(1); // 0.5 → 1
    expect(perMonth(1, 61)).toBe(0); // 0.49 → 0
    expect(perMonth(7, 90)).toBe(2); // 2.33 → 2
    expect(perMonth(5, 90)).toBe(2); // 1.67 → 2
  });
});

describe('suggested quantity', () => {
  it('is target months × AMC − on hand − in transit, rounded up to whole packs', () => {
    expect(suggestedQty(2, 100, 30, 20, 24)).toBe(168); // 150 → 7 packs of 24
    expect(suggestedQty(2, 96, 0, 0, 24)).toBe(192); // exactly 8 packs
    expect(suggestedQty(3, 10, 0, 1, 10)).toBe(30); // 29 → 3 packs
  });

  it('is never negative', () => {
    expect(suggestedQty(2, 10, 100, 0, 24)).toBe(0);
    expect(suggestedQty(2, 10, 0, 20, 24)).toBe(0);
    expect(suggestedQty(2, 0, 0, 0, 24)).toBe(0);
    expect(ceilToPacks(-5, 10)).toBe(0);
  });
});

describe('requisitions.stockInfo on real ledger rows', () => {
  let hub: TestHub;
  let w: PurchasingWorld;
  beforeEach(async () => {
    hub = await createTestHub({ clock: new ManualClock(new Date('2026-03-31T02:00:00.000Z')) });
    w = await purchasingWorld(hub);
  });
  afterEach(() => hub.close());

  it('shows on hand (unexpired), AMC from dispensing, in transit (transit store + approved not issued) and the suggestion', async () => {
    const drug = addDrug(w.db, { name: '阿莫西林胶囊', packSize: 24 });
    const clinicStore = storeOf(w.db, w.clinicA.id, 'clinic');
    // 90 on the shelf since December; 1 a day dispensed over 60 days; one expired lot of 12 still on the books.
    const lot = stock(w.db, clinicStore, drug, 90, { date: '2025-12-01' });
    for (let i = 0; i < 60; i++) move(w.db, { storeId: clinicStore, lotId: lot, movement: 'dispense', qty: -1, date: addDays('2026-01-20', i) });
    stock(w.db, clinicStore, drug, 12, { date: '2025-12-01', expiry: '2026-02-28' });
    // 24 issued, not yet signed for; 48 approved on an open requisition of clinic A.
    stock(w.db, storeOf(w.db, w.clinicA.id, 'transit'), drug, 24, { date: '2026-03-30' });
    await approvedRequisition(w, w.clinicA.doctor, [{ drugId: drug, qty: 48 }]);

    const info = await w.clinicA.doctor.call('requisitions.stockInfo', { drugIds: [drug] });
    expect(info.targetMonths).toBe(2);
    expect(info.rows[0]).toMatchObject({ stockOnHand: 30, consumed: 60, daysInStock: 90, amc: 20, inTransit: 72 });
    // 2 × 20 − 30 − 72 < 0 → nothing to ask for.
    expect(info.rows[0].suggestedQty).toBe(0);

    await w.pharmacist.call('purchasing.updateSettings', { targetMonths: 6 });
    const more = await w.clinicA.doctor.call('requisitions.stockInfo', { drugIds: [drug] });
    // 6 × 20 − 30 − 72 = 18 → one pack of 24.
    expect(more.rows[0]).toMatchObject({ targetMonths: 6, suggestedQty: 24 });
  });

  it('adjusts for a stock-out reconstructed from the ledger', async () => {
    const drug = addDrug(w.db, { name: '布洛芬片', packSize: 20 });
    const clinicStore = storeOf(w.db, w.clinicA.id, 'clinic');
    const lot = addLot(w.db, drug);
    move(w.db, { storeId: clinicStore, lotId: lot, movement: 'receipt', qty: 40, date: '2026-01-01' });
    for (let i = 0; i < 20; i++) move(w.db, { storeId: clinicStore, lotId: lot, movement: 'dispense', qty: -2, date: addDays('2026-01-01', i) });
    // Empty from 21 January on.
    const info = await w.clinicA.doctor.call('requisitions.stockInfo', { drugIds: [drug] });
    expect(info.rows[0]).toMatchObject({ consumed: 40, daysInStock: 20, amc: 60, stockOnHand: 0, suggestedQty: 120 });
  });

  it('keeps a village doctor to their own clinic', async () => {
    const drug = addDrug(w.db, { name: '布洛芬片' });
    await expect(w.clinicA.doctor.call('requisitions.stockInfo', { clinicId: w.clinicB.id, drugIds: [drug] })).rejects.toMatchObject({
      code: 'FORBIDDEN_CLINIC',
    });
  });
});
