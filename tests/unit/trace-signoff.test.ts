import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import type { SeedDrug } from '../helpers/stock';
import { deliverBoxes, receiveBoxes, seedCodedAmox } from '../helpers/trace';

/**
 * Signing by scanning (issue 16, "the chain"): once the village doctor scans boxes of a delivery, a coded box she
 * did not scan is a shortfall, never moved to the clinic by a 实收 that claims it; a carton scanned at sign-off
 * stands for its boxes on the delivery; a box not on the delivery is flagged and makes up for nothing.
 */
let hub: TestHub;
let pharmacist: InternalClient;
let doctor: InternalClient;
let clinicId: number;
let otherClinicId: number;
let supplierId: number;
let amox: SeedDrug;

const db = () => hub.runtime.app.db;
const box = (n: number) => `812345600000000${String(n).padStart(5, '0')}`;
const CARTON = '81234569900000000001';

beforeEach(async () => {
  hub = await createTestHub(); // 2026-03-02
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  otherClinicId = (await createClinic(hub, 'C02', '西岭村卫生室')).id;
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId });
  ({ supplierId, amox } = seedCodedAmox(hub));
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await hub.close();
});

async function receive(packs: number, codes: string[]) {
  await receiveBoxes(hub, pharmacist, { supplierId, drug: amox, qty: packs * amox.packSize, codes, batchNo: 'B2026A' });
}
const deliver = (to: number, packs: number, codes: string[]) => deliverBoxes(hub, pharmacist, { clinicId: to, drug: amox, qty: packs * amox.packSize, codes });
const place = (code: string) =>
  sql(db(), 'SELECT t.state, s.kind, s.clinic_id AS clinicId FROM trace_codes t LEFT JOIN stores s ON s.id = t.store_id WHERE code = ?').get(code) as {
    state: string;
    kind: string | null;
    clinicId: number | null;
  };
const onHand = (kind: 'clinic' | 'transit' | 'hub', clinic: number | null = clinicId) =>
  (
    sql(db(), 'SELECT coalesce(sum(b.qty), 0) AS n FROM stock_balances b JOIN stores s ON s.id = b.store_id WHERE s.kind = ? AND s.clinic_id IS ?').get(
      kind,
      kind === 'hub' ? null : clinic,
    ) as { n: number }
  ).n;

