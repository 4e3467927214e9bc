import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeCode, parseDateTimeText, parseDecimalText, parseWholeNumber } from '../../shared/sheet-values';
import {
  cellName,
  dataRows,
  dataRowsInSlices,
  findHeaderRow,
  limitsWith,
  mapColumns,
  planSheets,
  readFieldCell,
  readWorkbookData,
  Workbook,
  type CellRange,
  type FieldSpec,
} from '../../electron/lib/sheets';
import { KIND, WorkbookBuilder } from '../../electron/lib/sheets/model';

/** Header rows, column choice, several sheets, and the rows that are not data. */
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/sheets');
const read = async (name: string) => new Workbook(await readWorkbookData(fs.readFileSync(path.join(FIXTURES, name)), limitsWith()));

type CatalogField = 'nhsaCode' | 'genericName' | 'dosageForm' | 'spec' | 'packSize' | 'baseUnit' | 'packUnit' | 'insuranceClass' | 'vbpPrice';
const isNhsaCode = (_: unknown, t: string) => /^[XZ][A-Z0-9]{5,49}$/.test(normalizeCode(t).ok ? (normalizeCode(t) as { value: string }).value : '');
const CATALOG: FieldSpec<CatalogField>[] = [
  {
    field: 'nhsaCode',
    label: '医保药品编码',
    national: ['药品代码', '医保药品编码'],
    aliases: ['医保编码', '药品编码'],
    validate: isNhsaCode,
    expects: 'code',
    required: true,
  },
  { field: 'genericName', label: '通用名', national: ['注册名称'], aliases: ['通用名', '药品名称'], expects: 'text', required: true },
  { field: 'dosageForm', label: '剂型', national: ['注册剂型'], aliases: ['剂型'], expects: 'text' },
  { field: 'spec', label: '规格', national: ['注册规格'], aliases: ['规格'], expects: 'text' },
  { field: 'packSize', label: '包装数量', national: ['最小包装数量'], aliases: ['包装数量'], validate: (v) => parseWholeNumber(v).ok, expects: 'number' },
  { field: 'baseUnit', label: '最小单位', national: ['最小制剂单位'], aliases: ['最小单位'], expects: 'text' },
  { field: 'packUnit', label: '包装单位', national: ['最小包装单位'], aliases: ['包装单位'], expects: 'text' },
  { field: 'insuranceClass', label: '甲乙类', national: ['甲乙类'], aliases: ['医保类别'] },
  { field: 'vbpPrice', label: '中选价格', national: ['中选价格'], aliases: ['中选价'], validate: (v) => parseDecimalText(v).ok, expects: 'number' },
];

/** A one-sheet workbook from rows of cells (null = empty), for the cases no fixture needs to carry. */
function sheetOf(rows: (string | number | null)[][], extra: { hiddenRows?: number[]; hiddenColumns?: number[]; merges?: CellRange[] } = {}) {
  const b = new WorkbookBuilder();
  const columns = Math.max(...rows.map((r) => r.length));
  const sheet = b.sheet('表1', false, rows.length, columns);
  rows.forEach((r, i) => r.forEach((v, c) => v !== null && b.set(sheet, i + 1, c + 1, typeof v === 'number' ? KIND.number : KIND.text, v)));
  Object.assign(sheet, { hiddenRows: extra.hiddenRows ?? [], hiddenColumns: extra.hiddenColumns ?? [], merges: extra.merges ?? [] });
  return new Workbook(b.finish({ format: 'xlsx', encoding: null, delimiter: null, notes: [] }, [sheet])).sheets[0];
}

