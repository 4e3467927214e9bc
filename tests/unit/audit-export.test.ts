import type ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditDetailLines } from '../../shared/audit-details';
import { SIGNATURES } from '../../shared/signatures';
import { createClinic, createTestHub, createUser, scratchDirs, type TestHub } from '../helpers/runtime';
import { darkestInColumns, readBook, renderWithLibreOffice, rowValues, signatureLabels, sofficeMissing } from '../helpers/workbook';

/**
 * 审计日志 exported to Excel (issue 17): every row the filter selects, not the screen's page of 50, newest first;
 * the filter line names the chosen clinic; the detail is 字段：旧值 → 新值 lines, never JSON; the printed log's
 * signature row; admin only. One export rendered by LibreOffice: no column cut at the page's right edge.
 */
let hub: TestHub;
let westId: number;
const scratch = scratchDirs();
const headerRow = 4;

beforeAll(async () => {
  hub = await createTestHub();
  await createClinic(hub, 'C01', '东湖村卫生室');
  const west = await createClinic(hub, 'C02', '西岭村卫生室');
  westId = west.id;
  // 60 renames of one clinic: more than a page of the screen (50).
  for (let i = 1; i <= 60; i++) {
    await hub.admin.call('clinics.update', { id: west.id, code: 'C02', name: `西岭村卫生室${i}`, village: null, address: null, phone: null, active: true });
  }
  await hub.admin.call('clinics.update', {
    id: west.id,
    code: 'C02',
    name: '西岭村卫生室（新址）',
    village: '西岭村',
    address: null,
    phone: '0731-5551234',
    active: true,
  });
}, 120_000);
afterAll(async () => {
  await hub.close();
});

const headers = (ws: ExcelJS.Worksheet) => rowValues(ws, headerRow) as string[];
const column = (ws: ExcelJS.Worksheet, name: string) => headers(ws).indexOf(name) + 1;

describe('audit.export', () => {
  it('writes every row the filter selects, newest first, with the filter line, readable changes and signatures', async () => {
    const screen = await hub.admin.call('audit.list', { clinicId: westId, page: 1, pageSize: 50 });
    expect(screen.total).toBeGreaterThan(50);
    const all = [...screen.rows, ...(await hub.admin.call('audit.list', { clinicId: westId, page: 2, pageSize: 50 })).rows];
    expect(all.length).toBe(screen.total);

    const file = await hub.admin.call('audit.export', { clinicId: westId });
    expect(file.filename).toMatch(/^审计日志-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const ws = (await readBook(file)).worksheets[0];
    expect(ws.getCell(2, 1).value).toBe('审计日志');
    expect(String(ws.getCell(3, 1).value)).toContain('卫生室：西岭村卫生室（新址）');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: headerRow });
    expect(headers(ws)).toEqual(['时间', '用户', '角色', '卫生室', '地址', '操作', '接口', '对象', '结果', '内容']);

    const method = column(ws, '接口');
    const shown = all.map((_, i) => ws.getCell(headerRow + 1 + i, method).value);
    expect(shown).toEqual(all.map((r) => r.method));
    expect(String(ws.getCell(headerRow + 1 + all.length, 1).value)).toBe(`共 ${all.length} 条`);
    const time = ws.getCell(headerRow + 1, 1);
    expect(time.value).toBeInstanceOf(Date);
    expect(time.numFmt).toBe('yyyy-mm-dd hh:mm');

    // The newest row: the last rename, as old → new lines; no JSON anywhere in the detail column.
    const detail = String(ws.getCell(headerRow + 1, column(ws, '内容')).value);
    expect(detail.split('\n')).toEqual(
      expect.arrayContaining(['名称：西岭村卫生室60 → 西岭村卫生室（新址）', '行政村：（空） → 西岭村', '电话：（空） → 0731-5551234']),
    );
    for (let r = headerRow + 1; r <= headerRow + all.length; r++) expect(String(ws.getCell(r, column(ws, '内容')).value ?? '')).not.toMatch(/[{}"]/);
    expect(ws.getCell(headerRow + 1, column(ws, '对象')).value).toBe('村卫生室 西岭村卫生室（新址）');
    expect(signatureLabels(ws)).toEqual([...SIGNATURES.auditLog]);
  });

  it('is for the administrator only', async () => {
    const pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
    await expect(pharmacist.call('audit.export', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it.skipIf(sofficeMissing() !== null)(
    'printed by LibreOffice on A4, no column is cut (skipped when soffice is absent)',
    async () => {
      const shown = renderWithLibreOffice(await hub.admin.call('audit.export', { clinicId: westId }), scratch('lo-audit-'));
      for (const h of ['时间', '用户', '卫生室', '接口', '对象', '结果', '内容']) expect(shown.text).toContain(h);
      expect(shown.text).toContain('clinics.update');
      expect(shown.text).not.toContain('###');
      expect(shown.text).toMatch(/第\s*1\s*页\s*共\s*\d+\s*页/);
      const edge = Math.floor(shown.image.width * 0.97);
      expect(darkestInColumns(shown.image, edge, shown.image.width)).toBeGreaterThan(200);
    },
    240_000,
  );
});

describe('auditDetailLines', () => {
  it('says what changed as 字段：旧值 → 新值, rows of a list as 第 n 行, roles by name, and keeps no JSON', () => {
    expect(
      auditDetailLines({
        username: 'cy01',
        changes: { role: { from: 'village_doctor', to: 'pharmacist' }, active: { from: true, to: false } },
        input: { id: 7, lines: [{ drugId: 3, qty: 12 }], note: null },
      }),
    ).toEqual(['用户名：cy01', '角色：村医 → 药库管理员', '启用：是 → 否', '编号：7', '明细 第 1 行：药品 3，数量 12', '备注：（空）']);
    expect(auditDetailLines({ maxBackdateDays: { from: 3, to: 7 } })).toEqual(['最多补录天数：3 → 7']);
    expect(auditDetailLines(null)).toEqual([]);
  });
});
