import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import type { SeedDrug } from '../helpers/stock';
import { deliverBoxes, receiveBoxes, seedCodedAmox } from '../helpers/trace';

/**
 * Returns and write-offs scan boxes like deliveries and dispensing: a box is named on the line when the document
 * is made (it must be on the source store's shelf, in the line's batch) and moves with the ledger row when the
 * document posts — written off, back on the hub's shelf, or out to the supplier.
 */
let hub: TestHub;
let pharmacist: InternalClient;
let doctor: InternalClient;
let clinicId: number;
let supplierId: number;
let amox: SeedDrug;

const db = () => hub.runtime.app.db;
const box = (n: number) => `812345600000000000${String(n).padStart(2, '0')}`;

beforeEach(async () => {
  hub = await createTestHub(); // 2026-03-02
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId });
  ({ supplierId, amox } = seedCodedAmox(hub));
  await receiveBoxes(hub, pharmacist, { supplierId, drug: amox, qty: 60, codes: [1, 2, 3, 4, 5, 6].map(box) });
  const delivery = await deliverBoxes(hub, pharmacist, { clinicId, drug: amox, qty: 30, codes: [box(1), box(2), box(3)] });
  await doctor.call('deliveries.sign', { id: delivery.id, signDate: '2026-02-27', lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await hub.close();
});

const lotId = () => (sql(db(), "SELECT id FROM lots WHERE batch_no = 'B1'").get() as { id: number }).id;
const where = (code: string) =>
  sql(db(), 'SELECT state, store_id AS storeId FROM trace_codes WHERE code = ?').get(code) as { state: string; storeId: number | null };
const storeOf = (kind: 'hub' | 'clinic') =>
  (sql(db(), 'SELECT id FROM stores WHERE kind = ? AND clinic_id IS ?').get(kind, kind === 'hub' ? null : clinicId) as { id: number }).id;
const eventsOf = (code: string) =>
  (sql(db(), 'SELECT event, ledger_id AS ledgerId FROM box_events WHERE code = ? ORDER BY id').all(code) as { event: string; ledgerId: number | null }[]).map(
    (e) => `${e.event}${e.ledgerId === null ? '' : '+ledger'}`,
  );

describe('write-offs scan boxes', () => {
  it('names the box when asked and writes it off with the ledger row when approved; selling it afterwards is a second sale', async () => {
    const asked = await doctor.call('writeoffs.create', {
      storeId: storeOf('clinic'),
      reasonCode: 'damaged',
      lines: [{ lotId: lotId(), qty: 10, traceCodes: [` ${box(2)}\r\n`] }],
    });
    expect(asked.lines[0].traceCodes).toEqual([box(2)]);
    expect(where(box(2))).toEqual({ state: 'in_stock', storeId: storeOf('clinic') });
    // Named on a waiting write-off, the box cannot be named again.
    await expect(
      doctor.call('writeoffs.create', { storeId: storeOf('clinic'), reasonCode: 'lost', lines: [{ lotId: lotId(), qty: 10, traceCodes: [box(2)] }] }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: `第 1 行 阿莫西林胶囊：追溯码 ${box(2)} 已在报损单 ${asked.docNo} 上等待处理` });

    await pharmacist.call('writeoffs.decide', { id: asked.id, approve: true, businessDate: '2026-03-01' });
    expect(where(box(2))).toEqual({ state: 'written_off', storeId: null });
    expect(eventsOf(box(2))).toEqual(['receipt+ledger', 'issue+ledger', 'sign+ledger', 'writeoff+ledger']);

    const sale = await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(2)] }] });
    expect(sale.traceNotices.map((n) => [n.code, n.anomaly, n.message])).toEqual([
      [box(2), 'duplicate_sale', `追溯码 ${box(2)} 这盒药已于 2026-03-01 在 东湖村卫生室报损，又被扫码销售（重复追溯码）`],
    ]);
  });

  it('refuses a box that is not on the store’s shelf, naming the line, and changes nothing', async () => {
    const before = sql(db(), 'SELECT count(*) AS n FROM writeoffs').get();
    await expect(
      doctor.call('writeoffs.create', {
        storeId: storeOf('clinic'),
        reasonCode: 'damaged',
        lines: [
          { lotId: lotId(), qty: 10, traceCodes: [box(1)] },
          { lotId: lotId(), qty: 10, traceCodes: [box(5)] },
        ],
      }),
    ).rejects.toThrow(`第 2 行 阿莫西林胶囊：追溯码 ${box(5)} 这盒药不在本库房`);
    await expect(
      doctor.call('writeoffs.create', {
        storeId: storeOf('clinic'),
        reasonCode: 'damaged',
        lines: [{ lotId: lotId(), qty: 10, traceCodes: [box(1), box(3)] }],
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: '第 1 行 阿莫西林胶囊：扫了 2 盒，本行数量最多是 1 盒' });
    expect(sql(db(), 'SELECT count(*) AS n FROM writeoffs').get()).toEqual(before);
    expect(sql(db(), 'SELECT count(*) AS n FROM document_boxes').get()).toEqual({ n: 0 });
  });

  it('refuses the approval when the box left the shelf after it was named (dispensed meanwhile)', async () => {
    const asked = await doctor.call('writeoffs.create', {
      storeId: storeOf('clinic'),
      reasonCode: 'damaged',
      lines: [{ lotId: lotId(), qty: 10, traceCodes: [box(3)] }],
    });
    await doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty: 10, traceCodes: [box(3)] }] });
    await expect(pharmacist.call('writeoffs.decide', { id: asked.id, approve: true })).rejects.toMatchObject({
      code: 'BUSINESS_RULE',
      message: `第 1 行 阿莫西林胶囊：追溯码 ${box(3)} 这盒药不在本库房（账上已不在库（已用完、报损或退给配送企业））`,
    });
    expect((await pharmacist.call('writeoffs.list', {}))[0].status).toBe('pending');
  });
});

