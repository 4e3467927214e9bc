import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { limitsWith, type SheetLimits } from '../../electron/lib/sheets/limits';
import { Workbook, type Sheet } from '../../electron/lib/sheets/model';
import { readWorkbookData, serialToText } from '../../electron/lib/sheets/read';

/** Reading every format by its content (fixtures: tests/fixtures/sheets/make.mjs says how each was made). */
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/sheets');
const bytesOf = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const read = async (name: string, limits: Partial<SheetLimits> = {}) => new Workbook(await readWorkbookData(bytesOf(name), limitsWith(limits)));
const refusal = (name: string | Uint8Array, limits: Partial<SheetLimits> = {}) =>
  readWorkbookData(typeof name === 'string' ? bytesOf(name) : name, limitsWith(limits)).then(
    () => null,
    (e: { reason?: string; message: string; appCode?: string }) => ({ reason: e.reason, message: e.message, appCode: e.appCode }),
  );

/** A row's cells as [kind, value] for the columns given (1 = A). */
const cells = (s: Sheet, row: number, cols: number[]) => cols.map((c) => [s.kind(row, c), s.value(row, c)]);

const WORKBOOKS = ['catalog.xlsx', 'catalog.xls', 'wps-biff.et', 'wps-ooxml.et', 'catalog.ods'] as const;

describe('workbooks written by LibreOffice, exceljs and WPS-style renames', () => {
  it.each([
    ['catalog.xlsx', 'xlsx'],
    ['catalog.xls', 'xls'],
    ['wps-biff.et', 'xls'],
    ['wps-ooxml.et', 'xlsx'],
    ['catalog.ods', 'ods'],
    ['spreadsheetml-2003.xls', 'xlml'],
    ['catalog-html.xls', 'html'],
    ['catalog-html-gbk.xls', 'html'],
    ['catalog-gbk.csv', 'csv'],
  ])('%s is read as %s, whatever its name says', async (name, format) => {
    expect((await read(name)).format).toBe(format);
  });

  it.each(WORKBOOKS)('%s: every sheet, the hidden one marked', async (name) => {
    const wb = await read(name);
    expect(wb.sheets.map((s) => [s.name, s.hidden])).toEqual([
      ['西药', false],
      ['中成药', false],
      ['说明', false],
      ['停用药品', true],
      ['医保类别', false],
    ]);
  });

  it.each(WORKBOOKS)('%s: hidden row and column, merged title and note, last row with content', async (name) => {
    const s = (await read(name)).sheets[0];
    expect([s.rowCount, s.columnCount]).toEqual([13, 11]);
    expect(s.hiddenRows).toEqual([6]);
    expect(s.hiddenColumns).toEqual([9]);
    expect(s.merges).toEqual([
      { firstRow: 1, lastRow: 1, firstCol: 1, lastCol: 11 },
      { firstRow: 11, lastRow: 11, firstCol: 1, lastCol: 11 },
    ]);
    expect(s.isRowHidden(6)).toBe(true);
    expect(s.isColumnHidden(9)).toBe(true);
    expect(s.mergeAt(11, 5)).toEqual(s.merges[1]);
  });

  it.each(WORKBOOKS)('%s: cells as the user sees them: text with leading zeros, numbers, a date as YYYY-MM-DD', async (name) => {
    const s = (await read(name)).sheets[0];
    expect(cells(s, 4, [1, 2, 5, 6, 11])).toEqual([
      ['text', '00123'],
      ['text', 'XJ01CAA040A001010101445'],
      ['text', '0.25g'],
      ['number', 24],
      ['number', 12.5],
    ]);
    expect(cells(s, 5, [5])).toEqual([['date', '2026-01-05']]);
    expect(s.text(5, 5)).toBe('2026-01-05');
    expect(s.text(4, 6)).toBe('24');
  });

  it('marks a formula saved without its result as such, never as 0 or blank (xlsx, and the WPS .et saved as OOXML)', async () => {
    for (const name of ['catalog.xlsx', 'wps-ooxml.et']) {
      const s = (await read(name)).sheets[0];
      expect(s.kind(8, 11)).toBe('formula-without-result');
      expect(s.value(8, 11)).toBeNull();
      expect(s.formula(8, 11)).toBe('ROUND(13.8*0.9,2)');
    }
    // LibreOffice computed and saved the result when it wrote the .xls and .ods: those cells are numbers.
    for (const name of ['catalog.xls', 'catalog.ods']) expect(cells((await read(name)).sheets[0], 8, [11])).toEqual([['number', 12.42]]);
  });

  it('reads SpreadsheetML 2003 (HIS exports named .xls): hidden row, column and sheet, merge, typed cells, a date', async () => {
    const wb = await read('spreadsheetml-2003.xls');
    expect(wb.sheets.map((s) => [s.name, s.hidden])).toEqual([
      ['目录', false],
      ['备用', true],
    ]);
    const s = wb.sheets[0];
    expect([s.hiddenRows, s.hiddenColumns, s.merges]).toEqual([[4], [3], [{ firstRow: 1, lastRow: 1, firstCol: 1, lastCol: 4 }]]);
    expect(cells(s, 3, [1, 4])).toEqual([
      ['text', '00123'],
      ['number', 24],
    ]);
    expect(cells(s, 5, [4])).toEqual([['date', '2026-01-05']]);
  });
});

