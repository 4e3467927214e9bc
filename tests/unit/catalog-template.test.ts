import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InternalClient } from '../../electron/api/internal';
import { CATALOG_COLUMNS } from '../../shared/catalogColumns';
import { createClinic, createTestHub, createUser, type TestHub } from '../helpers/runtime';

let hub: TestHub;
let pharmacist: InternalClient;
let finance: InternalClient;
let doctor: InternalClient;

beforeAll(async () => {
  hub = await createTestHub();
  pharmacist = await createUser(hub, { username: 'yaoku', role: 'pharmacist' });
  finance = await createUser(hub, { username: 'caiwu', role: 'finance' });
  const clinic = await createClinic(hub, 'C01', '东湖村卫生室');
  doctor = await createUser(hub, { username: 'cy01', role: 'village_doctor', clinicId: clinic.id });
});

afterAll(async () => {
  await hub.close();
});

async function template(client = pharmacist) {
  const file = await client.call('catalog.importTemplate', {});
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ExcelJS.Buffer);
  return { file, wb };
}

const column = (header: string) => CATALOG_COLUMNS.findIndex((c) => c.header === header) + 1;
type Validations = { dataValidations: { model: Record<string, ExcelJS.DataValidation> } };

describe('catalog.importTemplate', () => {
  it('marks the required columns, offers drop-downs and explains every column', async () => {
    const { file, wb } = await template();
    expect(file.filename).toBe('药品目录导入模板.xlsx');
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['药品目录', '填写说明']);
    const ws = wb.getWorksheet('药品目录')!;

    CATALOG_COLUMNS.forEach((c, i) => {
      const cell = ws.getCell(1, i + 1);
      expect(cell.value, c.header).toBe(c.requiredForNew ? `*${c.header}` : c.header);
      expect(cell.font.color?.argb, c.header).toBe(c.requiredForNew ? 'FFCF1322' : 'FF000000');
      expect(cell.font.name, c.header).toBe('宋体');
    });

    const validations = (ws as unknown as Validations).dataValidations.model;
    const listAt = (header: string, row: number) => validations[`${ws.getColumn(column(header)).letter}${row}`];
    for (const [header, list] of [
      ['甲乙类', '"甲类,乙类,非医保"'],
      ['基本药物', '"是,否"'],
      ['集采', '"是,否"'],
      ['零差率', '"是,否"'],
      ['处方类别', '"处方,OTC"'],
      ['状态', '"启用,停用"'],
    ] as const) {
      for (const row of [2, 500, 3001])
        expect(listAt(header, row), `${header} ${row}`).toMatchObject({ type: 'list', formulae: [list], showErrorMessage: true });
    }
    expect(listAt('注册名称', 2)).toBeUndefined();

    // Two example rows, marked in their first cell.
    expect(String(ws.getCell(2, 1).value)).toMatch(/^示例X/);
    expect(String(ws.getCell(3, 1).value)).toMatch(/^示例X/);
    expect(ws.getCell(4, 1).value).toBeNull();

    const notes = wb.getWorksheet('填写说明')!;
    const rows = new Map<string, string[]>();
    notes.eachRow((row) => {
      const v = (row.values as unknown[]).slice(1).map((x) => (x == null ? '' : String(x)));
      rows.set(v[1], v);
    });
    for (const c of CATALOG_COLUMNS) {
      const line = rows.get(c.header);
      expect(line, c.header).toBeDefined();
      expect(line![2], c.header).toBe(c.requiredForNew ? '必填' : '可空');
      expect(line![3], c.header).not.toBe('');
    }
    expect(rows.get('批准文号')![3]).toMatch(/国药准字HJ20171044.*H20140345.*HC20200001/);
    expect(rows.get('甲乙类')![3]).toMatch(/甲类/);
  });

  it('imports the filled template without an error; left-in examples are refused by name', async () => {
    const { file, wb } = await template();
    const asIs = await pharmacist.call('catalog.importPreview', { file: { filename: file.filename, base64: file.base64 } });
    expect(asIs.missingRequired).toEqual([]);
    expect(asIs.errorRowCount).toBe(2);
    expect(asIs.errors.map((e) => [e.row, e.reason])).toEqual([
      [2, expect.stringMatching(/示例行/)],
      [3, expect.stringMatching(/示例行/)],
    ]);

    const ws = wb.getWorksheet('药品目录')!;
    // The person types over the two examples and adds a third row.
    for (const row of [2, 3]) for (let col = 1; col <= CATALOG_COLUMNS.length; col++) ws.getCell(row, col).value = null;
    const fill = (row: number, values: Record<string, string | number>) => {
      for (const [header, v] of Object.entries(values)) ws.getCell(row, column(header)).value = v;
    };
    const common = {
      注册剂型: '片剂',
      最小包装数量: 7,
      最小制剂单位: '片',
      最小包装单位: '盒',
      甲乙类: '乙类',
      基本药物: '否',
      集采: '否',
      处方类别: '处方',
      状态: '启用',
    };
    fill(2, {
      ...common,
      药品代码: 'XC10AAR058A001010179203',
      注册名称: '瑞舒伐他汀钙片',
      注册规格: '10mg',
      药品企业: 'AstraZeneca UK Limited',
      批准文号: '国药准字HJ20171044',
    });
    fill(3, {
      ...common,
      药品代码: 'XA02BCA211A001010100587',
      注册名称: '奥美拉唑肠溶胶囊',
      注册规格: '20mg',
      药品企业: 'AstraZeneca AB',
      批准文号: 'H20140345',
    });
    fill(4, {
      ...common,
      药品代码: 'XC09CAX047E001010101839',
      注册名称: '缬沙坦胶囊',
      注册规格: '80mg',
      药品企业: '澳美制药厂',
      批准文号: 'HC20200001',
      甲乙类: '甲类',
    });
    const filled = { filename: '药品目录导入模板.xlsx', base64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') };

    const preview = await pharmacist.call('catalog.importPreview', { file: filled });
    expect(preview.errors).toEqual([]);
    expect(preview).toMatchObject({ sheet: '药品目录', headerRow: 1, totalRows: 3, newCount: 3, errorRowCount: 0 });
    await pharmacist.call('catalog.importCommit', { file: filled, mapping: preview.mapping, mode: 'all' });
    const saved = hub.runtime.app.db.prepare('SELECT approval_no AS no FROM drugs ORDER BY id').all() as { no: string }[];
    expect(saved.map((r) => r.no)).toEqual(['国药准字HJ20171044', 'H20140345', 'HC20200001']);
  });

  it('is for the hub: finance reads it, a village doctor does not', async () => {
    await expect(template(finance)).resolves.toBeTruthy();
    await expect(doctor.call('catalog.importTemplate', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
