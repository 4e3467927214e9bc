/**
 * Goods lost in transit (D4 of issue 15): a signed shortfall the hub writes off is a ledger row of the
 * clinic's transit store. It shows in the hub statement's goods-in-transit part (its own 在途报损 column, on
 * screen, in Excel) and in the 医保 export with the hub; and every ledger row of a month, transit stores
 * included, is exactly one row of 3502–3506 across the stores' uploads.
 */
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { INTERFACE_CODES, type InterfaceCode } from '../../shared/insurance-export';
import { createClinic, createTestHub, createUser, ManualClock, type TestHub } from '../helpers/runtime';
import { createSimHub, simulate, type SimHub } from '../helpers/settlement';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';

type Upload = Record<InterfaceCode, Record<string, unknown>[]>;
const ledgerIdOf = (row: Record<string, unknown>) => Number(/台账#(\d+)/.exec(String(row.memo))![1]);

async function uploadOf(client: InternalClient, period: string, storeId: number): Promise<Upload> {
  const file = await client.call('insuranceExport.download', { period, storeId, format: 'json' });
  return JSON.parse(Buffer.from(file.base64, 'base64').toString('utf8')) as Upload;
}

describe('a shortfall written off as lost in transit', () => {
  let hub: TestHub;
  let pharmacist: InternalClient;
  let doctor: InternalClient;
  let finance: InternalClient;
  let clinicId: number;
  let amox: SeedDrug;
  const db = () => hub.runtime.app.db;

  beforeEach(async () => {
    hub = await createTestHub({ clock: new ManualClock(new Date('2026-03-16T01:00:00.000Z')) });
    clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
    pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist', displayName: '周药师' });
    doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId });
    finance = await createUser(hub, { username: 'caiwu', role: 'finance' });
    const supplierId = seedSupplier(hub);
    amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: amox, qty: 240 }]);
    await pharmacist.call('receipts.create', {
      poId,
      invoiceNo: 'FP001',
      lines: [{ poLineId: lineIds[0], batchNo: 'S1', expiryDate: '2028-01-01', qty: 240 }],
    });
    // 48 粒 leave the hub; the clinic signs for 24; the hub writes the other 24 off as lost on the way.
    const [requisitionLineId] = seedApprovedRequisition(hub, clinicId, [{ drug: amox, qty: 48 }]);
    const delivery = await pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId, qty: 48 }] });
    await doctor.call('deliveries.sign', { id: delivery.id, lines: [{ lineId: delivery.lines[0].id, receivedQty: 24, reason: '一盒未到' }] });
    await pharmacist.call('deliveries.resolve', { id: delivery.id, lineId: delivery.lines[0].id, resolution: 'written_off', note: '运输途中丢失' });
  });
  afterEach(async () => {
    expect(checkLedgerInvariants(db())).toEqual([]);
    await hub.close();
  });

  const lossRow = () =>
    db()
      .prepare("SELECT l.id, l.qty, l.amount FROM ledger l JOIN stores s ON s.id = l.store_id WHERE s.kind = 'transit' AND l.movement = 'writeoff'")
      .get() as { id: number; qty: number; amount: number };

  it('shows in the hub statement: goods in transit by drug, with a 在途报损 column that balances', async () => {
    const loss = lossRow();
    expect(loss.qty).toBe(-24);
    const st = await finance.call('statements.hub', { period: '2026-03' });
    const t = st.transit!;
    expect(t.columns.map((c) => [c.key, c.label, c.sign])).toEqual([
      ['issued', '配送出库', 1],
      ['delivered', '卫生室签收或退回中心库', -1],
      ['lostInTransit', '在途报损', -1],
    ]);
    const row = t.rows.find((r) => r.drugId === amox.id)!;
    const issued = db().prepare("SELECT sum(amount) AS v FROM ledger WHERE movement = 'transit_in'").get() as { v: number };
    expect(row.opening).toEqual({ qty: 0, value: 0 });
    expect(row.cells[0]).toEqual({ qty: 48, value: issued.v });
    expect(row.cells[2]).toEqual({ qty: 24, value: -loss.amount });
    expect(row.closing).toEqual({ qty: 0, value: 0 });
    expect(row.cells[1].value + row.cells[2].value).toBe(issued.v);
    expect(t.totals.cells[2]).toBe(-loss.amount);
    expect(t.balanced).toBe(true);
    expect(st.inTransit).toEqual({ opening: 0, closing: 0 });
    // Not the hub store's own 报损: the hub's shelf lost nothing.
    expect(st.totals.cells[st.columns.findIndex((c) => c.key === 'writtenOff')]).toBe(0);

    // The workbook: a sheet of its own, with the column named as on screen and the amount lost.
    const file = await finance.call('statements.export', { kind: 'hub', period: '2026-03' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('在途药品月报')!;
    expect(sheet).toBeTruthy();
    const values = sheet
      .getSheetValues()
      .flat()
      .filter((v) => v !== null && v !== undefined);
    expect(values).toContain('在途报损');
    expect(values).toContain(Number((-loss.amount / 100).toFixed(2)));
  });

  it("goes to the 医保 export with the hub, as 3502 其他出库 (107) named 在途报损, and never with the clinic's", async () => {
    const loss = lossRow();
    const hubStore = (db().prepare("SELECT id FROM stores WHERE kind = 'hub'").get() as { id: number }).id;
    const clinicStore = (db().prepare("SELECT id FROM stores WHERE kind = 'clinic' AND clinic_id = ?").get(clinicId) as { id: number }).id;
    const hubUpload = await uploadOf(pharmacist, '2026-03', hubStore);
    const row = hubUpload['3502'].find((r) => ledgerIdOf(r) === loss.id)!;
    expect(row).toMatchObject({ inv_chg_type: '107', cnt: 24 });
    expect(String(row.memo)).toContain('在途报损');
    const clinicUpload = await uploadOf(pharmacist, '2026-03', clinicStore);
    const clinicRows = INTERFACE_CODES.filter((c) => c !== '3501').flatMap((c) => clinicUpload[c]);
    expect(clinicRows.length).toBeGreaterThan(0);
    expect(clinicRows.some((r) => ledgerIdOf(r) === loss.id)).toBe(false);
  });
});

