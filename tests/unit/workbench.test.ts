import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimHub, type SimHub } from '../helpers/settlement';
import { seedApprovedRequisition, seedSentOrder } from '../helpers/stock';
import type { InternalClient } from '../../electron/api/internal';

let sim: SimHub;
beforeEach(async () => {
  sim = await createSimHub('2026-01-05');
});
afterEach(() => sim.hub.close());

const on = (date: string) => sim.hub.clock.set(`${date}T02:00:00.000Z`);
const todos = async (client: InternalClient) => Object.fromEntries((await client.call('workbench.todos', {})).items.map((i) => [i.key, i.count]));

describe('workbench to-dos (工作台)', () => {
  it('counts what waits for each role, a village doctor only their own clinic', async () => {
    const drug = sim.drugs[0];
    const [own, other] = sim.clinics;
    const doctor = sim.as(own.doctor);
    await doctor.call('requisitions.submit', { submitToken: 'wb-req-0001', lines: [{ drugId: drug.id, qty: 48, enteredIn: 'pack', note: null }], note: null });
    expect(await todos(sim.as('yaoku'))).toMatchObject({ requisitions_review: 1, requisitions_aggregate: 0, deliveries_in_transit: 0 });

    // Stock to the hub, then a delivery the doctor has not signed yet.
    const { poId, lineIds } = seedSentOrder(sim.hub, drug.supplierId, [{ drug, qty: 10 * drug.packSize, packPrice: drug.packPrice }]);
    const ph = sim.as('yaoku');
    expect(await todos(ph)).toMatchObject({ orders_to_receive: 1 });
    await ph.call('receipts.create', {
      poId,
      invoiceNo: 'FP-WB1',
      invoiceDate: null,
      lines: [{ poLineId: lineIds[0], batchNo: 'WB1', expiryDate: '2026-05-31', qty: 10 * drug.packSize }],
    });
    const [reqLine] = seedApprovedRequisition(sim.hub, own.id, [{ drug, qty: drug.packSize }]);
    await ph.call('deliveries.create', { clinicId: own.id, lines: [{ requisitionLineId: reqLine, qty: drug.packSize }] });

    expect(await todos(ph)).toMatchObject({ orders_to_receive: 0, deliveries_in_transit: 1, hub_expiring: 1 });
    expect(await todos(sim.as(own.doctor))).toMatchObject({ deliveries_to_sign: 1 });
    expect(await todos(sim.as(other.doctor))).toMatchObject({ deliveries_to_sign: 0, requisitions_draft: 0, clinic_expiring: 0 });

    // The month ends with business in it: finance is asked to close it, and owes the supplier.
    on('2026-02-02');
    expect(await todos(sim.as('caiwu'))).toMatchObject({ period_close: 1, suppliers_owed: 1 });
    const keys = (await sim.as(own.doctor).call('workbench.todos', {})).items.map((i) => i.key);
    expect(keys).not.toContain('requisitions_review');
    expect(keys).not.toContain('period_close');
  });

  it('asks for the morning reading, and keeps an excursion on the list until a reading is back in range', async () => {
    const [own, other] = sim.clinics;
    on('2026-01-06');
    const ph = sim.as('yaoku');
    const store = (await ph.call('stock.stores', {})).find((x) => x.kind === 'clinic' && x.clinicId === own.id)!;
    const fridge = await ph.call('storage.saveArea', { storeId: store.id, name: '冷藏柜', kind: 'cold', tempMin: 20, tempMax: 80, rhMin: 35, rhMax: 75 });
    const doctor = sim.as(own.doctor);
    expect(await todos(doctor)).toMatchObject({ storage_due: 1, storage_issues: 0 });
    // The hub's card counts its own areas still to be read; the clinics' are theirs to read.
    expect(await todos(ph)).toMatchObject({ storage_due: 0, storage_issues: 0 });

    await doctor.call('storage.record', { areaId: fridge.id, temperature: 93, humidity: 60, action: '门未关严，已关好，半小时后复测' });
    expect(await todos(doctor)).toMatchObject({ storage_due: 0, storage_issues: 1 });
    expect(await todos(ph)).toMatchObject({ storage_issues: 1 });
    expect(await todos(sim.as(other.doctor))).toMatchObject({ storage_due: 0, storage_issues: 0 });

    // The afternoon: its reading is due, and the morning's excursion is still open; a reading in range closes it.
    sim.hub.clock.set('2026-01-06T07:00:00.000Z');
    expect(await todos(sim.as(own.doctor))).toMatchObject({ storage_due: 1, storage_issues: 1 });
    await sim.as(own.doctor).call('storage.record', { areaId: fridge.id, temperature: 52, humidity: 55 });
    expect(await todos(sim.as(own.doctor))).toMatchObject({ storage_due: 0, storage_issues: 0 });
    expect(await todos(sim.as('yaoku'))).toMatchObject({ storage_issues: 0 });
  });
});
