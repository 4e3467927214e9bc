import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../electron/db/database';
import { writeCatalogWorkbook } from '../../electron/domain/catalog/export';
import type { DrugRecord } from '../../electron/domain/catalog/drugs';
import { orderWorkbook } from '../../electron/domain/purchasing/export';
import { hubWorkbook, supplierWorkbook } from '../../electron/domain/settlement/export';
import type { StoreStatement, SupplierStatement } from '../../shared/contract/settlement';
import { createSimHub, type SimHub, simulate } from '../helpers/settlement';
import { readBook, renderWithLibreOffice, sofficeMissing } from '../helpers/workbook';

/**
 * Every Excel export as LibreOffice prints it, with the values that broke the printouts: 23-character
 * 医保编码, long names, amounts of a million yuan and more. Codes and names are printed whole (not cut by
 * the next column), amounts never as ###, every cell names its font (a bold total without one printed in
 * another face), the 16 pt title has a row of its height, dates are dates, the hub 进销存 goes on A3 and
 * the purchase order numbers its pages.
 */
let sim: SimHub;
const period = '2026-01';
const LONG_NAME = '注射用头孢哌酮钠舒巴坦钠（舒普深）';
const LONG_MAKER = '辉瑞制药有限公司（大连经济技术开发区分公司）';
const LONG_CODE = 'XJ01DDA123B001010104431';
const scratchDirs: string[] = [];
const scratch = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
};

beforeAll(async () => {
  sim = await createSimHub('2026-01-05');
  await simulate(sim, '2026-01-20', { seed: 23, opsPerDay: 3 });
}, 300_000);
afterAll(async () => {
  await sim.hub.close();
  for (const d of scratchDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Cells written with a value but no font name, as 'Sheet!A1'. */
function unnamedFonts(wb: ExcelJS.Workbook): string[] {
  const out: string[] = [];
  for (const ws of wb.worksheets)
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        if (cell.value !== null && cell.value !== '' && !cell.font?.name) out.push(`${ws.name}!${cell.address}`);
      }),
    );
  return out;
}

const pdfPageSize = (pdf: string) =>
  /Page size:\s+([\d.]+) x ([\d.]+)/
    .exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))!
    .slice(1)
    .map(Number);
const printed = (text: string) => text.replace(/[ \t]+/g, ' ');
const lo = sofficeMissing() === null;

describe('statements printed by LibreOffice', () => {
  it.skipIf(!lo)(
    'the hub 进销存 on A3 landscape: codes, long names and million-yuan amounts whole, one font, a title of its height',
    async () => {
      const real = await sim.as('caiwu').call('statements.hub', { period });
      const s: StoreStatement = {
        ...real,
        rows: real.rows.map((r, i) =>
          i === 0 ? { ...r, nhsaCode: LONG_CODE, drugName: LONG_NAME, manufacturer: LONG_MAKER, closing: { qty: 120_000, value: 123_456_789 } } : r,
        ),
        totals: { ...real.totals, closing: 987_654_321 },
        transit: null,
      };
      const file = await hubWorkbook(s);
      const wb = await readBook(file);
      const ws = wb.worksheets[0];
      expect(ws.pageSetup.paperSize).toBe(8);
      expect(ws.pageSetup.orientation).toBe('landscape');
      expect(ws.getRow(2).height).toBeGreaterThanOrEqual(24);
      expect(unnamedFonts(wb)).toEqual([]);

      const shown = renderWithLibreOffice(file, scratch('lo-hub-'));
      const [w, h] = pdfPageSize(shown.pdf);
      expect(Math.round(w)).toBe(1191); // A3 landscape: 420 × 297 mm
      expect(Math.round(h)).toBe(842);
      const text = printed(shown.text);
      expect(text).not.toContain('###');
      for (const r of s.rows.slice(0, 5)) expect(text, r.nhsaCode).toContain(r.nhsaCode);
      expect(text).toContain(LONG_NAME);
      expect(text).toContain(LONG_MAKER);
      expect(text).toContain('1,234,567.89');
      expect(text).toContain('9,876,543.21');
    },
    240_000,
  );

  it.skipIf(!lo)(
    'the supplier statement: dates are dates, amounts whole, one font',
    async () => {
      const real = await sim.as('caiwu').call('statements.supplier', { period, supplierId: sim.suppliers[0] });
      expect(real.invoices.length).toBeGreaterThan(0);
      const s: SupplierStatement = {
        ...real,
        invoices: real.invoices.map((inv, i) => (i === 0 ? { ...inv, amount: 123_456_789 } : inv)),
      };
      const file = await supplierWorkbook(s);
      const wb = await readBook(file);
      const ws = wb.worksheets[0];
      expect(unnamedFonts(wb)).toEqual([]);
      expect(ws.getRow(2).height).toBeGreaterThanOrEqual(24);
      const firstLine = ws.getRow(7); // row 6 carries the opening balance, row 7 the first invoice
      expect(firstLine.getCell(2).value).toBeInstanceOf(Date);
      expect(firstLine.getCell(2).numFmt).toBe('yyyy-mm-dd');
      expect(firstLine.getCell(6).value).toBeInstanceOf(Date);

      const text = printed(renderWithLibreOffice(file, scratch('lo-supplier-')).text);
      expect(text).not.toContain('###');
      expect(text).toContain('1,234,567.89');
      expect(text).toContain(real.invoices[0].invoiceNo);
      expect(text).toMatch(/2026-01-\d\d/);
    },
    240_000,
  );
});