describe('date cells, by arithmetic on the serial (no time zone can move them)', () => {
  it.each([
    [46027, 'yyyy/m/d', false, '2026-01-05'],
    [46027 - 1462, 'yyyy/m/d', true, '2026-01-05'],
    [46027.375, 'yyyy-mm-dd hh:mm', false, '2026-01-05 09:00:00'],
    [46027.99999999, 'yyyy-mm-dd', false, '2026-01-05'],
    [46027.99999999, 'yyyy-mm-dd hh:mm:ss', false, '2026-01-06 00:00:00'],
    [0.5, 'h:mm', false, '12:00:00'],
    [46027, '[$-804]yyyy"年"m"月"d"日"', false, '2026-01-05'],
    [46027, 'm"月"d"日"', false, '2026-01-05'],
    [59, 'yyyy-mm-dd', false, '1900-02-28'],
    [61, 'yyyy-mm-dd', false, '1900-03-01'],
  ])('%s in %j (1904: %s) → %s', (serial, format, date1904, text) => {
    expect(serialToText(serial, format, date1904)).toBe(text);
  });
});

describe('HTML saved as .xls', () => {
  it.each([
    ['catalog-html.xls', 'UTF-8'],
    ['catalog-html-gbk.xls', 'GB18030'],
  ])('%s: decoded as %s before parsing, every cell kept as the text of the page', async (name, encoding) => {
    const wb = await read(name);
    expect(wb.encoding).toBe(encoding);
    // LibreOffice names the tables in its headings; the hidden sheet and row are not in the export at all.
    expect(wb.sheets.map((s) => [s.name, s.hidden])).toEqual([
      ['西药', null],
      ['中成药', null],
      ['说明', null],
      ['医保类别', null],
    ]);
    const s = wb.sheets[0];
    expect(s.text(1, 1)).toBe('三统乡镇卫生院 药品目录（西药）');
    expect(cells(s, 4, [1, 3, 6])).toEqual([
      ['text', '00123'],
      ['text', '阿莫西林胶囊'],
      ['text', '24'],
    ]);
    expect(wb.notes).toEqual(['网页格式的表格不记录隐藏的行、列和工作表：另存为网页时隐藏的内容通常已不在文件中']);
  });

  it('would be mojibake if the GBK page were handed to SheetJS as bytes (why it is decoded first)', async () => {
    const XLSX = await import('@e965/xlsx');
    const wb = XLSX.read(bytesOf('catalog-html-gbk.xls'), { type: 'buffer', dense: true });
    const first = (wb.Sheets[wb.SheetNames[0]]['!data'] as { v: unknown }[][])[0][0].v;
    expect(first).not.toBe('三统乡镇卫生院 药品目录（西药）');
  });
});