describe('the header row', () => {
  it('is found below a merged title banner and an export-time line, in every format', async () => {
    for (const name of ['catalog.xlsx', 'catalog.xls', 'catalog.ods', 'catalog-html.xls']) {
      const header = findHeaderRow((await read(name)).sheets[0], CATALOG);
      expect([name, header?.row, header?.fieldCount]).toEqual([name, 3, 9]);
    }
  });

  it('is found below a temperature logger’s device lines', async () => {
    const specs: FieldSpec[] = [
      { field: 'at', label: '时间', aliases: ['时间', '记录时间'], expects: 'datetime' },
      { field: 'temperature', label: '温度', aliases: ['温度', '温度℃'] },
      { field: 'humidity', label: '湿度', aliases: ['湿度', '湿度%RH'] },
    ];
    const s = (await read('temperature-logger.csv')).sheets[0];
    const header = findHeaderRow(s, specs)!;
    expect(header.row).toBe(3);
    const mapping = mapColumns(s, header, specs);
    expect(mapping.columns).toEqual({ at: 1, temperature: 2, humidity: 3 });
    expect(
      dataRows(s, mapping)
        .rows.map((r) => parseDateTimeText(s.value(r, 1)))
        .map((p) => p.ok && p.value),
    ).toEqual(['2026-03-01 08:00:00', '2026-03-01 08:30:00', '2026-03-01 09:00:00']);
  });

  it('needs at least two known column names', () => {
    expect(findHeaderRow(sheetOf([['药品代码', '备注']]), CATALOG)).toBeNull();
    expect(findHeaderRow(sheetOf([['药品代码', '备注']]), CATALOG, { minFields: 1 })?.row).toBe(1);
  });
});

