/** Access-matrix and fuzz samples for the GSP methods: acceptance records, quarantine, storage areas and readings. */
import type { SampleContext, SampleRegistry } from './samples';
import { seedSentOrder } from '../helpers/stock';
import { stockWorld } from './stock-fixture';

/** A cold area in clinic A's and clinic B's store, made once. */
const areas = ({ f }: SampleContext) =>
  f.once('storageAreas', async () => {
    const w = await stockWorld(f);
    const make = (storeId: number) =>
      f.pharmacist.call('storage.saveArea', { storeId, name: '冷藏柜', kind: 'cold', tempMin: 20, tempMax: 80, rhMin: 35, rhMax: 75 });
    return { A: (await make(w.storeA)).id, B: (await make(w.storeB)).id };
  });

/** A room area in the hub store (a logger's), made once. */
const hubArea = ({ f }: SampleContext) =>
  f.once('hubLoggerArea', async () => {
    const w = await stockWorld(f);
    return (
      await f.pharmacist.call('storage.saveArea', {
        storeId: w.hubStoreId,
        name: '记录仪常温库',
        kind: 'room',
        tempMin: 100,
        tempMax: 300,
        rhMin: 35,
        rhMax: 75,
      })
    ).id;
  });

/** A logger file of two readings at minutes no other sample used (each call imports new rows). */
function loggerFile(n: number) {
  const at = (k: number) => new Date(Date.UTC(2025, 11, 1, 1, 0) + (n * 2 + k) * 60_000).toISOString().slice(0, 16).replace('T', ' ');
  const text = `时间,温度(℃),湿度(%RH)\n${at(0)},18.2,55\n${at(1)},18.3,56\n`;
  return { filename: '记录仪.csv', base64: Buffer.from(text, 'utf8').toString('base64') };
}

/** A fresh quarantine lot at the hub: one box refused at a new receipt. */
async function quarantinedBox({ f }: SampleContext): Promise<number> {
  const w = await stockWorld(f);
  const { poId, lineIds } = seedSentOrder(f.hub, w.supplierId, [{ drug: w.drug, qty: 48 }]);
  const { receipt } = await f.pharmacist.call('receipts.create', {
    poId,
    invoiceNo: `FP${f.seq()}`,
    lines: [{ poLineId: lineIds[0], batchNo: `Q${f.seq()}`, expiryDate: '2028-06-30', qty: 48, rejectedQty: 24, rejectReason: 'damaged' }],
  });
  return receipt.lines[0].acceptance!.quarantineLotId!;
}

export const gspSamples: SampleRegistry = {
  'gsp.settings': { input: () => ({}) },
  'gsp.saveSettings': { input: () => ({ secondAcceptor: 'cold_and_special' as const, amTime: '09:00', pmTime: '15:00' }) },
  'gsp.setDrugStorage': { input: async ({ f }) => ({ drugId: (await stockWorld(f)).drug.id, storageCondition: 'room' as const, specialControl: false }) },
  'gsp.acceptanceRecords': { input: async ({ f }) => ({ receiptId: (await stockWorld(f)).receiptId }) },
  'quarantine.list': { input: () => ({}) },
  'quarantine.destroy': {
    input: async (ctx) => ({ lines: [{ lotId: await quarantinedBox(ctx), qty: 24 }], method: '焚烧', place: '卫生院', witness: '监督人甲' }),
  },
  'storage.areas': {
    own: () => ({}),
    otherFiltered: (rows, { f }) => rows.filter((a) => a.clinicId !== f.clinicA.id).map((a) => `area ${a.id} of ${a.storeName} is not the doctor's clinic's`),
  },
  'storage.saveArea': {
    input: async ({ f }) => ({
      storeId: (await stockWorld(f)).storeA,
      name: `常温区${f.seq()}`,
      kind: 'room' as const,
      tempMin: 100,
      tempMax: 300,
      rhMin: 35,
      rhMax: 75,
    }),
  },
  'storage.record': {
    own: async (ctx) => ({ areaId: (await areas(ctx)).A, temperature: 50, humidity: 50 }),
    other: async (ctx) => ({ areaId: (await areas(ctx)).B, temperature: 50, humidity: 50 }),
  },
  'storage.log': {
    own: async (ctx) => ({ areaId: (await areas(ctx)).A, period: '2026-03' }),
    other: async (ctx) => ({ areaId: (await areas(ctx)).B, period: '2026-03' }),
  },
  'storage.today': {
    own: ({ f }) => ({ clinicId: f.clinicA.id }),
    other: ({ f }) => ({ clinicId: f.clinicB.id }),
  },
  'storage.loggerPreview': { input: async (ctx) => ({ areaId: await hubArea(ctx), file: loggerFile(ctx.f.seq()) }) },
  'storage.loggerImport': { input: async (ctx) => ({ areaId: await hubArea(ctx), file: loggerFile(ctx.f.seq()) }) },
  'storage.loggerImports': { input: async (ctx) => ({ areaId: await hubArea(ctx) }) },
};