describe('the purchase order printed by LibreOffice', () => {
  it.skipIf(!lo)(
    'numbers its pages and prints codes, long names and amounts whole in one font',
    async () => {
      const { id } = sql(sim.hub.runtime.app.db, 'SELECT id FROM purchase_orders ORDER BY id LIMIT 1').get() as { id: number };
      const real = await sim.as('yaoku').call('orders.get', { id });
      const order = {
        ...real,
        lines: real.lines.map((l, i) => (i === 0 ? { ...l, nhsaCode: LONG_CODE, drugName: LONG_NAME, manufacturer: LONG_MAKER, amount: 123_456_789 } : l)),
        totalAmount: 987_654_321,
      };
      const file = await orderWorkbook(order);
      const wb = await readBook(file);
      expect(wb.worksheets[0].headerFooter.oddFooter).toMatch(/&P/);
      expect(wb.worksheets[0].getRow(1).height).toBeGreaterThanOrEqual(24);
      expect(unnamedFonts(wb)).toEqual([]);
      expect(wb.worksheets[0].getCell(2, 5).value).toBeInstanceOf(Date);

      const text = printed(renderWithLibreOffice(file, scratch('lo-order-')).text);
      expect(text).toMatch(/第 ?1 ?页 ?共 ?\d+ ?页/);
      expect(text).not.toContain('###');
      for (const l of order.lines) expect(text, l.nhsaCode).toContain(l.nhsaCode);
      expect(text).toContain(LONG_NAME);
      expect(text).toContain(LONG_MAKER);
      expect(text).toContain('1,234,567.89');
      expect(text).toContain('9,876,543.21');
    },
    240_000,
  );
});

describe('the 医保 export printed by LibreOffice', () => {
  it.skipIf(!lo)(
    'gives its amount column a money format and prints every 医保编码 whole',
    async () => {
      const file = await sim.as('caiwu').call('insuranceExport.download', { period, storeId: sim.hubStoreId, format: 'xlsx' });
      const wb = await readBook(file);
      expect(unnamedFonts(wb)).toEqual([]);
      const purchases = wb.worksheets.find((ws) => ws.name.startsWith('3503'))!;
      const codes = (purchases.getRow(1).values as unknown[]).slice(1);
      const amountCol = codes.indexOf('x_amount') + 1;
      expect(amountCol).toBeGreaterThan(0);
      expect(purchases.getCell(3, amountCol).numFmt).toBe('#,##0.00;-#,##0.00;"-"');

      const text = printed(renderWithLibreOffice(file, scratch('lo-insurance-')).text);
      expect(text).not.toContain('###');
      const codeCol = codes.indexOf('med_list_codg') + 1;
      const shownCodes = new Set<string>();
      for (let r = 3; r <= Math.min(purchases.rowCount, 8); r++) shownCodes.add(String(purchases.getCell(r, codeCol).value));
      expect(shownCodes.size).toBeGreaterThan(0);
      for (const code of shownCodes) expect(text, code).toContain(code);
    },
    240_000,
  );
});

describe('the catalog export printed by LibreOffice', () => {
  it.skipIf(!lo)(
    'prints long names, makers and codes whole in one font',
    async () => {
      const detail = await sim.as('yaoku').call('catalog.get', { id: sim.drugs[0].id });
      const record = { ...detail, genericName: LONG_NAME, manufacturer: LONG_MAKER, approvalNo: '国药准字HJ20171044' } as unknown as DrugRecord;
      const data = await writeCatalogWorkbook([{ record, supplierName: '国药控股湖南省医药有限公司株洲分公司' }]);
      const file = { filename: '药品目录.xlsx', base64: data.toString('base64') };
      const wb = await readBook(file);
      expect(unnamedFonts(wb)).toEqual([]);
      const text = printed(renderWithLibreOffice(file, scratch('lo-catalog-')).text);
      for (const v of [detail.nhsaCode, LONG_NAME, LONG_MAKER, '国药准字HJ20171044', '国药控股湖南省医药有限公司株洲分公司']) expect(text, v).toContain(v);
    },
    240_000,
  );
});
