import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import type { TestHub } from './runtime';
import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from './stock';

/**
 * A coded drug for the traceability tests, and its boxes received and delivered through the real handlers
 * (dated before the test hub's 2026-03-02, so a test's own postings come after them).
 */

/** 阿莫西林胶囊 (10 粒 a box) whose 码上放心 codes start with the product prefix 8123456, with its supplier. */
export function seedCodedAmox(hub: TestHub): { supplierId: number; amox: SeedDrug } {
  const supplierId = seedSupplier(hub);
  const amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 10, supplierId, packPrice: 12_000_000 });
  sql(hub.runtime.app.db, "UPDATE drugs SET trace_prefix = '8123456' WHERE id = ?").run(amox.id);
  return { supplierId, amox };
}

/** The hub receives `qty` base units of the drug on a sent order, on 2026-02-25, scanning `codes`. */
export async function receiveBoxes(
  hub: TestHub,
  pharmacist: InternalClient,
  o: { supplierId: number; drug: SeedDrug; qty: number; codes: string[]; batchNo?: string },
) {
  const { poId, lineIds } = seedSentOrder(hub, o.supplierId, [{ drug: o.drug, qty: o.qty }]);
  return pharmacist.call('receipts.create', {
    poId,
    invoiceNo: 'FP001',
    businessDate: '2026-02-25',
    lines: [{ poLineId: lineIds[0], batchNo: o.batchNo ?? 'B1', expiryDate: '2027-12-31', qty: o.qty, traceCodes: o.codes }],
  });
}

/** The hub delivers `qty` base units of the drug to a clinic on an approved requisition, on 2026-02-26, picking `codes`. */
export async function deliverBoxes(hub: TestHub, pharmacist: InternalClient, o: { clinicId: number; drug: SeedDrug; qty: number; codes: string[] }) {
  const [requisitionLineId] = seedApprovedRequisition(hub, o.clinicId, [{ drug: o.drug, qty: o.qty }]);
  return pharmacist.call('deliveries.create', {
    clinicId: o.clinicId,
    businessDate: '2026-02-26',
    lines: [{ requisitionLineId, qty: o.qty, traceCodes: o.codes }],
  });
}
