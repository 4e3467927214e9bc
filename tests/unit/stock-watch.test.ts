import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { storeAlerts, suggestLevels, watchedDrugs, watchOf, type WatchInputs, type WatchedDrug } from '../../electron/domain/stock/watch-rules';
import { addDays } from '../../shared/dates';
import { createTestHub, ManualClock, type TestHub } from '../helpers/runtime';
import { addDrug, hubStore, move, purchasingWorld, stock, storeOf, type PurchasingWorld } from '../helpers/purchasing';

const inputs = (o: Partial<WatchInputs>): WatchInputs => ({ used: new Map(), settings: new Map(), catalog: new Map(), packSizes: new Map(), ...o });

describe('min/max suggested from a store’s own use', () => {
  it('下限 two weeks and 上限 six weeks of the last 90 days’ use, rounded up to whole packs', () => {
    // 90 used in 90 days: 1 a day → 14 and 42, in packs of 10 → 20 and 50.
    expect(suggestLevels(90, 10)).toEqual({ minQty: 20, maxQty: 50 });
    // 180 in 90 days, packs of 28: 28 and 84 are whole packs already.
    expect(suggestLevels(180, 28)).toEqual({ minQty: 28, maxQty: 84 });
    // A drug used once (3 tablets) still gets one pack of each, never 0.
    expect(suggestLevels(3, 24)).toEqual({ minQty: 24, maxQty: 24 });
  });

  it('suggests nothing for a drug the store did not use', () => {
    expect(suggestLevels(0, 24)).toBeNull();
    expect(suggestLevels(-5, 24)).toBeNull();
  });
});

describe('which drugs a store watches, and at which levels', () => {
  it('watches what it used, with suggested levels', () => {
    expect(watchOf(1, inputs({ used: new Map([[1, 90]]), packSizes: new Map([[1, 10]]) }))).toEqual({
      drugId: 1,
      listedBy: 'used',
      minQty: 20,
      maxQty: 50,
      levelSource: 'suggested',
    });
  });

  it('takes the pharmacist’s levels over the suggestion, and the pharmacist’s list over the use', () => {
    const set = inputs({
      used: new Map([
        [1, 90],
        [2, 90],
      ]),
      settings: new Map([
        [1, { watched: true, minQty: 5, maxQty: null }],
        [2, { watched: false, minQty: null, maxQty: null }],
        [3, { watched: true, minQty: null, maxQty: null }],
      ]),
      packSizes: new Map([
        [1, 10],
        [2, 10],
        [3, 10],
      ]),
    });
    expect(watchOf(1, set)).toMatchObject({ listedBy: 'used', minQty: 5, maxQty: null, levelSource: 'set' });
    expect(watchOf(2, set)).toBeNull();
    expect(watchOf(3, set)).toMatchObject({ listedBy: 'added', minQty: null, maxQty: null, levelSource: null });
    expect([...watchedDrugs(set).keys()].sort()).toEqual([1, 3]);
  });

  it('at the hub, a catalog 下限 lists a drug and gives its levels when there is no use', () => {
    const hub = inputs({ catalog: new Map([[7, { minQty: 100, maxQty: 400 }]]), packSizes: new Map([[7, 10]]) });
    expect(watchOf(7, hub)).toEqual({ drugId: 7, listedBy: 'catalog', minQty: 100, maxQty: 400, levelSource: 'catalog' });
  });
});