describe('choosing the column for a field', () => {
  it('takes the NHSA code column, not the HIS’s own 药品编码, and the visible name column, not the hidden one', async () => {
    const s = (await read('catalog.xlsx')).sheets[0];
    const mapping = mapColumns(s, findHeaderRow(s, CATALOG)!, CATALOG);
    expect({ ...mapping.columns }).toEqual({
      nhsaCode: 2,
      genericName: 3,
      dosageForm: 4,
      spec: 5,
      packSize: 6,
      baseUnit: 7,
      packUnit: 8,
      insuranceClass: 10,
      vbpPrice: 11,
    });
    const code = mapping.choices.find((c) => c.field === 'nhsaCode')!;
    expect(code.passedOver.map((p) => [p.col, p.why])).toEqual([[1, '示例值大多不符合格式（0% 符合），已选用 B 列“药品代码”']]);
    const name = mapping.choices.find((c) => c.field === 'genericName')!;
    expect(name.passedOver.map((p) => [p.col, p.hidden, p.why])).toEqual([[9, true, '是隐藏列，已选用显示的 C 列“注册名称”']]);
    expect(mapping.hiddenColumns.map((h) => [h.col, h.text])).toEqual([[9, '药品名称']]);
    expect([mapping.missingRequired, mapping.unknown]).toEqual([[], []]);
  });

  it('prefers, in order: values that validate, a visible column, a national header, the leftmost', () => {
    const codes = (h1: string, h2: string, v1: string, v2: string, hidden: number[] = []) => {
      const s = sheetOf(
        [
          [h1, h2, '注册名称'],
          [v1, v2, '阿莫西林胶囊'],
          [v1, v2, '头孢呋辛酯片'],
        ],
        { hiddenColumns: hidden },
      );
      return mapColumns(s, findHeaderRow(s, CATALOG)!, CATALOG).columns.nhsaCode;
    };
    const NHSA = 'XJ01CAA040A001010101445';
    // The case: 药品编码 (the hospital's code) is first, 医保编码 holds the NHSA codes.
    expect(codes('药品编码', '医保编码', 'YP0001', NHSA)).toBe(2);
    // Both validate: the national header wins over a local one, wherever it is.
    expect(codes('医保编码', '药品代码', NHSA, NHSA)).toBe(2);
    // A hidden national column loses to a visible local one.
    expect(codes('药品代码', '医保编码', NHSA, NHSA, [1])).toBe(2);
    // All else equal, the leftmost.
    expect(codes('医保编码', '药品编码', NHSA, NHSA)).toBe(1);
  });

  it('maps national NHSA field codes and Chinese headers alike (settlement details)', () => {
    const specs: FieldSpec[] = [
      { field: 'listCode', label: '医保目录编码', national: ['med_list_codg'], aliases: ['医保目录编码', '医保编码'], required: true },
      { field: 'qty', label: '数量', national: ['cnt'], aliases: ['数量'] },
      { field: 'price', label: '单价', national: ['pric'], aliases: ['单价'] },
      { field: 'settlementId', label: '结算ID', national: ['setl_id'], aliases: ['结算ID', '结算流水号'], required: true },
    ];
    const national = sheetOf([
      ['setl_id', 'MED_LIST_CODG', 'cnt', 'pric'],
      ['S1', 'XJ01', 2, 3.5],
    ]);
    expect({ ...mapColumns(national, findHeaderRow(national, specs)!, specs).columns }).toEqual({ settlementId: 1, listCode: 2, qty: 3, price: 4 });
    const chinese = sheetOf([
      ['结算流水号', '医保目录编码', '数量', '单价'],
      ['S1', 'XJ01', 2, 3.5],
    ]);
    expect({ ...mapColumns(chinese, findHeaderRow(chinese, specs)!, specs).columns }).toEqual({ settlementId: 1, listCode: 2, qty: 3, price: 4 });
    const partial = sheetOf([
      ['医保编码', '数量'],
      ['XJ01', 2],
    ]);
    expect(mapColumns(partial, findHeaderRow(partial, specs)!, specs).missingRequired).toEqual(['settlementId']);
  });

  it('refuses a 20-digit box code that Excel stored as a number (carton → box files)', () => {
    const specs: FieldSpec[] = [
      { field: 'carton', label: '大码', aliases: ['大码', '箱码'], validate: (v) => normalizeCode(v).ok, expects: 'code' },
      { field: 'box', label: '小码', aliases: ['小码', '盒码'], validate: (v) => normalizeCode(v).ok, expects: 'code' },
    ];
    const s = sheetOf([
      ['箱码', '盒码'],
      // biome-ignore lint/correctness/noPrecisionLoss: a 20-digit code as Excel stores it: the precision loss is what the test is about
      ['81234567890123456789', 81234567890123456789],
    ]);
    const mapping = mapColumns(s, findHeaderRow(s, specs)!, specs);
    expect(normalizeCode(s.value(2, mapping.columns.carton!))).toEqual({ ok: true, value: '81234567890123456789', notes: [] });
    expect(normalizeCode(s.value(2, mapping.columns.box!))).toMatchObject({ ok: false, reason: expect.stringContaining('超过 15 位数字') });
  });
});

describe('several sheets', () => {
  it('takes every visible sheet with the same header set, and says why each other sheet was left out', async () => {
    for (const name of ['catalog.xlsx', 'catalog.xls', 'catalog.ods']) {
      const plan = planSheets(await read(name), CATALOG);
      expect(plan.taken.map((t) => [t.sheet.name, t.header.row, t.mapping.columns.nhsaCode])).toEqual([
        ['西药', 3, 2],
        ['中成药', 1, 1], // same headers in another order: its own mapping
      ]);
      expect(plan.sheets.map((s) => [s.name, s.taken, s.reason])).toEqual([
        ['西药', true, null],
        ['中成药', true, null],
        ['说明', false, '前 30 行中没有找到表头（至少 2 个可识别的列名）'],
        ['停用药品', false, '隐藏的工作表（需要时可以选择导入）'],
        [
          '医保类别',
          false,
          '表头与“西药”不同：缺少“药品编码”、“注册剂型”、“注册规格”、“最小包装数量”、“最小制剂单位”、“最小包装单位”、“药品名称”、“中选价格(元/包装)”，多出“备注”',
        ],
      ]);
    }
  });

  it('takes exactly the sheets the user picks', async () => {
    const plan = planSheets(await read('catalog.xlsx'), CATALOG, { chosen: ['停用药品', '说明'] });
    expect(plan.taken.map((t) => t.sheet.name)).toEqual(['停用药品']);
    expect(plan.sheets.filter((s) => !s.taken).map((s) => [s.name, s.reason])).toEqual([
      ['西药', '未选择'],
      ['中成药', '未选择'],
      ['说明', '前 30 行中没有找到表头（至少 2 个可识别的列名）'],
      ['医保类别', '未选择'],
    ]);
  });
});

