import type ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURES } from '../../shared/signatures';
import { scratchDirs } from '../helpers/runtime';
import { createSimHub, type SimHub, simulate } from '../helpers/settlement';
import { darkestInColumns, readBook, renderWithLibreOffice, rowValues, signatureLabels, sofficeMissing } from '../helpers/workbook';

/**
 * The Excel exports of the list screens, read back from the file: title, filter line, frozen and repeated
 * header, the rows the screen shows (document numbers, not ids), totals, money and date formats, the
 * signature row of the printed list; and one rendered by LibreOffice with no column cut.
 */
let sim: SimHub;
const scratch = scratchDirs();
beforeAll(async () => {
  sim = await createSimHub('2026-01-05');
  await simulate(sim, '2026-02-10', { seed: 1717, opsPerDay: 4 });
}, 300_000);
afterAll(async () => {
  await sim.hub.close();
});

const headerRow = 4;
const headers = (ws: ExcelJS.Worksheet) => rowValues(ws, headerRow) as string[];
const column = (ws: ExcelJS.Worksheet, name: string) => headers(ws).indexOf(name) + 1;

function expectListLayout(ws: ExcelJS.Worksheet, title: string, filters: string[]) {
  expect(ws.getCell(2, 1).value).toBe(title);
  for (const f of filters) expect(String(ws.getCell(3, 1).value)).toContain(f);
  expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: headerRow });
  expect(ws.pageSetup).toMatchObject({ paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${headerRow}:${headerRow}` });
  expect(ws.headerFooter.oddFooter).toContain('&P');
  // Every cell names its font, bold ones included.
  ws.eachRow((row) => row.eachCell((c) => expect(c.font?.name, `${c.address} font`).toBeTruthy()));
}

describe('库存台账 (stock card) export', () => {
  it('has the card of the screen: opening, every movement by document number, closing, totals, signatures', async () => {
    const pharmacist = sim.as('yaoku');
    const drug = sim.drugs[0];
    const input = { storeId: sim.hubStoreId, drugId: drug.id, from: '2026-01-01', to: '2026-02-10' };
    const card = await pharmacist.call('stock.card', input);
    expect(card.rows.length).toBeGreaterThan(5);
    const file = await pharmacist.call('stock.cardExport', input);
    expect(file.filename).toBe(`库存台账-${card.store.name}-${card.drug.drugName}-2026-01-01至2026-02-10.xlsx`);
    const ws = (await readBook(file)).worksheets[0];
    expectListLayout(ws, '药品账页（库存台账）', [`库房：${card.store.name}`, '日期：2026-01-01 至 2026-02-10', card.drug.nhsaCode]);

    const first = headerRow + 1;
    expect(rowValues(ws, first)[1]).toBe('期初结存');
    const balance = column(ws, `结存（${card.drug.baseUnit}）`);
    expect(ws.getCell(first, balance).value).toBe(card.opening.qty);
    card.rows.forEach((r, i) => {
      const row = first + 1 + i;
      const date = ws.getCell(row, 1);
      expect(date.value).toBeInstanceOf(Date);
      expect((date.value as Date).toISOString().slice(0, 10)).toBe(r.businessDate);
      expect(date.numFmt).toBe('yyyy-mm-dd');
      const doc = ws.getCell(row, column(ws, '单据号')).value as string;
      expect(doc, 'a document number, never an internal id').not.toMatch(/^#/);
      if (r.docNo) expect(doc).toBe(r.docNo);
      expect(ws.getCell(row, balance).value).toBe(r.balanceQty);
      const money = ws.getCell(row, column(ws, '结存金额（元）'));
      expect(Math.round((money.value as number) * 100)).toBe(r.balanceValue);
      expect(money.numFmt).toBe('#,##0.00;-#,##0.00;"-"');
    });
    const totals = first + 1 + card.rows.length;
    expect(String(ws.getCell(totals, 1).value)).toContain(`${card.rows.length} 笔`);
    const received = card.rows.reduce((n, r) => n + Math.max(0, r.qty), 0);
    const issued = card.rows.reduce((n, r) => n + Math.max(0, -r.qty), 0);
    expect(ws.getCell(totals, column(ws, `收入（${card.drug.baseUnit}）`)).value).toBe(received);
    expect(ws.getCell(totals, column(ws, `发出（${card.drug.baseUnit}）`)).value).toBe(issued);
    expect(ws.getCell(totals, balance).value).toBe(card.closing.qty);
    expect(card.opening.qty + received - issued).toBe(card.closing.qty);
    expect(signatureLabels(ws)).toEqual([...SIGNATURES.stockCard]);
    // Wide enough for the longest document number.
    const longestDoc = Math.max(...card.rows.map((r) => (r.docNo ?? '').length));
    expect(ws.getColumn(column(ws, '单据号')).width).toBeGreaterThanOrEqual(longestDoc);
  });

  it('is refused for a clinic the village doctor does not belong to', async () => {
    const doctor = sim.as(sim.clinics[0].doctor);
    await expect(
      doctor.call('stock.cardExport', { storeId: sim.clinics[1].storeId, drugId: sim.drugs[0].id, from: '2026-01-01', to: '2026-01-31' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN_CLINIC' });
  });

  it.skipIf(sofficeMissing() !== null)(
    'printed by LibreOffice on A4, no column is cut (skipped when soffice is absent)',
    async () => {
      const pharmacist = sim.as('yaoku');
      const input = { storeId: sim.hubStoreId, drugId: sim.drugs[0].id, from: '2026-01-01', to: '2026-02-10' };
      const card = await pharmacist.call('stock.card', input);
      const dir = scratch('lo-card-');
      const shown = renderWithLibreOffice(await pharmacist.call('stock.cardExport', input), dir);
      expect(shown.text).not.toContain('###'); // LibreOffice's mark for a number wider than its column
      for (const h of ['日期', '业务', '单据号', '批号', '结存金额（元）', '经办人', '补录']) expect(shown.text).toContain(h);
      for (const r of card.rows) if (r.docNo) expect(shown.text).toContain(r.docNo);
      expect(shown.text).toContain(card.drug.nhsaCode);
      expect(shown.text).toMatch(/第\s*1\s*页\s*共\s*\d+\s*页/);
      // Nothing printed in the page's outer 3 % on the right: the table fits the width.
      const edge = Math.floor(shown.image.width * 0.97);
      expect(darkestInColumns(shown.image, edge, shown.image.width)).toBeGreaterThan(200);
    },
    240_000,
  );
});

describe('库存查询 (stock on hand) export', () => {
  it('lists every lot of the filtered drugs, not only the first page, with the total value and signatures', async () => {
    const pharmacist = sim.as('yaoku');
    const screen = await pharmacist.call('stock.onHand', { storeId: sim.hubStoreId, filter: 'in_stock', page: 1, pageSize: 2 });
    expect(screen.total).toBeGreaterThan(2);
    const all = await pharmacist.call('stock.onHand', { storeId: sim.hubStoreId, filter: 'in_stock', page: 1, pageSize: 500 });
    const file = await pharmacist.call('stock.onHandExport', { storeId: sim.hubStoreId, filter: 'in_stock' });
    const ws = (await readBook(file)).worksheets[0];
    const storeName = (await pharmacist.call('stock.stores', {})).find((st) => st.id === sim.hubStoreId)!.name;
    expectListLayout(ws, '药品库存表', [`库房：${storeName}`, '筛选：有库存', `${screen.total} 种药品`]);
    const lots = all.rows.flatMap((r) => r.lots.map((l) => ({ drug: r, lot: l })));
    const first = headerRow + 1;
    lots.forEach(({ drug, lot }, i) => {
      const row = first + i;
      expect(ws.getCell(row, column(ws, '医保编码')).value).toBe(drug.nhsaCode);
      expect(ws.getCell(row, column(ws, '批号')).value).toBe(lot.batchNo);
      const expiry = ws.getCell(row, column(ws, '有效期至'));
      expect((expiry.value as Date).toISOString().slice(0, 10)).toBe(lot.expiryDate);
      expect(ws.getCell(row, column(ws, '数量（最小单位）')).value).toBe(lot.qty);
      expect(Math.round((ws.getCell(row, column(ws, '金额（元）')).value as number) * 100)).toBe(lot.value);
    });
    const totals = first + lots.length;
    const total = ws.getCell(totals, column(ws, '金额（元）'));
    expect(Math.round((total.value as number) * 100)).toBe(all.totalValue);
    expect(total.numFmt).toBe('#,##0.00;-#,##0.00;"-"');
    expect(String(ws.getCell(totals, 1).value)).toContain(`${all.rows.length} 种药品，${lots.length} 个批次`);
    expect(signatureLabels(ws)).toEqual([...SIGNATURES.onHand]);
    // The code column holds the 医保编码 whole.
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(Math.max(...all.rows.map((r) => r.nhsaCode.length)));
  });
});