describe('returns scan boxes', () => {
  it('moves a clinic’s returned box onto the hub’s shelf when the hub accepts, and a hub’s box out to the supplier', async () => {
    const asked = await doctor.call('returns.create', {
      kind: 'clinic_to_hub',
      reasonCode: 'overstock',
      lines: [{ lotId: lotId(), qty: 10, traceCodes: [box(1)] }],
    });
    expect(where(box(1)).storeId).toBe(storeOf('clinic'));
    await pharmacist.call('returns.decide', { id: asked.id, accept: true, businessDate: '2026-03-01' });
    expect(where(box(1))).toEqual({ state: 'in_stock', storeId: storeOf('hub') });
    expect(eventsOf(box(1)).at(-1)).toBe('return+ledger');

    const back = await pharmacist.call('returns.create', {
      kind: 'hub_to_supplier',
      supplierId,
      reasonCode: 'near_expiry',
      businessDate: '2026-03-02',
      lines: [{ lotId: lotId(), qty: 20, traceCodes: [box(1), box(4)] }],
    });
    expect(back.lines[0].traceCodes).toEqual([box(1), box(4)]);
    expect(where(box(1))).toEqual({ state: 'returned', storeId: null });
    expect(where(box(4))).toEqual({ state: 'returned', storeId: null });
  });

  it('sends a damaged box the clinic returns into the hub’s quarantine lot with the stock', async () => {
    const asked = await doctor.call('returns.create', {
      kind: 'clinic_to_hub',
      reasonCode: 'damaged',
      lines: [{ lotId: lotId(), qty: 10, traceCodes: [box(1)] }],
    });
    await pharmacist.call('returns.decide', { id: asked.id, accept: true });
    const moved = sql(
      db(),
      'SELECT t.store_id AS storeId, q.lot_id AS quarantineLot FROM trace_codes t LEFT JOIN quarantine_lots q ON q.lot_id = t.lot_id WHERE t.code = ?',
    ).get(box(1)) as { storeId: number; quarantineLot: number | null };
    expect(moved.storeId).toBe(storeOf('hub'));
    expect(moved.quarantineLot).not.toBeNull();
  });

  it('refuses a box the returning store does not hold, naming the line', async () => {
    await expect(
      pharmacist.call('returns.create', {
        kind: 'hub_to_supplier',
        supplierId,
        reasonCode: 'near_expiry',
        businessDate: '2026-03-02',
        lines: [{ lotId: lotId(), qty: 10, traceCodes: [box(2)] }],
      }),
    ).rejects.toMatchObject({ code: 'BUSINESS_RULE', message: `第 1 行 阿莫西林胶囊：追溯码 ${box(2)} 这盒药不在本库房（账上在 东湖村卫生室）` });
    expect(sql(db(), 'SELECT count(*) AS n FROM stock_returns').get()).toEqual({ n: 0 });
  });

  it('puts the scanned boxes on the 3502 write-off row and the 3504 supplier-return row of the month', async () => {
    const w = await doctor.call('writeoffs.create', {
      storeId: storeOf('clinic'),
      reasonCode: 'damaged',
      lines: [{ lotId: lotId(), qty: 10, traceCodes: [box(2)] }],
    });
    await pharmacist.call('writeoffs.decide', { id: w.id, approve: true });
    await pharmacist.call('returns.create', {
      kind: 'hub_to_supplier',
      supplierId,
      reasonCode: 'near_expiry',
      businessDate: '2026-03-02',
      lines: [{ lotId: lotId(), qty: 20, traceCodes: [box(4), box(5)] }],
    });
    const upload = async (storeId: number) => {
      const file = await pharmacist.call('insuranceExport.download', { period: '2026-03', storeId, format: 'json' });
      return JSON.parse(Buffer.from(file.base64, 'base64').toString('utf8')) as Record<string, Record<string, unknown>[]>;
    };
    const clinic = await upload(storeOf('clinic'));
    expect(clinic['3502'].map((r) => [r.inv_chg_type, r.cnt, r.drugtracinfo])).toEqual([['105', 10, [{ drug_trac_codg: box(2) }]]]);
    const hubUpload = await upload(storeOf('hub'));
    expect(hubUpload['3504'].map((r) => [r.purc_retn_cnt, r.drugtracinfo])).toEqual([[20, [{ drug_trac_codg: box(4) }, { drug_trac_codg: box(5) }]]]);
  });
});