describe('rows that are not data', () => {
  it.each(['catalog.xlsx', 'catalog.xls', 'wps-biff.et', 'catalog.ods'])(
    '%s: blank, merged note, 合计 and signature rows are ignored with the reason; the hidden row and the duplicate are reported',
    async (name) => {
      const s = (await read(name)).sheets[0];
      const mapping = mapColumns(s, findHeaderRow(s, CATALOG)!, CATALOG);
      const found = dataRows(s, mapping);
      expect(found.rows).toEqual([4, 5, 6, 8, 9]); // 9 is 注射用头孢曲松钠: a drug, not a note
      expect(found.ignored.map((i) => [i.row, i.reason, i.label, i.text])).toEqual([
        [10, 'blank', '空行', ''],
        [11, 'merged-note', '合并单元格的说明或分组标题', '注：本表由 HIS 导出，价格单位为元。'],
        [12, 'total', '合计行', '合计 62.35'],
        [13, 'signature', '制表、审核或打印信息行', '制表人：张三 审核人：李四 打印日期：2026-03-01'],
      ]);
      expect(found.hiddenRows).toEqual([6]);
      expect(found.duplicates).toEqual([{ row: 7, sameAs: 4 }]);
      expect(dataRows(s, mapping, { skipHidden: true }).rows).toEqual([4, 5, 8, 9]);
      expect(dataRows(s, mapping, { keepDuplicates: true }).rows).toEqual([4, 5, 6, 7, 8, 9]);
    },
  );

  it('the HTML export (no hidden row in it) gives the same rows, numbered as in the page', async () => {
    const s = (await read('catalog-html-gbk.xls')).sheets[0];
    const found = dataRows(s, mapColumns(s, findHeaderRow(s, CATALOG)!, CATALOG));
    expect(found.rows).toEqual([4, 5, 7, 8]);
    expect(found.duplicates).toEqual([{ row: 6, sameAs: 4 }]);
    expect(found.ignored.map((i) => [i.row, i.reason])).toEqual([
      [9, 'blank'],
      [10, 'merged-note'],
      [11, 'total'],
      [12, 'signature'],
    ]);
  });

  it('ignores a header repeated for printing, a page subtotal and a note, but not a data row that starts with 注射', async () => {
    const s = sheetOf([
      ['药品代码', '注册名称', '最小包装数量'],
      ['XJ01CAA040A001010101445', '阿莫西林胶囊', 24],
      ['药品代码', '注册名称', '最小包装数量'],
      ['本页小计', null, 24],
      ['注射用头孢曲松钠', '注射用头孢曲松钠', 1],
      ['备注：以上价格含税', null, null],
      ['说明', null, null],
    ]);
    const found = dataRows(s, mapColumns(s, findHeaderRow(s, CATALOG)!, CATALOG));
    // A lone 说明 with nothing to say it is a note stays data: the importer reports what is missing.
    expect(found.rows).toEqual([2, 5, 7]);
    expect(found.ignored.map((i) => [i.row, i.reason])).toEqual([
      [3, 'repeated-header'],
      [4, 'total'],
      [6, 'note'],
    ]);
  });

  it('calls a row a duplicate only when every cell is the same', () => {
    const s = sheetOf([
      ['药品代码', '注册名称', '最小包装数量', '中选价格'],
      ['XJ01', '阿莫西林胶囊', 24, 12.5],
      ['XJ01', '阿莫西林胶囊', 24, 12.5],
      ['XJ01', '阿莫西林胶囊', 24, 12.6],
      ['XJ01', '阿莫西林胶囊', '24', 12.5],
      ['XJ01', '阿莫西林胶囊', 24, 12.5, '备注'],
      ['XJ01', '阿莫西林胶囊', 24, 12.5],
    ]);
    const found = dataRows(s, mapColumns(s, findHeaderRow(s, CATALOG)!, CATALOG));
    expect(found.duplicates).toEqual([
      { row: 3, sameAs: 2 },
      { row: 7, sameAs: 2 },
    ]);
    expect(found.rows).toEqual([2, 4, 5, 6]);
  });

  it('gives the same answer when it yields to the event loop between slices', async () => {
    const s = (await read('catalog.xlsx')).sheets[0];
    const mapping = mapColumns(s, findHeaderRow(s, CATALOG)!, CATALOG);
    expect(await dataRowsInSlices(s, mapping, { sliceMs: 0 })).toEqual(dataRows(s, mapping));
  });
});

