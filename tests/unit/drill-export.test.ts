import type ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURES } from '../../shared/signatures';
import { scratchDirs } from '../helpers/runtime';
import { createSimHub, type SimHub, simulate } from '../helpers/settlement';
import { darkestInColumns, readBook, renderWithLibreOffice, rowValues, signatureLabels, sofficeMissing } from '../helpers/workbook';

/**
 * 三保看板 drill-downs exported to Excel (issue 17): the drawer's title, a filter line, every row the drawer
 * lists with its document number, the amount total and the signature row of its print; read back from the file,
 * and one rendered by LibreOffice with no column cut.
 */
let sim: SimHub;
const scratch = scratchDirs();
const headerRow = 4;
beforeAll(async () => {
  sim = await createSimHub('2026-01-05');
  await simulate(sim, '2026-02-10', { seed: 2417, opsPerDay: 4 });
}, 300_000);
afterAll(async () => {
  await sim.hub.close();
});

const headers = (ws: ExcelJS.Worksheet) => rowValues(ws, headerRow) as string[];
const column = (ws: ExcelJS.Worksheet, name: string) => headers(ws).indexOf(name) + 1;

describe('supervision.drilldownExport', () => {
  it('writes the drawer: its title, the filter line, every row by document, the amount total and signatures', async () => {
    const finance = sim.as('caiwu');
    const input = { figure: 'vbp' as const, from: '2026-01', to: '2026-02' };
    const drawer = await finance.call('supervision.drilldown', input);
    expect(drawer.rows.length).toBeGreaterThan(3);
    const file = await finance.call('supervision.drilldownExport', input);
    expect(file.filename).toBe(`${drawer.title}-2026-01至2026-02.xlsx`);
    const ws = (await readBook(file)).worksheets[0];
    expect(ws.getCell(2, 1).value).toBe(drawer.title);
    expect(String(ws.getCell(3, 1).value)).toContain('期间：2026-01 至 2026-02');
    expect(String(ws.getCell(3, 1).value)).toContain('范围：全乡');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: headerRow });
    drawer.rows.forEach((r, i) => {
      const row = headerRow + 1 + i;
      expect(ws.getCell(row, column(ws, '单据 / 批号')).value ?? null).toBe(r.docLabel);
      const amount = ws.getCell(row, column(ws, '金额（元）')).value;
      expect(amount === null ? null : Math.round((amount as number) * 100)).toBe(r.amount);
    });
    const totals = headerRow + 1 + drawer.rows.length;
    expect(String(ws.getCell(totals, 1).value)).toBe(`合计（${drawer.rows.length} 行）`);
    const total = drawer.rows.reduce((n, r) => n + (r.amount ?? 0), 0);
    expect(Math.round((ws.getCell(totals, column(ws, '金额（元）')).value as number) * 100)).toBe(total);
    expect(signatureLabels(ws)).toEqual([...SIGNATURES.supervisionDrill]);
  });

  it('names the chosen clinic and month, and is refused to a village doctor', async () => {
    const finance = sim.as('caiwu');
    const clinic = sim.clinics[0];
    const file = await finance.call('supervision.drilldownExport', {
      figure: 'consumption',
      from: '2026-01',
      to: '2026-02',
      period: '2026-02',
      clinicId: clinic.id,
    });
    const ws = (await readBook(file)).worksheets[0];
    const name = (await finance.call('clinics.get', { id: clinic.id })).name;
    expect(String(ws.getCell(3, 1).value)).toContain(`月份：2026-02`);
    expect(String(ws.getCell(3, 1).value)).toContain(`范围：${name}`);
    await expect(sim.as(clinic.doctor).call('supervision.drilldownExport', { figure: 'vbp', from: '2026-01', to: '2026-02' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it.skipIf(sofficeMissing() !== null)(
    'printed by LibreOffice on A4, no column is cut (skipped when soffice is absent)',
    async () => {
      const finance = sim.as('caiwu');
      const input = { figure: 'vbp' as const, from: '2026-01', to: '2026-02' };
      const drawer = await finance.call('supervision.drilldown', input);
      const shown = renderWithLibreOffice(await finance.call('supervision.drilldownExport', input), scratch('lo-drill-'));
      for (const h of ['日期', '单据 / 批号', '药品', '金额（元）', '说明']) expect(shown.text).toContain(h);
      expect(shown.text).toContain(drawer.rows[0].docLabel!);
      expect(shown.text).not.toContain('###');
      const edge = Math.floor(shown.image.width * 0.97);
      expect(darkestInColumns(shown.image, edge, shown.image.width)).toBeGreaterThan(200);
    },
    240_000,
  );
});
