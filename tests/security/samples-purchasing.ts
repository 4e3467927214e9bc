/** Access-matrix and fuzz samples for the purchasing methods (see the rules at the top of samples.ts). */
import type { SampleContext, SampleRegistry } from './samples';
import type { SecurityFixture } from './fixture';
import { addDrug, addSupplier } from '../helpers/purchasing';

type Side = 'A' | 'B';
const both = <T>(build: (ctx: SampleContext, side: Side) => T) => ({
  own: (ctx: SampleContext) => build(ctx, 'A'),
  other: (ctx: SampleContext) => build(ctx, 'B'),
});
const clinicOf = (f: SecurityFixture, side: Side) => (side === 'A' ? f.clinicA.id : f.clinicB.id);
const doctorOf = (f: SecurityFixture, side: Side) => (side === 'A' ? f.doctorA : f.doctorB);
const line = (drugId: number, qty = 24) => ({ drugId, qty, enteredIn: 'pack' as const, note: null });

/** A supplier, a brand drug with a 集采 equivalent, and a submitted requisition of each clinic. */
const world = (f: SecurityFixture) =>
  f.once('purchasing', async () => {
    const db = f.hub.runtime.app.db;
    const supplierId = addSupplier(db, '安全测试采购医药有限公司');
    const brand = addDrug(db, { name: '安全测试氨氯地平片', spec: '5mg*7片', packSize: 7, supplierId, packPrice: 24_500_000 });
    const vbp = addDrug(db, { name: '安全测试氨氯地平片', spec: '5mg*28片', packSize: 28, vbp: true, vbpPrice: 3_200_000, supplierId, packPrice: 3_200_000 });
    const reqA = await f.doctorA.call('requisitions.submit', { submitToken: `secA${f.seq()}xx`, note: null, lines: [line(brand, 14)] });
    const reqB = await f.doctorB.call('requisitions.submit', { submitToken: `secB${f.seq()}xx`, note: null, lines: [line(brand, 14)] });
    return { supplierId, brand, vbp, reqA: reqA.id, reqB: reqB.id };
  });

/** A requisition of clinic A just submitted (its own drug, so earlier runs never net it away). */
async function freshSubmitted(f: SecurityFixture) {
  const w = await world(f);
  const drugId = addDrug(f.hub.runtime.app.db, { name: `安全测试药${f.seq()}`, packSize: 10, supplierId: w.supplierId, packPrice: 5_000_000 });
  return f.doctorA.call('requisitions.submit', { submitToken: `secS${f.seq()}xx`, note: null, lines: [line(drugId, 20)] });
}

/** A draft purchase order made by a real aggregation. */
async function freshDraftOrder(f: SecurityFixture): Promise<number> {
  const req = await freshSubmitted(f);
  await f.pharmacist.call('requisitions.decide', { id: req.id, lines: req.lines.map((l) => ({ lineId: l.id, decision: 'approved' as const, reason: null })) });
  const sel = { requisitionIds: [req.id], hubReplenishment: false };
  const p = await f.pharmacist.call('aggregation.preview', sel);
  const made = await f.pharmacist.call('aggregation.create', { ...sel, fingerprint: p.fingerprint, note: null });
  return made.orders[0].id;
}

const order = (f: SecurityFixture) => f.once('purchasingOrder', () => freshDraftOrder(f));

/** A sent order of which one pack of two has arrived: what 终止收货 is for. */
async function freshPartlyReceivedOrder(f: SecurityFixture): Promise<number> {
  const id = await freshDraftOrder(f);
  await f.pharmacist.call('orders.send', { id });
  const line = (await f.pharmacist.call('orders.get', { id })).lines[0];
  await f.pharmacist.call('receipts.create', {
    poId: id,
    invoiceNo: `SEC${f.seq()}`,
    lines: [{ poLineId: line.id, batchNo: `SEC${f.seq()}`, expiryDate: '2028-06-30', qty: line.packSize, traceCodes: [] }],
  });
  return id;
}

export const purchasingSamples: SampleRegistry = {
  'purchasing.settings': { input: () => ({}) },
  'purchasing.updateSettings': { input: () => ({ targetMonths: 2 }) },

  'requisitions.stockInfo': both(async ({ f }, side) => ({ clinicId: clinicOf(f, side), drugIds: [(await world(f)).brand] })),
  'requisitions.list': both(({ f }, side) => ({ clinicId: clinicOf(f, side), page: 1, pageSize: 20 })),
  'requisitions.get': both(async ({ f }, side) => ({ id: side === 'A' ? (await world(f)).reqA : (await world(f)).reqB })),
  'requisitions.saveDraft': both(async ({ f }, side) => ({
    createToken: `secD${f.seq()}xx`,
    clinicId: clinicOf(f, side),
    note: null,
    lines: [line((await world(f)).brand, 7)],
  })),
  'requisitions.submit': both(async ({ f }, side) => ({
    submitToken: `secT${f.seq()}xx`,
    clinicId: clinicOf(f, side),
    note: null,
    lines: [line((await world(f)).brand, 7)],
  })),
  'requisitions.cancel': both(async ({ f }, side) => {
    const draft = await doctorOf(f, side).call('requisitions.saveDraft', {
      createToken: `secC${f.seq()}xx`,
      note: null,
      lines: [line((await world(f)).brand, 7)],
    });
    return { id: draft.id, reason: null };
  }),
  'requisitions.decide': {
    input: async ({ f }) => {
      const req = await freshSubmitted(f);
      return { id: req.id, lines: [{ lineId: req.lines[0].id, decision: 'adjusted' as const, approvedQty: 10, reason: '按用量核减' }] };
    },
  },
  'requisitions.switchToVbp': {
    input: async ({ f }) => {
      const w = await world(f);
      const req = await f.doctorA.call('requisitions.submit', { submitToken: `secV${f.seq()}xx`, note: null, lines: [line(w.brand, 28)] });
      return { lineIds: [req.lines[0].id], vbpDrugId: w.vbp };
    },
  },

  'aggregation.preview': { input: () => ({ requisitionIds: [], hubReplenishment: true }) },
  // A stale fingerprint: the call is authorised, then refused as 409 CONFLICT (nothing is created).
  'aggregation.create': { input: () => ({ requisitionIds: [], hubReplenishment: true, fingerprint: 'a'.repeat(64), note: null }) },
  'orders.list': { input: () => ({ page: 1, pageSize: 20 }) },
  'orders.get': { input: async ({ f }) => ({ id: await order(f) }) },
  'orders.send': { input: async ({ f }) => ({ id: await freshDraftOrder(f) }) },
  'orders.cancel': { input: async ({ f }) => ({ id: await freshDraftOrder(f), reason: '安全测试' }) },
  'orders.shortClose': { input: async ({ f }) => ({ id: await freshPartlyReceivedOrder(f), reason: '安全测试：配送企业停产' }) },
  'orders.export': { input: async ({ f }) => ({ id: await order(f) }) },
};