describe('alert rules', () => {
  const today = '2026-03-16';
  const near = addDays(today, 180);
  const watch = (drugId: number, minQty: number | null): WatchedDrug => ({ drugId, listedBy: 'used', minQty, maxQty: null, levelSource: 'suggested' });

  it('an expired lot is not stock: the drug is out of stock and the lot is flagged', () => {
    const alerts = storeAlerts([{ drugId: 1, lotId: 11, qty: 30, expiryDate: '2026-03-15' }], new Map([[1, watch(1, 10)]]), today, near);
    expect(alerts.map((a) => [a.kind, a.drugId, a.qty])).toEqual([
      ['expired', 1, 30],
      ['out_of_stock', 1, 0],
    ]);
  });

  it('near expiry is the lot expiring before today + 180 days; below 下限 counts only unexpired stock', () => {
    const alerts = storeAlerts(
      [
        { drugId: 1, lotId: 11, qty: 4, expiryDate: addDays(near, -1) },
        { drugId: 1, lotId: 12, qty: 4, expiryDate: near },
      ],
      new Map([[1, watch(1, 10)]]),
      today,
      near,
    );
    expect(alerts.map((a) => [a.kind, a.lotId, a.qty])).toEqual([
      ['near_expiry', 11, 4],
      ['below_min', null, 8],
    ]);
  });

  it('a drug the store does not watch raises no stock-out, however empty', () => {
    expect(storeAlerts([], new Map(), today, near)).toEqual([]);
    expect(storeAlerts([], new Map([[1, watch(1, null)]]), today, near).map((a) => a.kind)).toEqual(['out_of_stock']);
  });
});

