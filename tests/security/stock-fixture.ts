import { seedApprovedRequisition, seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';
import type { SecurityFixture } from './fixture';

/**
 * Stock records for the security samples, built once per fixture through the real handlers: a supplier
 * and a drug, plenty of stock at the hub, and stock signed for at both clinics, so every stock method
 * has a real target in clinic A (the doctor's own) and in clinic B.
 */
export interface StockWorld {
  supplierId: number;
  drug: SeedDrug;
  hubStoreId: number;
  storeA: number;
  storeB: number;
  /** A lot on hand at each clinic. */
  lotA: number;
  lotB: number;
  receiptId: number;
  deliveryA: number;
  deliveryB: number;
}

export const stockWorld = (f: SecurityFixture): Promise<StockWorld> =>
  f.once('stock', async () => {
    const hub = f.hub;
    const supplierId = seedSupplier(hub, '安全测试医药有限公司');
    const drug = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 24, supplierId, packPrice: 12_500_000 });
    const { receipt } = await receiveAtHub(f, { supplierId, drug }, 200);
    const stores = await f.pharmacist.call('stock.stores', {});
    const storeOf = (clinicId: number) => stores.find((s) => s.kind === 'clinic' && s.clinicId === clinicId)!.id;
    const world = {
      supplierId,
      drug,
      hubStoreId: stores.find((s) => s.kind === 'hub')!.id,
      storeA: storeOf(f.clinicA.id),
      storeB: storeOf(f.clinicB.id),
      receiptId: receipt.id,
    };
    const deliveryA = await deliverAndSign(f, world, 'A', 480);
    const deliveryB = await deliverAndSign(f, world, 'B', 480);
    const lotOf = async (storeId: number) => (await f.pharmacist.call('stock.lots', { storeId, drugId: drug.id }))[0].lotId;
    return { ...world, deliveryA, deliveryB, lotA: await lotOf(world.storeA), lotB: await lotOf(world.storeB) };
  });

/** Receives `packs` boxes of the drug at the hub against a fresh purchase order. */
export async function receiveAtHub(f: SecurityFixture, w: { supplierId: number; drug: SeedDrug }, packs: number) {
  const { poId, lineIds } = seedSentOrder(f.hub, w.supplierId, [{ drug: w.drug, qty: packs * w.drug.packSize }]);
  return f.pharmacist.call('receipts.create', {
    poId,
    invoiceNo: `FP${f.seq()}`,
    lines: [{ poLineId: lineIds[0], batchNo: `SEC${f.seq()}`, expiryDate: '2028-06-30', qty: packs * w.drug.packSize }],
  });
}

/** A delivery of `qty` units to clinic A or B, still in transit (not signed). */
export async function deliveryInTransit(f: SecurityFixture, w: Pick<StockWorld, 'drug'>, clinic: 'A' | 'B', qty = 24) {
  const clinicId = clinic === 'A' ? f.clinicA.id : f.clinicB.id;
  const [requisitionLineId] = seedApprovedRequisition(f.hub, clinicId, [{ drug: w.drug, qty }]);
  return f.pharmacist.call('deliveries.create', { clinicId, lines: [{ requisitionLineId, qty }] });
}

async function deliverAndSign(f: SecurityFixture, w: Pick<StockWorld, 'drug'>, clinic: 'A' | 'B', qty: number): Promise<number> {
  const delivery = await deliveryInTransit(f, w, clinic, qty);
  const doctor = clinic === 'A' ? f.doctorA : f.doctorB;
  await doctor.call('deliveries.sign', { id: delivery.id, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) });
  return delivery.id;
}

export const clinicIdOf = (f: SecurityFixture, clinic: 'A' | 'B') => (clinic === 'A' ? f.clinicA.id : f.clinicB.id);
export const doctorOf = (f: SecurityFixture, clinic: 'A' | 'B') => (clinic === 'A' ? f.doctorA : f.doctorB);