describe('CSV and text', () => {
  const HEADER = ['药品编码', '药品代码', '注册名称', '注册规格', '最小包装数量', '最小制剂单位', '药品企业', '中选价格(元/包装)'];
  const rowTexts = (s: Sheet, row: number) => Array.from({ length: s.columnCount }, (_, i) => s.text(row, i + 1));

  it.each([
    ['catalog-utf8.csv', 'UTF-8', ',', 4],
    ['catalog-utf8-bom.csv', 'UTF-8 BOM', ',', 4],
    ['catalog-gbk.csv', 'GB18030', ',', 3],
    ['catalog-gb18030.csv', 'GB18030', ',', 4],
    ['catalog-semicolon.csv', 'UTF-8', ';', 4],
    ['catalog-tab.txt', 'UTF-16LE', '\t', 4],
  ])('%s: encoding %s and delimiter %j found from the bytes; every field kept as text', async (name, encoding, delimiter, rows) => {
    const wb = await read(name);
    expect([wb.format, wb.encoding, wb.delimiter, wb.sheets.length]).toEqual(['csv', encoding, delimiter, 1]);
    const s = wb.sheets[0];
    expect(s.rowCount).toBe(rows);
    expect(rowTexts(s, 1)).toEqual(HEADER);
    expect(cells(s, 2, [1, 5, 7, 8])).toEqual([
      ['text', '00123'],
      ['text', '24'],
      ['text', '石药集团, 欧意药业'],
      ['text', '12.5'],
    ]);
    expect(s.text(3, 7)).toBe('某药业\n（分厂）');
    expect(s.text(3, 8)).toBe('18.30');
    if (rows === 4) expect(s.text(4, 7)).toBe('刘䶮制药'); // a GB18030 four-byte character
  });

  it('keeps a logger’s device lines above its header, and its date-times as written', async () => {
    const s = (await read('temperature-logger.csv')).sheets[0];
    expect(rowTexts(s, 3)).toEqual(['时间', '温度(℃)', '湿度(%RH)']);
    expect(rowTexts(s, 6)).toEqual(['2026/3/1 9:00', '9.1', '48']);
  });

  it('evaluates nothing and keeps Excel’s ="00123" text trick as the text it shows', async () => {
    const csv = Buffer.from('编码,公式\r\n="00123",=1+2\r\n"=""007""",=cmd|\' /C calc\'!A0\r\n');
    const s = new Workbook(await readWorkbookData(csv, limitsWith())).sheets[0];
    expect(rowTexts(s, 2)).toEqual(['00123', '=1+2']);
    expect(rowTexts(s, 3)).toEqual(['007', "=cmd|' /C calc'!A0"]);
    expect(s.kind(2, 2)).toBe('text');
  });
});

