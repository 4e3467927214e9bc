/** Access-matrix and fuzz samples for the catalog and supplier methods (see the rules at the top of samples.ts). */
import type { SampleRegistry } from './samples';
import type { SecurityFixture } from './fixture';
import { drug, validCreditCode } from '../helpers/catalog';

const supplierFields = (f: SecurityFixture) => {
  const n = f.seq();
  return {
    name: `安全测试医药${n}有限公司`,
    creditCode: validCreditCode(`9143010${String(n).padStart(10, '0')}`),
    licenceNo: null,
    contact: '王经理',
    phone: '0731-12345678',
    address: null,
  };
};

/** A supplier, one of its drugs with a contract price, and the catalog as an export workbook. */
const world = (f: SecurityFixture) =>
  f.once('catalog', async () => {
    const supplier = await f.pharmacist.call('suppliers.create', supplierFields(f));
    const d = await f.pharmacist.call('catalog.create', drug({ genericName: '安全测试头孢氨苄胶囊', defaultSupplierId: supplier.id }));
    await f.pharmacist.call('suppliers.setPrices', { supplierId: supplier.id, prices: [{ drugId: d.id, packPrice: 6_500_000 }] });
    const file = await f.pharmacist.call('catalog.export', { includeInactive: true });
    return { supplierId: supplier.id, drugId: d.id, file: { filename: file.filename, base64: file.base64 } };
  });

/** A drug of its own for a write that changes it. */
async function freshDrug(f: SecurityFixture) {
  const input = drug({ genericName: `安全测试药品${f.seq()}` });
  const created = await f.pharmacist.call('catalog.create', input);
  return { input, id: created.id };
}

export const catalogSamples: SampleRegistry = {
  'catalog.search': {
    own: ({ f }) => ({ q: 'aqcs', storeId: f.clinicA.storeId, limit: 20 }),
    other: ({ f }) => ({ q: 'aqcs', storeId: f.clinicB.storeId, limit: 20 }),
  },
  'catalog.get': { input: async ({ f }) => ({ id: (await world(f)).drugId }) },
  'catalog.list': { input: () => ({ status: 'all' as const, page: 1, pageSize: 20 }) },
  'catalog.create': { input: ({ f }) => drug({ genericName: `安全测试新药${f.seq()}` }) },
  'catalog.update': {
    input: async ({ f }) => {
      const { input, id } = await freshDrug(f);
      return { ...input, id, active: true, spec: '0.5g' };
    },
  },
  'catalog.setActive': { input: async ({ f }) => ({ id: (await freshDrug(f)).id, active: false }) },
  'catalog.importPreview': { input: async ({ f }) => ({ file: (await world(f)).file }) },
  'catalog.importCommit': {
    input: async ({ f }) => {
      const { file } = await world(f);
      const preview = await f.pharmacist.call('catalog.importPreview', { file });
      return { file, mapping: preview.mapping, mode: 'cleanRowsOnly' as const };
    },
  },
  'catalog.export': { input: () => ({ includeInactive: true }) },
  'catalog.importErrorsExport': { input: async ({ f }) => ({ file: (await world(f)).file }) },
  'catalog.importTemplate': { input: () => ({}) },
  'catalog.importInterrupted': { input: () => ({}) },

  'suppliers.list': { input: () => ({ includeInactive: true }) },
  'suppliers.get': { input: async ({ f }) => ({ id: (await world(f)).supplierId }) },
  'suppliers.create': { input: ({ f }) => supplierFields(f) },
  'suppliers.update': {
    input: async ({ f }) => {
      const fields = supplierFields(f);
      const s = await f.pharmacist.call('suppliers.create', fields);
      return { ...fields, id: s.id, active: true, contact: '李经理' };
    },
  },
  'suppliers.prices': { input: async ({ f }) => ({ supplierId: (await world(f)).supplierId }) },
  'suppliers.setPrices': {
    input: async ({ f }) => {
      const w = await world(f);
      return { supplierId: w.supplierId, prices: [{ drugId: w.drugId, packPrice: 6_400_000 }] };
    },
  },
};
