import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { sql } from '../../electron/db/database';
import { searchStatements } from '../../electron/domain/catalog/search';
import { createTestHub, createUser, type TestHub } from '../helpers/runtime';
import { seedDrug, seedSentOrder, seedSupplier, type SeedDrug } from '../helpers/stock';

/**
 * A scanned 药品追溯码 typed into the drug picker finds its drug: a received box by its code, any GS1 code or a bare
 * GTIN by the drug's 商品条码, a 码上放心 code by the drug's 追溯码前缀 — through indexes where the catalog has them.
 */
let hub: TestHub;
let pharmacist: InternalClient;
let amox: SeedDrug;
let ibu: SeedDrug;
const GS = '\u001d';

const found = async (q: string) => (await pharmacist.call('catalog.search', { q, limit: 5 })).map((h) => h.genericName);

beforeAll(async () => {
  hub = await createTestHub();
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  const supplierId = seedSupplier(hub);
  amox = seedDrug(hub, { name: '阿莫西林胶囊', packSize: 10, supplierId });
  ibu = seedDrug(hub, { name: '布洛芬缓释胶囊', packSize: 20, supplierId });
  sql(hub.runtime.app.db, "UPDATE drugs SET trace_prefix = '8123456', gtin = '06901234567892' WHERE id = ?").run(amox.id);
  // 布洛芬 has neither prefix nor GTIN: only its received boxes (a maker's own code) name it.
  const { poId, lineIds } = seedSentOrder(hub, supplierId, [{ drug: ibu, qty: 40 }]);
  await pharmacist.call('receipts.create', {
    poId,
    invoiceNo: 'FP001',
    businessDate: '2026-02-25',
    lines: [{ poLineId: lineIds[0], batchNo: 'B1', expiryDate: '2027-12-31', qty: 40, traceCodes: ['HZ-IBU-0000001', 'HZ-IBU-0000002'] }],
  });
});
afterAll(() => hub.close());

describe('catalog.search finds the drug of a scanned code', () => {
  it('a received box by its code, whatever the drug carries', async () => {
    expect(await found('HZ-IBU-0000002')).toEqual(['布洛芬缓释胶囊']);
  });

  it('a 码上放心 code never received by its 7-digit prefix', async () => {
    expect(await found('81234560000000009999')).toEqual(['阿莫西林胶囊']);
    expect(await found('81234570000000009999')).toEqual([]);
  });

  it('GS1 codes with parentheses, with the GS separator and behind a symbology identifier, and a bare GTIN', async () => {
    expect(await found('(01)06901234567892(17)271231(10)B2026A(21)SN0001')).toEqual(['阿莫西林胶囊']);
    expect(await found(`]d20106901234567892${GS}17271231${GS}10B2026A${GS}21SN0002`)).toEqual(['阿莫西林胶囊']);
    expect(await found('010690123456789217271231')).toEqual(['阿莫西林胶囊']);
    expect(await found('6901234567892')).toEqual(['阿莫西林胶囊']);
    // A wrong check digit is no GTIN.
    expect(await found('6901234567893')).toEqual([]);
  });

  it('looks boxes and GTINs up by their indexes', () => {
    const plan = (q: string) =>
      searchStatements(q)
        .flatMap((st) => (hub.runtime.app.db.prepare(`EXPLAIN QUERY PLAN ${st.text}`).all(st.params) as { detail: string }[]).map((r) => r.detail))
        .join('\n');
    expect(plan('HZ-IBU-0000002')).toMatch(/SEARCH t USING PRIMARY KEY \(code=\?\)/);
    expect(plan('6901234567892')).toMatch(/SEARCH d USING INDEX drugs_gtin \(gtin=\?\)/);
    for (const q of ['HZ-IBU-0000002', '6901234567892', '(01)06901234567892(21)SN0001']) expect(plan(q), q).not.toMatch(/SCAN (d|drugs|t|trace_codes)\b/);
  });
});