describe('files that are not spreadsheets, or are hostile, are refused with a reason and a code', () => {
  it.each([
    ['renamed-exe.xls', 'EXECUTABLE', 'UNSUPPORTED_MEDIA_TYPE', '这是一个 Windows 程序（.exe/.dll），不是表格文件，已拒绝读取。请勿打开来历不明的文件'],
    ['zip-bomb.xlsx', 'ZIP_BOMB', 'PAYLOAD_TOO_LARGE', '文件解压后过大（“xl/worksheets/sheet1.xml”压缩比 1029:1），不像是正常的表格文件，已拒绝读取'],
    ['encrypted.xlsx', 'ENCRYPTED', 'VALIDATION', '文件设置了打开密码（已加密），无法读取：请在 Excel 或 WPS 中取消密码后另存，再导入'],
    ['word-renamed.xlsx', 'NOT_A_SPREADSHEET', 'UNSUPPORTED_MEDIA_TYPE', '这是一份 Word 文档（.docx），不是表格：请导入 Excel、WPS 表格或 CSV 文件'],
  ])('%s → %s', async (name, reason, appCode, message) => {
    expect(await refusal(name)).toEqual({ reason, appCode, message });
  });

  it('refuses an empty file, a file past the size limit, a PDF and binary data', async () => {
    expect(await refusal(new Uint8Array(0))).toMatchObject({ reason: 'EMPTY' });
    expect(await refusal(Buffer.alloc(6 * 1024 * 1024, 0x61), { maxFileBytes: 5 * 1024 * 1024 })).toEqual({
      reason: 'TOO_LARGE',
      appCode: 'PAYLOAD_TOO_LARGE',
      message: '文件有 6 MB，超过了 5 MB 的上限：请删去不需要的工作表，或分成几个文件导入',
    });
    expect(await refusal(Buffer.from('%PDF-1.7\n…'))).toMatchObject({ reason: 'NOT_A_SPREADSHEET', message: expect.stringContaining('PDF') });
    expect(await refusal(Buffer.from([0x01, 0x02, 0x00, 0x03, 0x41]))).toMatchObject({
      reason: 'NOT_A_SPREADSHEET',
      message: expect.stringContaining('二进制'),
    });
  });

  it('measures what a zip inflates to instead of trusting its directory', async () => {
    // The directory says 100 bytes; the entry inflates to 40 MB. Only the measured size is refused.
    const big = zlib.deflateRawSync(Buffer.alloc(40 * 1024 * 1024, 0x20));
    const bomb = zipOf([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>'), claimed: 8 },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>'), claimed: 11 },
      { name: 'xl/worksheets/sheet1.xml', deflated: big, claimed: 100 },
    ]);
    expect(await refusal(bomb, { maxUnzippedBytes: 30 * 1024 * 1024, maxCompressionRatio: 1e9 })).toMatchObject({
      reason: 'ZIP_BOMB',
      message: expect.stringContaining('超过 30 MB'),
    });
  });

  it('refuses more cells, rows or sheets than the limits allow, before converting them', async () => {
    expect(await refusal('catalog.xlsx', { maxCells: 100 })).toMatchObject({
      reason: 'TOO_MANY_CELLS',
      message: expect.stringContaining('工作表“西药”有 13 行 × 11 列'),
    });
    expect(await refusal('catalog.xls', { maxRows: 10 })).toMatchObject({
      reason: 'TOO_MANY_CELLS',
      message: '工作表“西药”超过 10 行，超过了上限：请分成几个文件导入',
    });
    expect(await refusal('catalog.ods', { maxSheets: 3 })).toMatchObject({ reason: 'TOO_MANY_CELLS', message: '工作簿有 5 张工作表，超过了 3 张的上限' });
    expect(await refusal('catalog-utf8.csv', { maxRows: 2 })).toMatchObject({ reason: 'TOO_MANY_CELLS' });
  });

  it('keeps a sheet named __proto__ a name (no prototype pollution through sheet names or cells)', async () => {
    const html = Buffer.from('<html><body><h1>Sheet 1: <em>__proto__</em></h1><table><tr><td>__proto__</td><td>constructor</td></tr></table></body></html>');
    const wb = new Workbook(await readWorkbookData(html, limitsWith()));
    expect(wb.sheets.map((s) => s.name)).toEqual(['__proto__']);
    expect(wb.sheets[0].text(1, 1)).toBe('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('the floor', () => {
  it('lib/sheets imports only itself, shared/, Node and npm packages: nothing of electron/ above it', () => {
    const dir = path.resolve(import.meta.dirname, '../../electron/lib/sheets');
    const offenders = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)]
          .map((m) => m[1])
          .filter((spec) => spec.startsWith('.') && !spec.startsWith('./') && !spec.startsWith('../../../shared/'))
          .map((spec) => `${f} → ${spec}`),
      );
    expect(offenders).toEqual([]);
  });
});

/** A zip whose central directory claims the sizes given (the local headers too): for the lying-directory test. */
function zipOf(entries: { name: string; data?: Buffer; deflated?: Buffer; claimed: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = e.deflated ?? zlib.deflateRawSync(e.data!);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(e.claimed, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(e.claimed, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