describe('stock.alerts, stock.watchList and stock.setWatch on a real hub', () => {
  let hub: TestHub;
  let w: PurchasingWorld;
  const TODAY = '2026-03-16';
  beforeEach(async () => {
    hub = await createTestHub({ clock: new ManualClock(new Date('2026-03-16T02:00:00.000Z')) });
    w = await purchasingWorld(hub);
  });
  afterEach(() => hub.close());

  /** A catalog of `n` drugs each with the catalog-wide clinic minimum that used to flood every clinic. */
  function catalogWithClinicMin(n: number): number[] {
    const ids = Array.from({ length: n }, (_, i) => addDrug(w.db, { name: `药品${String(i).padStart(3, '0')}`, packSize: 10 }));
    w.db.prepare('UPDATE drugs SET clinic_min = 20').run();
    return ids;
  }

  it('a clinic sees only its own watched drugs: the catalog-wide clinic minimum no longer floods it', async () => {
    const [used, , never] = catalogWithClinicMin(40);
    const store = storeOf(w.db, w.clinicA.id, 'clinic');
    // 东湖 keeps one drug and used 90 of it in the last 90 days: 1 a day → 下限 20, 上限 50 (packs of 10).
    const lot = stock(w.db, store, used, 100, { date: '2025-12-01' });
    for (let i = 0; i < 90; i++) move(w.db, { storeId: store, lotId: lot, movement: 'dispense', qty: -1, date: addDays(TODAY, -i) });

    const mine = await w.clinicA.doctor.call('stock.alerts', {});
    expect(mine.counts).toEqual({ expired: 0, near_expiry: 0, below_min: 1, out_of_stock: 0 });
    expect(mine.rows).toEqual([
      expect.objectContaining({ kind: 'below_min', drugId: used, qty: 10, minQty: 20, maxQty: 50, levelSource: 'suggested', refillQty: 40 }),
    ]);
    // The other clinic used nothing: no alerts at all (it had 40 缺货 before).
    expect((await w.clinicB.doctor.call('stock.alerts', {})).total).toBe(0);

    // The pharmacist adds a drug 东湖 did not use, with its own levels: now out of stock there.
    const row = await w.pharmacist.call('stock.setWatch', { storeId: store, drugId: never, watched: true, minQty: 10, maxQty: 30 });
    expect(row).toMatchObject({ watched: true, listedBy: 'added', minQty: 10, maxQty: 30, levelSource: 'set', qty: 0 });
    const after = await w.clinicA.doctor.call('stock.alerts', { kinds: ['out_of_stock'] });
    expect(after.rows.map((r) => [r.drugId, r.refillQty])).toEqual([[never, 30]]);
    // And takes the used one off the list: its 低于下限 goes.
    await w.pharmacist.call('stock.setWatch', { storeId: store, drugId: used, watched: false, minQty: null, maxQty: null });
    expect((await w.clinicA.doctor.call('stock.alerts', {})).counts).toEqual({ expired: 0, near_expiry: 0, below_min: 0, out_of_stock: 1 });
  });

  it('the watch list shows use, suggestions and the levels in force; only the hub sets them', async () => {
    const [drug] = catalogWithClinicMin(3);
    const store = storeOf(w.db, w.clinicA.id, 'clinic');
    const lot = stock(w.db, store, drug, 200, { date: '2025-12-01' });
    move(w.db, { storeId: store, lotId: lot, movement: 'dispense', qty: -45, date: '2026-03-01' });
    const list = await w.clinicA.doctor.call('stock.watchList', { storeId: store });
    expect(list).toMatchObject({ total: 1, windowDays: 90 });
    // 45 in 90 days → 7 and 21 → one and three packs of 10.
    expect(list.rows[0]).toMatchObject({
      drugId: drug,
      usedInWindow: 45,
      qty: 155,
      suggestedMin: 10,
      suggestedMax: 30,
      minQty: 10,
      maxQty: 30,
      levelSource: 'suggested',
    });
    await expect(w.clinicA.doctor.call('stock.setWatch', { storeId: store, drugId: drug, watched: true, minQty: 1, maxQty: 2 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(w.pharmacist.call('stock.setWatch', { storeId: store, drugId: drug, watched: true, minQty: 50, maxQty: 20 })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('下限不能高于上限'),
    });
    await expect(w.clinicA.doctor.call('stock.watchList', { storeId: storeOf(w.db, w.clinicB.id, 'clinic') })).rejects.toMatchObject({
      code: 'FORBIDDEN_CLINIC',
    });
  });

  it('pages the answer and counts every kind; the export holds every row of the filter', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => addDrug(w.db, { name: `药品${String(i).padStart(3, '0')}`, packSize: 10 }));
    const hubId = hubStore(w.db);
    // 30 drugs issued from the hub in the last 90 days and now gone; 5 of them back, 3 each, expiring soon
    // (below their suggested 下限 of one pack too).
    for (const id of ids) {
      const lot = stock(w.db, hubId, id, 10, { date: '2026-01-05' });
      move(w.db, { storeId: hubId, lotId: lot, movement: 'issue_out', qty: -10, date: '2026-02-01' });
    }
    for (const id of ids.slice(0, 5)) stock(w.db, hubId, id, 3, { date: '2026-01-05', expiry: '2026-06-30' });
    const page1 = await w.pharmacist.call('stock.alerts', { storeId: hubId, pageSize: 10 });
    expect(page1.counts).toEqual({ expired: 0, near_expiry: 5, below_min: 5, out_of_stock: 25 });
    expect(page1.total).toBe(35);
    expect(page1.rows).toHaveLength(10);
    const page3 = await w.pharmacist.call('stock.alerts', { storeId: hubId, pageSize: 10, page: 3 });
    // Expired first, then out of stock, near expiry, below 下限: rows 21–30 are the last 5 缺货 and the 5 近效期.
    expect(page3.rows.map((r) => r.kind)).toEqual([...Array(5).fill('out_of_stock'), ...Array(5).fill('near_expiry')]);
    const found = await w.pharmacist.call('stock.alerts', { storeId: hubId, q: '药品007', kinds: ['out_of_stock'] });
    expect(found.rows.map((r) => r.drugId)).toEqual([ids[7]]);

    const file = await w.pharmacist.call('stock.alertsExport', { storeId: hubId, kinds: ['near_expiry'] });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('库存预警')!;
    expect(sheet.rowCount).toBe(3 + 5 + 2); // title, note and header; the rows; a blank row and the signatures
    expect(sheet.getRow(4).getCell(1).value).toBe('近效期');
  });
});
