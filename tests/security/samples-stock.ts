/** Access-matrix and fuzz samples for the stock methods (see the rules at the top of samples.ts). */
import type { SampleRegistry, SampleContext } from './samples';
import { seedApprovedRequisition, seedSentOrder } from '../helpers/stock';
import { clinicIdOf, deliveryInTransit, doctorOf, receiveAtHub, stockWorld } from './stock-fixture';

type Side = 'A' | 'B';
const both = <T>(build: (ctx: SampleContext, side: Side) => T) => ({
  own: (ctx: SampleContext) => build(ctx, 'A'),
  other: (ctx: SampleContext) => build(ctx, 'B'),
});
const store = async ({ f }: SampleContext, side: Side) => {
  const w = await stockWorld(f);
  return side === 'A' ? w.storeA : w.storeB;
};

export const stockSamples: SampleRegistry = {
  'trace.lookup': { input: () => ({ code: '81234560000000000001' }) },
  'trace.scanRules': { input: () => ({}) },
  'trace.updateScanRules': { input: () => ({ openedBoxScan: 'every_use' as const }) },
  'stock.stores': {
    own: () => ({ includeTransit: true }),
    otherFiltered: (rows, { f }) => rows.filter((s) => s.clinicId !== f.clinicA.id).map((s) => `store ${s.name} is not the doctor's clinic's`),
  },
  'stock.onHand': both(async (ctx, side) => ({ storeId: await store(ctx, side), filter: 'all' as const })),
  'stock.lots': both(async (ctx, side) => ({ storeId: await store(ctx, side), drugId: (await stockWorld(ctx.f)).drug.id })),
  'stock.card': both(async (ctx, side) => ({
    storeId: await store(ctx, side),
    drugId: (await stockWorld(ctx.f)).drug.id,
    from: '2026-01-01',
    to: '2026-12-31',
  })),
  'stock.alerts': both(async (ctx, side) => ({ storeId: await store(ctx, side) })),
  'stock.alertsExport': both(async (ctx, side) => ({ storeId: await store(ctx, side) })),
  'stock.watchList': both(async (ctx, side) => ({ storeId: await store(ctx, side) })),
  // Setting the same levels again changes nothing another cell reads.
  'stock.setWatch': {
    input: async (ctx) => ({ storeId: await store(ctx, 'A'), drugId: (await stockWorld(ctx.f)).drug.id, watched: true, minQty: 24, maxQty: 96 }),
  },

  'receipts.create': {
    input: async ({ f }) => {
      const w = await stockWorld(f);

      const { poId, lineIds } = seedSentOrder(f.hub, w.supplierId, [{ drug: w.drug, qty: 48 }]);
      return { poId, invoiceNo: `FP${f.seq()}`, lines: [{ poLineId: lineIds[0], batchNo: `R${f.seq()}`, expiryDate: '2028-06-30', qty: 48 }] };
    },
  },
  'receipts.openOrders': { input: () => ({}) },
  'receipts.list': { input: () => ({ limit: 20 }) },
  'receipts.get': { input: async ({ f }) => ({ id: (await stockWorld(f)).receiptId }) },
  'receipts.reverse': {
    input: async ({ f }) => {
      const w = await stockWorld(f);
      const { receipt } = await receiveAtHub(f, w, 1);
      return { id: receipt.id, reason: '录入错误，冲销重录' };
    },
  },

  'deliveries.pending': { input: ({ f }) => ({ clinicId: f.clinicA.id }) },
  'deliveries.preview': {
    input: async ({ f }) => {
      const w = await stockWorld(f);

      const [requisitionLineId] = seedApprovedRequisition(f.hub, f.clinicA.id, [{ drug: w.drug, qty: 24 }]);
      return { clinicId: f.clinicA.id, lines: [{ requisitionLineId, qty: 24 }] };
    },
  },
  'deliveries.create': {
    input: async ({ f }) => {
      const w = await stockWorld(f);

      const [requisitionLineId] = seedApprovedRequisition(f.hub, f.clinicA.id, [{ drug: w.drug, qty: 24 }]);
      return { clinicId: f.clinicA.id, lines: [{ requisitionLineId, qty: 24 }] };
    },
  },
  'deliveries.list': both(({ f }, side) => ({ clinicId: clinicIdOf(f, side) })),
  'deliveries.get': both(async ({ f }, side) => ({ id: side === 'A' ? (await stockWorld(f)).deliveryA : (await stockWorld(f)).deliveryB })),
  'deliveries.sign': both(async ({ f }, side) => {
    const delivery = await deliveryInTransit(f, await stockWorld(f), side);
    return { id: delivery.id, lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty })) };
  }),
  'deliveries.resolve': {
    input: async ({ f }) => {
      const delivery = await deliveryInTransit(f, await stockWorld(f), 'A');
      await f.doctorA.call('deliveries.sign', {
        id: delivery.id,
        lines: delivery.lines.map((l) => ({ lineId: l.id, receivedQty: l.qty - 1, reason: '少一粒' })),
      });
      return { id: delivery.id, lineId: delivery.lines[0].id, resolution: 'written_off' as const, note: '运输途中破损' };
    },
  },

  'dispensing.create': both(async ({ f }, side) => ({ clinicId: clinicIdOf(f, side), lines: [{ drugId: (await stockWorld(f)).drug.id, qty: 1 }] })),
  'dispensing.list': both(({ f }, side) => ({ clinicId: clinicIdOf(f, side) })),
  'dispensing.reverse': both(async ({ f }, side) => {
    const w = await stockWorld(f);
    const entry = await doctorOf(f, side).call('dispensing.create', { lines: [{ drugId: w.drug.id, qty: 1 }] });
    return { id: entry.id, reason: '登记错误' };
  }),

  'returns.create': both(async ({ f }, side) => {
    const w = await stockWorld(f);
    return {
      kind: 'clinic_to_hub' as const,
      clinicId: clinicIdOf(f, side),
      reasonCode: 'overstock' as const,
      lines: [{ lotId: side === 'A' ? w.lotA : w.lotB, qty: 1 }],
    };
  }),
  'returns.decide': {
    input: async ({ f }) => {
      const w = await stockWorld(f);
      const r = await f.doctorA.call('returns.create', { kind: 'clinic_to_hub', reasonCode: 'overstock', lines: [{ lotId: w.lotA, qty: 1 }] });
      return { id: r.id, accept: true };
    },
  },
  'returns.cancel': both(async ({ f }, side) => {
    const w = await stockWorld(f);
    const r = await doctorOf(f, side).call('returns.create', {
      kind: 'clinic_to_hub',
      reasonCode: 'overstock',
      lines: [{ lotId: side === 'A' ? w.lotA : w.lotB, qty: 1 }],
    });
    return { id: r.id };
  }),
  'returns.list': both(({ f }, side) => ({ clinicId: clinicIdOf(f, side) })),

  'writeoffs.create': both(async (ctx, side) => {
    const w = await stockWorld(ctx.f);
    return { storeId: await store(ctx, side), reasonCode: 'damaged' as const, lines: [{ lotId: side === 'A' ? w.lotA : w.lotB, qty: 1 }] };
  }),
  'writeoffs.decide': {
    input: async ({ f }) => {
      const w = await stockWorld(f);
      const wo = await f.doctorA.call('writeoffs.create', { storeId: w.storeA, reasonCode: 'damaged', lines: [{ lotId: w.lotA, qty: 1 }] });
      return { id: wo.id, approve: false, note: '未见破损' };
    },
  },
  'writeoffs.cancel': both(async (ctx, side) => {
    const w = await stockWorld(ctx.f);
    const wo = await doctorOf(ctx.f, side).call('writeoffs.create', {
      storeId: await store(ctx, side),
      reasonCode: 'damaged',
      lines: [{ lotId: side === 'A' ? w.lotA : w.lotB, qty: 1 }],
    });
    return { id: wo.id };
  }),
  'writeoffs.list': both(async (ctx, side) => ({ storeId: await store(ctx, side) })),
  // A carton of two boxes, new codes per call, so an import adds links and never meets an earlier cell's.
  'trace.packagesPreview': { input: ({ f }) => ({ file: packageFile(f.seq()) }) },
  'trace.packagesImport': { input: ({ f }) => ({ file: packageFile(f.seq()) }) },
  'stock.cardExport': both(async (ctx, side) => ({
    storeId: await store(ctx, side),
    drugId: (await stockWorld(ctx.f)).drug.id,
    from: '2026-01-01',
    to: '2026-12-31',
  })),
  'stock.onHandExport': both(async (ctx, side) => ({ storeId: await store(ctx, side), filter: 'all' as const })),
};

function packageFile(n: number) {
  const code = (k: number) => `8123457${String(n * 10 + k).padStart(13, '0')}`;
  const text = `大码,小码\n${code(0)},${code(1)}\n${code(0)},${code(2)}\n`;
  return { filename: '关联关系.csv', base64: Buffer.from(text, 'utf8').toString('base64') };
}
