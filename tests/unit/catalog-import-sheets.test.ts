/**
 * The catalog import reads the files people have (issue 18): LibreOffice-written .xls, .ods, a GBK CSV and an
 * exceljs .xlsx of one dirty HIS export (tests/fixtures/sheets/make-catalog.mjs) — two sheets with one header, two
 * sheets left out, a hidden column, a hidden row, an exact duplicate, blank/注/合计/制表人 footers, a date in 注册规格,
 * full-width and unit-suffixed values, a pack size written in words, a formula saved without its result.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../electron/db/database';
import { createTestHub, type TestHub } from '../helpers/runtime';

let hub: TestHub;
beforeEach(async () => {
  hub = await createTestHub();
});
afterEach(async () => {
  await hub.close();
});

const fixture = (name: string) => ({ filename: name, base64: fs.readFileSync(`tests/fixtures/sheets/${name}`).toString('base64') });
const drugs = () =>
  sql(
    hub.runtime.app.readDb,
    'SELECT nhsa_code AS code, generic_name AS name, spec, pack_size AS packSize, insurance_class AS ins, reference_price AS price, approval_no AS approvalNo FROM drugs ORDER BY nhsa_code',
  ).all();

describe('catalog import: a dirty HIS export as LibreOffice saves it (.xls)', () => {
  it('takes both sheets with the catalog header, names the others, chooses visible national columns, sets footers aside', async () => {
    const p = await hub.admin.call('catalog.importPreview', { file: fixture('catalog-dirty.xls') });
    expect(p.format).toMatch(/97-2003/);
    expect(p.sheets.map((s) => [s.name, s.taken, s.headerRow])).toEqual([
      ['西药', true, 3],
      ['中成药', true, 1],
      ['说明', false, null],
      ['价格', false, 1],
    ]);
    expect(p.sheets[2].reason).toMatch(/没有找到表头/);
    expect(p.sheets[3].reason).toMatch(/^表头与“西药”不同：缺少“药品编码”/);
    expect(p).toMatchObject({ sheet: '西药', headerRow: 3, totalRows: 7, newCount: 6, errorRowCount: 1, errorCount: 1 });
    // 医保编码 (B) over the HIS's own 药品编码 (A, not NHSA codes); the visible 注册名称 (C) over the hidden 药品名称 (M).
    expect(p.mapping).toMatchObject({ nhsaCode: 2, genericName: 3, packSize: 6, referencePrice: 12 });
    expect(p.mapping.tradeName).toBeUndefined();
    const column = (letter: string) => p.columns.find((c) => c.letter === letter)!;
    expect(column('A')).toMatchObject({ header: '药品编码', hidden: false, passedOver: expect.stringMatching(/示例值大多不符合格式.*B 列“医保编码”/) });
    expect(column('M')).toMatchObject({ header: '药品名称', hidden: true, passedOver: expect.stringMatching(/是隐藏列/) });
    expect(p.columns.filter((c) => c.hidden).map((c) => c.letter)).toEqual(['M']);
    // Not data: listed as 已忽略 with the row number, never errors.
    expect(p.ignored.map((r) => [r.sheet, r.row, r.label])).toEqual([
      ['西药', 10, '空行'],
      ['西药', 11, '合并单元格的说明或分组标题'],
      ['西药', 12, '合计行'],
      ['西药', 13, '制表、审核或打印信息行'],
    ]);
    expect(p.hiddenRows).toEqual([{ sheet: '西药', row: 6 }]);
    expect(p.hiddenRowsSkipped).toBe(false);
    expect(p.duplicates).toEqual([{ sheet: '西药', row: 7, sameAs: 4 }]);
    // The one error quotes the value and names the column by letter and header.
    expect(p.errors).toEqual([{ sheet: '西药', row: 8, column: 'F 列（最小包装数量）', reason: '“二十四”不是数字（最小包装数量：每个包装含多少最小单位）' }]);
    const warned = p.warnings.map((w) => `${w.sheet} ${w.row} ${w.column} ${w.reason}`);
    expect(warned).toEqual(
      expect.arrayContaining([
        '西药 7 整行 与第 4 行完全相同，只导入一次',
        expect.stringMatching(/^西药 5 E 列（注册规格） 单元格是日期 2026-01-05/),
        '西药 6 F 列（最小包装数量） “14粒”：去掉了单位“粒”（与最小单位相同）',
        '中成药 3 F 列（最小包装数量） “60片”：去掉了单位“片”（与最小单位相同）',
        '西药 6 K 列（甲乙类） “乙类(限工伤)”：括号中的“限工伤”未导入',
      ]),
    );
    expect(p.warningCount).toBe(p.warnings.length);
    expect(drugs()).toEqual([]);
  });

  it('imports the clean rows of both sheets, the duplicate once, values as a person meant them; hidden rows skipped on request', async () => {
    const file = fixture('catalog-dirty.xls');
    const p = await hub.admin.call('catalog.importPreview', { file });
    const result = await hub.admin.call('catalog.importCommit', { file, mapping: p.mapping, mode: 'cleanRowsOnly' });
    expect(result).toMatchObject({ created: 6, skippedRows: 1, errorCount: 1 });
    expect(drugs()).toEqual([
      { code: 'XA02BCA211A001010101445', name: '奥美拉唑肠溶胶囊', spec: '20mg', packSize: 14, ins: 'B', price: 9_800_000, approvalNo: null },
      { code: 'XJ01CAA040A001010101445', name: '阿莫西林胶囊', spec: '0.25g', packSize: 24, ins: 'A', price: 12_500_000, approvalNo: '国药准字H20003263' },
      // A date in 规格 is imported as shown, with the warning; "１２" and "１８.３" folded; "Ａ" is 甲类.
      { code: 'XJ01DCA013A001010101445', name: '头孢呋辛酯片', spec: '2026-01-05', packSize: 12, ins: 'A', price: 18_300_000, approvalNo: null },
      // LibreOffice saved the formula's result (12.42); "—" in 批准文号 is empty.
      { code: 'XJ01DDA063B001010101445', name: '注射用头孢曲松钠', spec: '1.0g', packSize: 1, ins: 'B', price: 12_420_000, approvalNo: null },
      { code: 'ZA01AAL0001010100001', name: '感冒清热颗粒', spec: '12g', packSize: 10, ins: 'A', price: 15_200_000, approvalNo: '国药准字Z20003263' },
      { code: 'ZA04BAA0002010100002', name: '复方丹参片', spec: '0.32g', packSize: 60, ins: 'B', price: 8_600_000, approvalNo: null },
    ]);

    const again = await createTestHub();
    try {
      const skip = await again.admin.call('catalog.importPreview', { file, skipHiddenRows: true });
      expect(skip).toMatchObject({ totalRows: 6, newCount: 5, hiddenRowsSkipped: true, hiddenRows: [{ sheet: '西药', row: 6 }] });
      await again.admin.call('catalog.importCommit', { file, mapping: skip.mapping, mode: 'cleanRowsOnly', skipHiddenRows: true });
      const codes = sql(again.runtime.app.readDb, 'SELECT nhsa_code AS code FROM drugs').all() as { code: string }[];
      expect(codes.map((c) => c.code)).not.toContain('XA02BCA211A001010101445');
      expect(codes).toHaveLength(5);
    } finally {
      await again.close();
    }
  });

  it('imports only the sheets the user picks, and says why the others were not', async () => {
    const p = await hub.admin.call('catalog.importPreview', { file: fixture('catalog-dirty.xls'), sheets: ['中成药'] });
    expect(p).toMatchObject({ sheet: '中成药', headerRow: 1, totalRows: 2, newCount: 2, errorRowCount: 0 });
    expect(p.sheets.find((s) => s.name === '西药')).toMatchObject({ taken: false, reason: '未选择' });
    await expect(hub.admin.call('catalog.importPreview', { file: fixture('catalog-dirty.xls'), sheets: ['药品'] })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: '工作簿中没有名为“药品”的工作表',
    });
  });
});

describe('catalog import: the same export in every format, read by content', () => {
  const cases = [
    // exceljs saves the formula without its result: an error saying so, not "不能为空".
    {
      name: 'catalog-dirty.xlsx',
      format: /\.xlsx/,
      sheets: ['西药', '中成药'],
      rows: 7,
      errors: ['F 列（最小包装数量）', 'L 列（集采前参考价(元/包装)）'],
      hidden: ['M'],
    },
    { name: 'catalog-dirty.ods', format: /\.ods/, sheets: ['西药', '中成药'], rows: 7, errors: ['F 列（最小包装数量）'], hidden: ['M'] },
    // CSV keeps one sheet, no hidden columns or rows; GBK found from the bytes.
    { name: 'catalog-dirty-gbk.csv', format: /CSV/, sheets: ['Sheet1'], rows: 5, errors: ['F 列（最小包装数量）'], hidden: [] },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.sheets.join('+')}, ${c.rows} rows, errors in ${c.errors.join(', ')}`, async () => {
      // Named .dat: the content decides, never the extension.
      const file = { ...fixture(c.name), filename: '目录.dat' };
      const p = await hub.admin.call('catalog.importPreview', { file });
      expect(p.format).toMatch(c.format);
      expect(p.sheets.filter((s) => s.taken).map((s) => s.name)).toEqual(c.sheets);
      expect(p.totalRows).toBe(c.rows);
      expect(p.errors.map((e) => e.column)).toEqual(c.errors);
      expect(p.columns.filter((col) => col.hidden).map((col) => col.letter)).toEqual(c.hidden);
      expect(p.ignored.map((r) => r.row)).toEqual([10, 11, 12, 13]);
      expect(p.duplicates.map((d) => [d.row, d.sameAs])).toEqual([[7, 4]]);
      if (c.name.endsWith('.csv')) expect(p.encoding).toBe('GB18030');
      if (c.name.endsWith('.xlsx')) expect(p.errors[1].reason).toMatch(/^公式“=ROUND\(13\.8\*0\.9,2\)”没有保存计算结果/);
    });
  }
});

describe('catalog import: 下载错误数据', () => {
  it('writes the failing rows as they were in the file, their columns in place, with 原行号 and 错误原因', async () => {
    const file = fixture('catalog-dirty.xlsx');
    const got = await hub.admin.call('catalog.importErrorsExport', { file });
    expect(got).toMatchObject({ filename: 'catalog-dirty-错误数据.xlsx', rows: 2 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(got.base64, 'base64') as unknown as ExcelJS.Buffer);
    // 中成药 has no failing row: only 西药.
    expect(wb.worksheets.map((w) => w.name)).toEqual(['西药']);
    const ws = wb.worksheets[0];
    const values = (r: number) => (ws.getRow(r).values as unknown[]).slice(1);
    expect(values(1)).toEqual([
      '药品编码',
      '医保编码',
      '注册名称',
      '注册剂型',
      '注册规格',
      '最小包装数量',
      '最小制剂单位',
      '最小包装单位',
      '药品企业',
      '批准文号',
      '甲乙类',
      '集采前参考价(元/包装)',
      '药品名称',
      '原行号',
      '错误原因',
    ]);
    const row8 = values(2);
    expect(row8.slice(0, 6)).toEqual(['H0005', 'XC08CAA001A001010101445', '硝苯地平缓释片(Ⅱ)', '片剂', '10mg', '二十四']);
    expect(row8[11]).toBe('1,000.5');
    expect(row8.slice(13)).toEqual([8, 'F 列（最小包装数量）：“二十四”不是数字（最小包装数量：每个包装含多少最小单位）']);
    const row9 = values(3);
    expect(row9[11]).toBe('=ROUND(13.8*0.9,2)');
    expect(row9[13]).toBe(9);
    expect(row9[14]).toMatch(/^L 列（集采前参考价\(元\/包装\)）：公式“=ROUND\(13\.8\*0\.9,2\)”没有保存计算结果/);
    expect(ws.rowCount).toBe(3);
  });
});

describe('catalog import: values as people type them (issue 18 item 7)', () => {
  const HEADER = [
    '药品代码',
    '注册名称',
    '商品名称',
    '注册剂型',
    '注册规格',
    '最小包装数量',
    '最小制剂单位',
    '最小包装单位',
    '药品企业',
    '批准文号',
    '甲乙类',
    '集采前参考价(元/包装)',
  ];
  const maker = '某药业有限公司';
  // Each row: code, name, trade name, form, spec, pack size, unit, pack unit, maker, approval no, class, price.
  const ROWS: (string | number | null)[][] = [
    ['ＸＪ01CAA040A001010101001', '维Ｃ银翘片Ⅱ', 'null', '片剂', '0.5g', '２４', '片', '盒', maker, '国药准字Ｈ20003263', 'Ａ', '１２.５'],
    ['XJ01CAA040A001010101002', 'µ-滴剂', '无', '滴剂', '10ml', '24.0', '瓶', '盒', maker, '—', '乙类(限工伤)', '1,234.5'],
    ['XJ01CAA040A001010101003', '阿莫西林胶囊', '—', '胶囊剂', '0.25g', '1,000', '粒', '瓶', maker, null, '医保甲类', '¥12.5'],
    ['XJ01CAA040A001010101004', '头孢呋辛酯片', null, '片剂', '0.25g', '24片', '片', '盒', maker, null, 'B', '12.5元'],
    ['xj01caa040a001010101005', '布洛芬缓释胶囊', null, '胶囊剂', '0.3g', '24粒/盒', '粒', '盒', maker, null, '甲', null],
    // A unit that is not the row's own: refused, quoting the value.
    ['XJ01CAA040A001010101006', '硝苯地平片', null, '片剂', '10mg', '24片', '粒', '盒', maker, null, '甲类', null],
  ];

  async function valuesFile() {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('目录');
    ws.addRow(HEADER);
    for (const r of ROWS) ws.addRow(r);
    return { filename: '目录.xlsx', base64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') };
  }

  it('reads full-width, thousands, ".0", own-unit suffixes, 甲乙类 forms and empty markers; names keep Ⅱ and µ', async () => {
    const file = await valuesFile();
    const p = await hub.admin.call('catalog.importPreview', { file });
    expect(p.errors).toEqual([
      { sheet: '目录', row: 7, column: 'F 列（最小包装数量）', reason: '“24片”中的单位“片”与最小单位“粒”不一致（最小包装数量：每个包装含多少最小单位）' },
    ]);
    const warned = p.warnings.map((w) => `${w.row} ${w.column} ${w.reason}`);
    expect(warned).toEqual(
      expect.arrayContaining([
        '5 F 列（最小包装数量） “24片”：去掉了单位“片”（与最小单位相同）',
        '6 F 列（最小包装数量） “24粒/盒”：去掉了“粒/盒”（与最小单位、包装单位相同）',
        '3 F 列（最小包装数量） “24.0”：去掉了末尾的“.0”',
        '4 F 列（最小包装数量） “1,000”：去掉了千位分隔符',
      ]),
    );
    await hub.admin.call('catalog.importCommit', { file, mapping: p.mapping, mode: 'cleanRowsOnly' });
    const rows = sql(
      hub.runtime.app.readDb,
      'SELECT nhsa_code AS code, generic_name AS name, trade_name AS trade, pack_size AS packSize, insurance_class AS ins, reference_price AS price, approval_no AS approvalNo FROM drugs ORDER BY nhsa_code',
    ).all();
    expect(rows).toEqual([
      { code: 'XJ01CAA040A001010101001', name: '维C银翘片Ⅱ', trade: null, packSize: 24, ins: 'A', price: 12_500_000, approvalNo: '国药准字H20003263' },
      { code: 'XJ01CAA040A001010101002', name: 'µ-滴剂', trade: null, packSize: 24, ins: 'B', price: 1_234_500_000, approvalNo: null },
      { code: 'XJ01CAA040A001010101003', name: '阿莫西林胶囊', trade: null, packSize: 1000, ins: 'A', price: 12_500_000, approvalNo: null },
      { code: 'XJ01CAA040A001010101004', name: '头孢呋辛酯片', trade: null, packSize: 24, ins: 'B', price: 12_500_000, approvalNo: null },
      { code: 'XJ01CAA040A001010101005', name: '布洛芬缓释胶囊', trade: null, packSize: 24, ins: 'A', price: null, approvalNo: null },
    ]);
  });
});