describe('reading a cell for a field', () => {
  it('says that a formula has no saved result instead of calling the cell empty', async () => {
    const s = (await read('catalog.xlsx')).sheets[0];
    expect(readFieldCell(s, 8, 11, CATALOG[8])).toEqual({
      value: null,
      text: '',
      kind: 'formula-without-result',
      problem: '公式“=ROUND(13.8*0.9,2)”没有保存计算结果：请在 Excel 或 WPS 中打开文件、保存后再导入',
      warning: null,
    });
  });

  it('warns about a date that landed in a text column, and only there', async () => {
    const s = (await read('catalog.xls')).sheets[0];
    expect(readFieldCell(s, 5, 5, { expects: 'text' })).toMatchObject({
      kind: 'date',
      value: '2026-01-05',
      warning: '单元格是日期 2026-01-05：可能是 Excel 把输入的内容自动改成了日期，请核对',
    });
    expect(readFieldCell(s, 5, 5, { expects: 'date' }).warning).toBeNull();
    expect(readFieldCell(s, 4, 5, { expects: 'text' })).toMatchObject({ kind: 'text', value: '0.25g', problem: null, warning: null });
  });

  it('names a cell by row, column letter and header', () => {
    expect(cellName(5, 5, '注册规格')).toBe('第 5 行 E 列（注册规格）');
    expect(cellName(12, 28)).toBe('第 12 行 AB 列');
  });
});

describe('every value form of the issue, read from a file', () => {
  it('values.csv: each row read as the person meant, or refused quoting the value', async () => {
    const s = (await read('values.csv')).sheets[0];
    const specs: FieldSpec[] = [
      { field: 'packSize', label: '包装数量', national: ['最小包装数量'] },
      { field: 'unit', label: '最小单位', national: ['最小制剂单位'] },
      { field: 'pack', label: '包装单位', national: ['最小包装单位'] },
      { field: 'price', label: '中选价格', national: ['中选价格'] },
    ];
    const m = mapColumns(s, findHeaderRow(s, specs)!, specs).columns;
    const results = dataRows(s, mapColumns(s, findHeaderRow(s, specs)!, specs)).rows.map((r) => {
      const n = parseWholeNumber(s.value(r, m.packSize!), { unit: s.text(r, m.unit!), packUnit: s.text(r, m.pack!) });
      const p = parseDecimalText(s.value(r, m.price!));
      return [s.text(r, 1), n.ok ? n.value : n.reason, p.ok ? p.value : p.reason];
    });
    expect(results).toEqual([
      ['全角数字', 24, '12.5'],
      ['小数点零', 24, '12.50'],
      ['千位分隔', 1000, '1234.5'],
      ['带单位', 24, '12.5'],
      ['带包装', 24, '12.5'],
      ['单位不符', '“24片”中的单位“片”与最小单位“粒”不一致', null],
      ['空值', null, null],
    ]);
  });
});
