import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { checkLedgerInvariants } from '../../electron/domain/stock/ledger';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';
import type { SeedDrug } from '../helpers/stock';
import { deliverBoxes, receiveBoxes, seedCodedAmox } from '../helpers/trace';

/**
 * The 拆零 scan rule. By default (开盒扫码一次) a dispensing with no box scanned is used from the clinic's
 * first opened box of that drug, which it names (3505 carries its code); with 每次用药扫码 an unscanned
 * dispensing names no box.
 */
let hub: TestHub;
let pharmacist: InternalClient;
let doctor: InternalClient;
let clinicId: number;
let amox: SeedDrug;

const db = () => hub.runtime.app.db;
const box = (n: number) => `812345600000000000${String(n).padStart(2, '0')}`;

beforeEach(async () => {
  hub = await createTestHub(); // 2026-03-02
  clinicId = (await createClinic(hub, 'C01', '东湖村卫生室')).id;
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId });
  let supplierId: number;
  ({ supplierId, amox } = seedCodedAmox(hub));
  await receiveBoxes(hub, pharmacist, { supplierId, drug: amox, qty: 30, codes: [box(1), box(2), box(3)] });
  const delivery = await deliverBoxes(hub, pharmacist, { clinicId, drug: amox, qty: 30, codes: [box(1), box(2), box(3)] });
  await doctor.call('deliveries.sign', { id: delivery.id, signDate: '2026-02-27', lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
});
afterEach(async () => {
  expect(checkLedgerInvariants(db())).toEqual([]);
  await hub.close();
});

const boxOf = (code: string) => sql(db(), 'SELECT state, used_qty AS usedQty FROM trace_codes WHERE code = ?').get(code) as { state: string; usedQty: number };
const dispense = (qty: number, traceCodes: string[] = []) => doctor.call('dispensing.create', { lines: [{ drugId: amox.id, qty, traceCodes }] });

describe('拆零 scan rule', () => {
  it('defaults to scanning an opened box once: later unscanned dispensings are used from it and name it', async () => {
    expect(await doctor.call('trace.scanRules', {})).toEqual({ openedBoxScan: 'once_at_open' });
    await dispense(3, [box(2)]);
    expect(boxOf(box(2))).toEqual({ state: 'opened', usedQty: 3 });

    const later = await dispense(4);
    expect(later.lines[0].traceCodes).toEqual([box(2)]);
    expect(boxOf(box(2))).toEqual({ state: 'opened', usedQty: 7 });
    // The box's event goes with the ledger row of that dispensing, so its 3505 row carries the code.
    const ledgerOfEvent = sql(db(), "SELECT e.ledger_id AS ledgerId FROM box_events e WHERE e.code = ? AND e.doc_id = ? AND e.event = 'dispense'").get(
      box(2),
      later.id,
    ) as { ledgerId: number };
    const row = sql(db(), 'SELECT doc_type AS docType, doc_id AS docId, qty FROM ledger WHERE id = ?').get(ledgerOfEvent.ledgerId);
    expect(row).toEqual({ docType: 'dispensing', docId: later.id, qty: -4 });

    // What the box still holds (3) comes from it; the rest first-expiry-first, from no named box.
    const last = await dispense(5);
    expect(last.lines[0].traceCodes).toEqual([box(2)]);
    expect(boxOf(box(2))).toEqual({ state: 'dispensed', usedQty: 10 });
    expect(boxOf(box(1))).toEqual({ state: 'in_stock', usedQty: 0 });
  });

  it('with 每次用药扫码, an unscanned dispensing names no box; only the hub may change the rule', async () => {
    await expect(doctor.call('trace.updateScanRules', { openedBoxScan: 'every_use' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await pharmacist.call('trace.updateScanRules', { openedBoxScan: 'every_use' })).toEqual({ openedBoxScan: 'every_use' });
    await dispense(3, [box(2)]);
    const later = await dispense(4);
    expect(later.lines[0].traceCodes).toEqual([]);
    expect(boxOf(box(2))).toEqual({ state: 'opened', usedQty: 3 });
    // Scanned again, the opened box is used as before.
    await dispense(4, [box(2)]);
    expect(boxOf(box(2))).toEqual({ state: 'opened', usedQty: 7 });
  });
});