describe('signing by scanning', () => {
  it('refuses a 实收 that claims an unscanned box; reduced, the box stays in transit until the hub takes it back', async () => {
    await receive(3, [box(1), box(2), box(3)]);
    const d = await deliver(clinicId, 3, [box(1), box(2), box(3)]);
    const full = d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty }));
    await expect(doctor.call('deliveries.sign', { id: d.id, signDate: '2026-02-27', lines: full, scannedCodes: [box(1), box(2)] })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: '阿莫西林胶囊：配送 3盒（有追溯码），扫到 2盒；未扫的 1盒请扫码，或把实收改为 2盒并填写差异原因',
      issues: [{ path: 'lines.0.receivedQty' }],
    });
    // Refused means nothing moved.
    expect(place(box(3))).toMatchObject({ state: 'in_transit', kind: 'transit' });
    expect(onHand('clinic')).toBe(0);
    expect((await doctor.call('deliveries.get', { id: d.id })).status).toBe('in_transit');

    const signed = await doctor.call('deliveries.sign', {
      id: d.id,
      signDate: '2026-02-27',
      lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: 20, reason: '少一盒' })),
      scannedCodes: [box(1), box(2)],
    });
    expect(signed.status).toBe('discrepancy');
    expect(signed.lines[0].boxes.map((b) => [b.code, b.state])).toEqual([
      [box(1), 'in_stock'],
      [box(2), 'in_stock'],
      [box(3), 'in_transit'],
    ]);
    expect([onHand('clinic'), onHand('transit')]).toEqual([20, 10]);

    await pharmacist.call('deliveries.resolve', { id: d.id, lineId: d.lines[0].id, resolution: 'returned_to_hub', note: '装车时漏了一盒' });
    expect(place(box(3))).toMatchObject({ state: 'in_stock', kind: 'hub' });
    expect([onHand('transit'), onHand('hub')]).toEqual([0, 10]);
  });

  it('counts the line’s uncoded quantity as before, and a written-off shortfall takes the unscanned box off the books', async () => {
    // Four boxes on the line, two of them coded (无码库存 makes up the rest).
    await receive(4, [box(1), box(2)]);
    const d = await deliver(clinicId, 4, [box(1), box(2)]);
    await expect(
      doctor.call('deliveries.sign', {
        id: d.id,
        signDate: '2026-02-27',
        lines: [{ lineId: d.lines[0].id, receivedQty: 40 }],
        scannedCodes: [box(1)],
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      message: '阿莫西林胶囊：配送 2盒（有追溯码），扫到 1盒；未扫的 1盒请扫码，或把实收改为 3盒并填写差异原因',
    });
    await doctor.call('deliveries.sign', {
      id: d.id,
      signDate: '2026-02-27',
      lines: [{ lineId: d.lines[0].id, receivedQty: 30, reason: '一盒破损，送货员带回' }],
      scannedCodes: [box(1)],
    });
    expect(place(box(1))).toMatchObject({ state: 'in_stock', kind: 'clinic' });
    expect(place(box(2))).toMatchObject({ state: 'in_transit', kind: 'transit' });
    await pharmacist.call('deliveries.resolve', { id: d.id, lineId: d.lines[0].id, resolution: 'written_off', note: '运输破损' });
    expect(place(box(2))).toMatchObject({ state: 'written_off', kind: null });
    expect([onHand('clinic'), onHand('transit')]).toEqual([30, 0]);
  });

  it('a carton scanned at sign-off stands for its boxes on the delivery', async () => {
    await pharmacist.call('trace.packagesImport', {
      supplierId,
      file: {
        filename: '关联关系.csv',
        base64: Buffer.from(['大码,小码,包装层级', ...[1, 2, 3].map((n) => `${CARTON},${box(n)},大码`)].join('\n'), 'utf8').toString('base64'),
      },
    });
    await receive(3, [CARTON]);
    const d = await deliver(clinicId, 3, [CARTON]);
    expect(d.lines[0].boxes.map((b) => b.code)).toEqual([box(1), box(2), box(3)]);
    // The carton and one of its boxes again: the box was already in it.
    await expect(
      doctor.call('deliveries.sign', { id: d.id, lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })), scannedCodes: [CARTON, box(2)] }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: `签收扫码：追溯码 ${box(2)} 重复扫码（大码/中码 ${CARTON} 中已含这一盒）` });
    const signed = await doctor.call('deliveries.sign', {
      id: d.id,
      lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })),
      scannedCodes: [CARTON],
    });
    expect(signed.traceNotices).toEqual([]);
    expect(signed.lines[0].boxes.map((b) => b.state)).toEqual(['in_stock', 'in_stock', 'in_stock']);
  });

  it('flags a box that is not on the delivery, and it does not make up for a missing one', async () => {
    await receive(5, [box(1), box(2), box(3), box(4), box(5)]);
    const d = await deliver(clinicId, 2, [box(1), box(2)]);
    const other = await deliver(otherClinicId, 2, [box(3), box(4)]);
    const scannedCodes = [box(1), box(4)]; // box 2 missing; box 4 went to 西岭 and came here by mistake
    await expect(
      doctor.call('deliveries.sign', { id: d.id, lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })), scannedCodes }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('扫到 1盒；未扫的 1盒请扫码') });
    const signed = await doctor.call('deliveries.sign', {
      id: d.id,
      lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: 10, reason: '少一盒，多了一盒别的单的' })),
      scannedCodes,
    });
    expect(signed.traceNotices).toEqual([
      { code: box(4), anomaly: 'foreign', message: `追溯码 ${box(4)}（阿莫西林胶囊）不在本配送单上：这盒药现在配送途中（西岭村卫生室（在途））` },
    ]);
    // The stray box stays on the other delivery, where the other clinic will sign for it.
    expect(place(box(4))).toMatchObject({ state: 'in_transit', kind: 'transit', clinicId: otherClinicId });
    expect((await pharmacist.call('deliveries.get', { id: other.id })).lines[0].boxes.map((b) => b.state)).toEqual(['in_transit', 'in_transit']);
    expect(place(box(2))).toMatchObject({ state: 'in_transit', clinicId });
  });

  it('refuses a line signed short without a scan when it carries coded boxes: the scans name the missing box', async () => {
    await receive(3, [box(1), box(2), box(3)]);
    const d = await deliver(clinicId, 3, [box(1), box(2), box(3)]);
    const short = d.lines.map((l) => ({ lineId: l.id, receivedQty: 20, reason: '少一盒' }));
    await expect(doctor.call('deliveries.sign', { id: d.id, signDate: '2026-02-27', lines: short })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: '阿莫西林胶囊：实收少于配送数量，这一行有 3盒带追溯码；请逐盒扫码实收的药品（未扫的即为短少），再确认签收',
      issues: [{ path: 'lines.0.receivedQty' }],
    });
    expect([onHand('clinic'), onHand('transit')]).toEqual([0, 30]);
    const signed = await doctor.call('deliveries.sign', { id: d.id, signDate: '2026-02-27', lines: short, scannedCodes: [box(1), box(3)] });
    expect(signed.lines[0].boxes.map((b) => [b.code, b.state])).toEqual([
      [box(1), 'in_stock'],
      [box(2), 'in_transit'],
      [box(3), 'in_stock'],
    ]);
  });

  it('without a scan of the delivery’s boxes, a line signed in full brings its boxes as before', async () => {
    await receive(2, [box(1), box(2)]);
    const d = await deliver(clinicId, 2, [box(1), box(2)]);
    const signed = await doctor.call('deliveries.sign', { id: d.id, lines: d.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
    expect(signed.lines[0].boxes.map((b) => b.state)).toEqual(['in_stock', 'in_stock']);
  });
});