describe('every ledger row of a month, transit stores included', () => {
  let sim: SimHub;
  beforeAll(async () => {
    sim = await createSimHub('2026-01-05');
    await simulate(sim, '2026-02-25', { seed: 20260215, opsPerDay: 4, close: true });
  }, 300_000);
  afterAll(() => sim.hub.close());

  it('is exactly one row of 3502–3506 across the uploads of the hub and of every clinic', async () => {
    const db = sim.hub.runtime.app.db;
    const lost = db
      .prepare("SELECT count(*) AS n FROM ledger l JOIN stores s ON s.id = l.store_id WHERE s.kind = 'transit' AND l.movement = 'writeoff'")
      .get() as { n: number };
    expect(lost.n, 'the simulation wrote goods off in transit').toBeGreaterThan(0);
    const finance = sim.as('caiwu');
    for (const period of ['2026-01', '2026-02']) {
      const uploads = [await uploadOf(finance, period, sim.hubStoreId)];
      for (const c of sim.clinics) uploads.push(await uploadOf(finance, period, c.storeId));
      const seen = new Map<number, number>();
      for (const upload of uploads) {
        for (const code of ['3502', '3503', '3504', '3505', '3506'] as const) {
          for (const r of upload[code]) seen.set(ledgerIdOf(r), (seen.get(ledgerIdOf(r)) ?? 0) + 1);
        }
      }
      const ledger = db.prepare('SELECT id, store_id AS storeId FROM ledger WHERE period = ? ORDER BY id').all(period) as { id: number; storeId: number }[];
      expect(ledger.length).toBeGreaterThan(50);
      expect(
        [...seen.keys()].sort((a, b) => a - b),
        period,
      ).toEqual(ledger.map((l) => l.id));
      expect(
        [...seen.values()].every((n) => n === 1),
        `${period}: a ledger row in two uploads`,
      ).toBe(true);
      // The preview of every store at once counts the same rows.
      expect((await finance.call('insuranceExport.preview', { period })).ledgerRows).toBe(ledger.length);
    }
  });
});
