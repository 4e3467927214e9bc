import type { InternalClient } from '../../electron/api/internal';
import type { TestHub } from './runtime';
import { seedApprovedRequisition, seedSentOrder, type SeedDrug } from './stock';

export interface LotSpec {
  batchNo: string;
  expiryDate: string;
  /** Base units. */
  qty: number;
}

/**
 * Puts stock on a clinic's shelf through the real handlers: the hub receives each lot against a sent order,
 * issues it all to the clinic (FEFO takes every lot, since everything received goes), the doctor signs.
 */
export async function stockClinic(
  hub: TestHub,
  clients: { pharmacist: InternalClient; doctor: InternalClient },
  clinicId: number,
  supplierId: number,
  items: { drug: SeedDrug; lots: LotSpec[]; packPrice?: number }[],
): Promise<void> {
  for (const item of items) {
    const total = item.lots.reduce((n, l) => n + l.qty, 0);
    const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: item.drug, qty: total, packPrice: item.packPrice }]);
    await clients.pharmacist.call('receipts.create', {
      poId,
      invoiceNo: 'FP-TEST',
      lines: item.lots.map((l) => ({ poLineId: lineIds[0], batchNo: l.batchNo, expiryDate: l.expiryDate, qty: l.qty, packPrice: item.packPrice })),
    });
  }
  const reqLines = seedApprovedRequisition(
    hub,
    clinicId,
    items.map((i) => ({ drug: i.drug, qty: i.lots.reduce((n, l) => n + l.qty, 0) })),
  );
  const delivery = await clients.pharmacist.call('deliveries.create', {
    clinicId,
    lines: reqLines.map((id, i) => ({ requisitionLineId: id, qty: items[i].lots.reduce((n, l) => n + l.qty, 0) })),
  });
  await clients.doctor.call('deliveries.sign', { id: delivery.id, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
}
