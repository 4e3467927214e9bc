import { createSimHub, simulate } from '../helpers/settlement';
import { seedApprovedRequisition, seedSentOrder } from '../helpers/stock';

/**
 * A hub with August–November 2026 of random business through the real handlers: August and September
 * closed (on the 3rd of the next month), October ended but still open, November under way; and one long
 * delivery note (every drug, three batches each) for the print tests. Returns the data folder (the hub's
 * runtime is closed, ready for the server), that delivery, and the instant the server's clock starts at. Passwords: admin Admin12345, the others
 * Changed123 (yaoku pharmacist, caiwu finance, cy01–cy03 village doctors).
 */
export async function seedSettlementHub(): Promise<{ dataDir: string; longDeliveryId: number; clock: string }> {
  const sim = await createSimHub('2026-08-03');
  await simulate(sim, '2026-10-31', { seed: 20260803, opsPerDay: 4, close: true });
  sim.hub.clock.set('2026-11-01T02:00:00.000Z');
  await simulate(sim, '2026-11-20', { seed: 20261101, opsPerDay: 4, close: false });

  // Three short-dated batches of every drug at the hub, then one delivery that takes them first-expiry-first.
  const ph = sim.as('yaoku');
  for (const drug of sim.drugs) {
    for (const [k, expiry] of ['2027-03-31', '2027-04-30', '2027-05-31'].entries()) {
      const { poId, lineIds } = seedSentOrder(sim.hub, drug.supplierId, [{ drug, qty: drug.packSize * 2, packPrice: drug.packPrice }]);
      await ph.call('receipts.create', {
        poId,
        invoiceNo: `FP-LONG-${drug.id}`,
        lines: [{ poLineId: lineIds[0], batchNo: `L${drug.id}${k}`, expiryDate: expiry, qty: drug.packSize * 2 }],
      });
    }
  }
  const lines = sim.drugs.map((drug) => ({ drug, qty: drug.packSize * 5 }));
  const ids = seedApprovedRequisition(sim.hub, sim.clinics[0].id, lines);
  const delivery = await ph.call('deliveries.create', {
    clinicId: sim.clinics[0].id,
    note: '月末补货',
    lines: ids.map((id, i) => ({ requisitionLineId: id, qty: lines[i].qty })),
  });
  sim.hub.runtime.close();
  // The server goes on from the afternoon of the day the seed stopped: October is over and still open.
  return { dataDir: sim.hub.dataDir, longDeliveryId: delivery.id, clock: '2026-11-20T16:00:00+08:00' };
}
