import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalClient } from '../../electron/api/internal';
import { Runtime } from '../../electron/runtime';
import { ensureDemoHub } from '../../electron/demo/ensure';
import { catalogRowsWorkbook, DEMO_SUPPLIERS, generateCatalogRows } from '../../electron/demo/catalog';
import { drugInput } from '../../shared/contract/catalog';
import { isValidCreditCode } from '../../shared/creditCode';
import { ManualClock, tempDir } from '../helpers/runtime';

let runtime: Runtime;
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  runtime = new Runtime({ dataDir: dir, demo: true, clock: new ManualClock(), validateOutputs: true });
  await ensureDemoHub(runtime);
}, 180_000);
afterAll(() => {
  runtime.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('demo hub catalog', () => {
  it('has at least 250 real drugs, about 40% of them 集采, entered through the handlers', async () => {
    const finance = InternalClient.asUser(runtime, 'caiwu');
    const all = await finance.call('catalog.list', { status: 'all', pageSize: 500 });
    expect(all.total).toBeGreaterThanOrEqual(250);
    const vbp = all.rows.filter((d) => d.vbp);
    expect(vbp.length / all.total).toBeGreaterThan(0.35);
    expect(vbp.length / all.total).toBeLessThan(0.45);
    for (const d of vbp) {
      expect(d.vbpBatch, d.genericName).toMatch(/^第[一二三四五六七八九十]+批$/);
      expect(d.vbpPrice!, d.genericName).toBeGreaterThan(0);
      expect(d.referencePrice!, d.genericName).toBeGreaterThan(d.vbpPrice!);
    }
    for (const d of all.rows) {
      expect(d.nhsaCode).toMatch(/^[XZ][A-Z0-9]{10,49}$/);
      expect(d.approvalNo).toMatch(/^国药准字[HZSJ]\d{8}$/);
      // Every drug has a default supplier that quotes it.
      expect(d.defaultSupplierPrice, d.genericName).not.toBeNull();
    }
    const created = runtime.app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE method = 'catalog.create' AND outcome = 'ok'").get() as { n: number };
    expect(created.n).toBe(all.total);
  });

  it('has three active suppliers with valid credit codes and contract prices (集采 at the winning price)', async () => {
    const pharmacist = InternalClient.asUser(runtime, 'yaoku');
    const suppliers = await pharmacist.call('suppliers.list', {});
    expect(suppliers.map((s) => s.name)).toEqual(expect.arrayContaining(DEMO_SUPPLIERS.map((s) => s.name)));
    expect(suppliers).toHaveLength(3);
    for (const s of suppliers) {
      expect(isValidCreditCode(s.creditCode)).toBe(true);
      expect(s.priceCount).toBeGreaterThan(50);
      const prices = await pharmacist.call('suppliers.prices', { supplierId: s.id });
      for (const p of prices.filter((p) => p.vbp)) expect(p.packPrice, p.genericName).toBe(p.vbpPrice);
    }
  });

  it('finds demo drugs by initials the way a pharmacist types them', async () => {
    const doctor = InternalClient.asUser(runtime, 'cy01');
    const hits = await doctor.call('catalog.search', { q: 'amxl' });
    expect(hits[0].genericName).toBe('阿莫西林胶囊');
    expect(hits[0].vbp).toBe(true);
    expect((await doctor.call('catalog.search', { q: 'ffdsdw' }))[0].genericName).toBe('复方丹参滴丸');
  });
});

describe('benchmark catalogs', () => {
  it('generates plausible, valid, deterministic rows with unique codes', () => {
    const rows = generateCatalogRows(3000, 7);
    expect(generateCatalogRows(3000, 7)).toEqual(rows);
    expect(new Set(rows.map((r) => r.nhsaCode)).size).toBe(3000);
    for (const r of rows) expect(drugInput.safeParse(r).success, JSON.stringify(r)).toBe(true);
    const vbp = rows.filter((r) => r.vbp).length / rows.length;
    expect(vbp).toBeGreaterThan(0.35);
    expect(vbp).toBeLessThan(0.45);
    expect(new Set(rows.map((r) => r.genericName)).size).toBeGreaterThan(1000);
  });

  it('writes them as a workbook the import takes without a single error', async () => {
    const rows = generateCatalogRows(500, 11);
    const data = await catalogRowsWorkbook(rows);
    const admin = InternalClient.asUser(runtime, 'yaoku');
    const preview = await admin.call('catalog.importPreview', { file: { filename: 'bench.xlsx', base64: data.toString('base64') } });
    expect(preview).toMatchObject({ totalRows: 500, newCount: 500, errorCount: 0, missingRequired: [] });
  });
});
