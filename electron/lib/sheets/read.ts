// SheetJS Community Edition 0.20.3, republished unchanged to npm by @e965/xlsx from the official git tag (the
// `xlsx` name on npm stopped at 0.18.5; SheetJS now publishes only on its own CDN). 0.20.3 is past
// CVE-2023-30533 (prototype pollution, fixed in 0.19.3) and CVE-2024-22363 (ReDoS, fixed in 0.20.2); its
// xlsx.js is byte-identical to the CDN build that xlsx-republish mirrors. Not @lokalise/xlsx "0.20.3" (really
// 0.20.1), not node-xlsx (installs from the CDN). Pinned exactly in package.json; used only to read, exceljs
// stays the writer.
import type * as SheetJS from '@e965/xlsx';
import { detectDelimiter, parseDelimited } from './csv';
import { refuse, SheetFileRefused } from './errors';
import type { SheetLimits } from './limits';
import { KIND, WorkbookBuilder, type CellRange, type SheetData, type WorkbookData } from './model';
import { expandRanges, odsVisibility, type OdsVisibility } from './ods';
import { decodeText, sniffContainer } from './sniff';
import { checkZipSizes, readZipEntry, zipEntries, zipKind } from './zip';

export type ReadPhase = 'checking' | 'reading' | 'converting' | 'receiving';

export interface ReadProgress {
  phase: ReadPhase;
  /** The sheet being converted. */
  sheet?: string;
  done?: number;
  total?: number;
}

export type ProgressListener = (p: ReadProgress) => void;

/**
 * SheetJS, loaded by the first read: loading it costs about a quarter of a second of CPU, which every start of the
 * server paid before any file was read (start_ms). Reads run on lib/sheets' worker, which loads it once.
 */
let XLSX: typeof SheetJS;
async function loadSheetJS(): Promise<void> {
  XLSX ??= await import('@e965/xlsx');
}

type Cell = SheetJS.CellObject & { f?: string };

/** SheetJS prints format warnings with console.*; a hostile file must not fill the hub's log. */
function quietly<T>(read: () => T): T {
  const saved = { log: console.log, warn: console.warn, error: console.error };
  console.log = console.warn = console.error = () => undefined;
  try {
    return read();
  } finally {
    Object.assign(console, saved);
  }
}

/** SheetJS's own failures as refusals in words: a password, or a file it cannot make sense of. */
function sheetjsRead(input: Buffer | string, opts: SheetJS.ParsingOptions): SheetJS.WorkBook {
  try {
    // A fresh options object each time: XLSX.read fills in defaults on the object it is given.
    return quietly(() => XLSX.read(input, { ...opts }));
  } catch (e) {
    if (e instanceof SheetFileRefused) throw e;
    const message = (e as Error)?.message ?? String(e);
    if (/password|encrypt/i.test(message)) throw refuse('ENCRYPTED', '文件设置了打开密码（已加密），无法读取：请在 Excel 或 WPS 中取消密码后另存，再导入');
    throw refuse('UNREADABLE', '无法读取该文件：文件可能已损坏，或不是表格。请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入');
  }
}

/** Options for every SheetJS read: dense rows, hidden rows/columns, formulas kept (never evaluated), formats
 * kept to recognise dates, no formatted text (we format), a row bound one past the limit to see it passed. */
const binaryOptions = (limits: SheetLimits): SheetJS.ParsingOptions => ({
  type: 'buffer',
  dense: true,
  cellStyles: true,
  sheetStubs: true,
  cellFormula: true,
  cellNF: true,
  cellText: false,
  cellDates: false,
  bookVBA: false,
  sheetRows: limits.maxRows + 1,
});

/** The streams of an OLE compound file that say it is not a workbook (or is one under a password). */
function checkOle(bytes: Buffer): void {
  let names: string[];
  try {
    names = XLSX.CFB.read(bytes, { type: 'buffer' }).FullPaths.map((p: string) => p.replace(/\/$/, '').split('/').pop()!.toLowerCase());
  } catch {
    throw refuse('UNREADABLE', '文件已损坏，无法读取：请在 Excel 或 WPS 中打开后重新保存');
  }
  const has = (n: string) => names.includes(n.toLowerCase());
  if (has('EncryptionInfo') || has('EncryptedPackage')) {
    throw refuse('ENCRYPTED', '文件设置了打开密码（已加密），无法读取：请在 Excel 或 WPS 中取消密码后另存，再导入');
  }
  if (has('WordDocument')) throw refuse('NOT_A_SPREADSHEET', '这是一份 Word 文档（.doc），不是表格：请导入 Excel、WPS 表格或 CSV 文件');
  if (has('PowerPoint Document')) throw refuse('NOT_A_SPREADSHEET', '这是一份 PowerPoint 演示文稿，不是表格：请导入 Excel、WPS 表格或 CSV 文件');
}

// ------------------------------------------------------------------------------------------ dates

const MS_PER_DAY = 86_400_000;
const pad2 = (n: number) => String(n).padStart(2, '0');

/** What a number format shows of a date: strip quoted literals, escapes and [colour]/[$-804] sections first. */
function dateParts(format: string): { date: boolean; time: boolean } {
  const bare = format
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .toLowerCase();
  const time = /[hs]/.test(bare);
  return { date: /[yd]/.test(bare) || (/m/.test(bare) && !time) || /[年月日]/.test(format), time };
}

/**
 * An Excel date serial as text, by arithmetic alone (no Date in the local zone, so the machine's time zone
 * cannot move a date): 'YYYY-MM-DD', 'YYYY-MM-DD HH:mm:ss' when the format shows the time, 'HH:mm:ss' for a time.
 */
export function serialToText(serial: number, format: string, date1904: boolean): string {
  const parts = dateParts(format);
  let days = Math.floor(serial);
  let seconds = Math.round((serial - days) * 86_400);
  // A time rounded up to midnight shows the next day; a date alone shows the day it is in.
  if (seconds === 86_400) {
    seconds = 0;
    if (parts.time) days++;
  }
  const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor((seconds % 3600) / 60))}:${pad2(seconds % 60)}`;
  if (!parts.date) return time;
  // Serial 1 is 1900-01-01; Excel counts a 1900-02-29 that never was (serial 60), so from 61 on day 0 is 1899-12-30.
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : days < 61 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  const d = new Date(epoch + days * MS_PER_DAY);
  const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  return parts.time ? `${date} ${time}` : date;
}

/** Excel's error codes (hex in the file format's spec: 0x00, 0x07, 0x0F, 0x17, 0x1D, 0x24, 0x2A, 0x2B). */
const ERROR_TEXT: Record<number, string> = {
  0: '#NULL!',
  7: '#DIV/0!',
  15: '#VALUE!',
  23: '#REF!',
  29: '#NAME?',
  36: '#NUM!',
  42: '#N/A',
  43: '#GETTING_DATA',
};

// ------------------------------------------------------------------------------------------ conversion

const hasContent = (c: Cell | undefined): boolean =>
  !!c && ((c.t !== 'z' && !(c.t === 's' && c.v === '') && c.v !== undefined) || (!!c.f && (c.t === 'z' || c.v === undefined)));

/** Puts one SheetJS cell into the store as the user sees it. */
function putCell(b: WorkbookBuilder, sheet: SheetData, row: number, col: number, c: Cell, date1904: boolean): void {
  if (c.f && (c.t === 'z' || c.v === undefined)) {
    b.set(sheet, row, col, KIND.formulaWithoutResult, c.f);
    return;
  }
  switch (c.t) {
    case 's':
    case 'str' as SheetJS.ExcelDataType:
      if (c.v !== '') b.set(sheet, row, col, KIND.text, String(c.v));
      return;
    case 'b':
      b.set(sheet, row, col, KIND.boolean, !!c.v);
      return;
    case 'e':
      b.set(sheet, row, col, KIND.error, ERROR_TEXT[c.v as number] ?? (c.w || '#ERROR'));
      return;
    case 'd': {
      const d = c.v instanceof Date ? c.v : new Date(String(c.v));
      b.set(sheet, row, col, KIND.date, `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`);
      return;
    }
    case 'n': {
      const n = c.v as number;
      if (!Number.isFinite(n)) {
        b.set(sheet, row, col, KIND.error, '#NUM!');
        return;
      }
      const format = typeof c.z === 'string' ? c.z : '';
      if (format && format !== 'General' && XLSX.SSF.is_date(format)) {
        b.set(sheet, row, col, KIND.date, serialToText(n, format, date1904));
        return;
      }
      // A code typed as a number and shown zero-padded (format 000000): the user sees 000123.
      if (/^0+$/.test(format) && Number.isInteger(n) && n >= 0) {
        b.set(sheet, row, col, KIND.text, String(n).padStart(format.length, '0'));
        return;
      }
      b.set(sheet, row, col, KIND.number, n);
      return;
    }
    default:
      return;
  }
}

interface SheetExtras {
  hidden: boolean | null;
  /** Hidden rows and columns from elsewhere than SheetJS (ODS). */
  hiddenRows?: [number, number][];
  hiddenColumns?: [number, number][];
}

function convertSheet(
  b: WorkbookBuilder,
  name: string,
  ws: SheetJS.WorkSheet,
  extras: SheetExtras,
  date1904: boolean,
  budget: { cells: number },
  limits: SheetLimits,
  progress: ProgressListener,
): SheetData {
  if (ws['!fullref'] && XLSX.utils.decode_range(ws['!fullref']).e.r + 1 > limits.maxRows) {
    throw refuse('TOO_MANY_CELLS', `工作表“${name}”超过 ${limits.maxRows} 行，超过了上限：请分成几个文件导入`);
  }
  const data = (ws['!data'] ?? []) as (Cell[] | undefined)[];
  let rows = 0;
  let columns = 0;
  for (let r = 0; r < data.length; r++) {
    const cells = data[r];
    if (!cells) continue;
    for (let c = cells.length - 1; c >= 0; c--) {
      if (hasContent(cells[c])) {
        rows = r + 1;
        if (c + 1 > columns) columns = c + 1;
        break;
      }
    }
  }
  if (rows * columns > budget.cells) {
    throw refuse('TOO_MANY_CELLS', `工作表“${name}”有 ${rows} 行 × ${columns} 列，单元格总数超过了 ${limits.maxCells} 个的上限：请删去不需要的行、列或工作表`);
  }
  budget.cells -= rows * columns;
  const sheet = b.sheet(name, extras.hidden, rows, columns);
  for (let r = 0; r < rows; r++) {
    const cells = data[r];
    if (cells) {
      const last = Math.min(cells.length, columns);
      for (let c = 0; c < last; c++) {
        const cell = cells[c];
        if (hasContent(cell)) putCell(b, sheet, r + 1, c + 1, cell, date1904);
      }
    }
    if ((r + 1) % 20_000 === 0) progress({ phase: 'converting', sheet: name, done: r + 1, total: rows });
  }
  sheet.hiddenRows = extras.hiddenRows
    ? expandRanges(extras.hiddenRows, rows)
    : (ws['!rows'] ?? []).flatMap((info, r) => (info?.hidden && r < rows ? [r + 1] : []));
  sheet.hiddenColumns = extras.hiddenColumns
    ? expandRanges(extras.hiddenColumns, columns)
    : (ws['!cols'] ?? []).flatMap((info, c) => (info?.hidden && c < columns ? [c + 1] : []));
  sheet.merges = (ws['!merges'] ?? []).flatMap((m): CellRange[] =>
    m.s.r < rows && m.s.c < columns
      ? [{ firstRow: m.s.r + 1, lastRow: Math.min(m.e.r + 1, rows), firstCol: m.s.c + 1, lastCol: Math.min(m.e.c + 1, columns) }]
      : [],
  );
  return sheet;
}

function convertWorkbook(
  wb: SheetJS.WorkBook,
  meta: Omit<WorkbookData, 'strings' | 'numbers' | 'sheets'>,
  extrasOf: (index: number, name: string) => SheetExtras,
  limits: SheetLimits,
  progress: ProgressListener,
): WorkbookData {
  if (wb.SheetNames.length > limits.maxSheets) {
    throw refuse('TOO_MANY_CELLS', `工作簿有 ${wb.SheetNames.length} 张工作表，超过了 ${limits.maxSheets} 张的上限`);
  }
  const b = new WorkbookBuilder();
  const budget = { cells: limits.maxCells };
  const date1904 = !!wb.Workbook?.WBProps?.date1904;
  const sheets = wb.SheetNames.map((name, i) => {
    progress({ phase: 'converting', sheet: name, done: 0 });
    const sheet = convertSheet(b, name, wb.Sheets[name], extrasOf(i, name), date1904, budget, limits, progress);
    // Free SheetJS's copy of this sheet as soon as it is converted: the peak is one copy, not two.
    delete wb.Sheets[name];
    return sheet;
  });
  return b.finish(meta, sheets);
}

const workbookHidden = (wb: SheetJS.WorkBook, i: number): boolean => (wb.Workbook?.Sheets?.[i]?.Hidden ?? 0) !== 0;

// ------------------------------------------------------------------------------------------ text formats

type TextKind = 'xlml' | 'html' | 'ods' | 'csv';

function textKind(text: string): TextKind {
  const head = text.slice(0, 4096).replace(/^[\s\uFEFF]+/, '');
  if (/^MIME-Version:/i.test(head)) {
    throw refuse('NOT_A_SPREADSHEET', '这是“单个文件网页”（.mht），无法读取：请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入');
  }
  if (!head.startsWith('<')) return 'csv';
  if (/urn:schemas-microsoft-com:office:spreadsheet/.test(head) && /<(ss:)?Workbook[\s>]/.test(head)) return 'xlml';
  if (/<office:document[\s>]/.test(head)) return 'ods';
  if (/<table[\s>]/i.test(text.slice(0, 1024 * 1024))) return 'html';
  throw refuse('NOT_A_SPREADSHEET', '这是一个网页或 XML 文件，但里面没有表格：请导入 Excel、WPS 表格或 CSV 文件');
}

/** LibreOffice's HTML export titles each table "Sheet N: <em>name</em>": the sheet names, when they all match. */
function htmlSheetNames(text: string, count: number): string[] | null {
  const names = [...text.matchAll(/<h1>Sheet \d+: <em>(.*?)<\/em><\/h1>/g)].map((m) =>
    m[1].replace(/&(lt|gt|quot|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[e]!),
  );
  return names.length === count && new Set(names).size === count ? names : null;
}

function readCsv(text: string, encoding: string, limits: SheetLimits, progress: ProgressListener): WorkbookData {
  const { delimiter, text: body } = detectDelimiter(text);
  const rows = parseDelimited(body, delimiter, limits.maxRows);
  while (rows.length > 0 && rows[rows.length - 1].every((f) => f === '')) rows.pop();
  let columns = 0;
  for (const r of rows) {
    for (let c = r.length - 1; c >= columns; c--) {
      if (r[c] !== '') {
        columns = c + 1;
        break;
      }
    }
  }
  if (rows.length * columns > limits.maxCells) {
    throw refuse('TOO_MANY_CELLS', `文件有 ${rows.length} 行 × ${columns} 列，单元格总数超过了 ${limits.maxCells} 个的上限：请分成几个文件导入`);
  }
  const b = new WorkbookBuilder();
  const sheet = b.sheet('Sheet1', null, rows.length, columns);
  progress({ phase: 'converting', sheet: sheet.name, done: 0, total: rows.length });
  rows.forEach((fields, r) => {
    const last = Math.min(fields.length, columns);
    for (let c = 0; c < last; c++) if (fields[c] !== '') b.set(sheet, r + 1, c + 1, KIND.text, fields[c]);
  });
  return b.finish({ format: 'csv', encoding, delimiter, notes: ['CSV 文件只有一张表，不记录隐藏的行和列'] }, [sheet]);
}

// ------------------------------------------------------------------------------------------ entry

/**
 * Reads a file of any supported format, told by its content, into the sheet model, on the calling thread.
 * Throws SheetFileRefused for every fault of the file (with a Chinese message); the caller runs this on a
 * worker thread (off-thread.ts) for anything but small files.
 */
export async function readWorkbookData(bytes: Uint8Array, limits: SheetLimits, progress: ProgressListener = () => undefined): Promise<WorkbookData> {
  await loadSheetJS();
  progress({ phase: 'checking' });
  const container = sniffContainer(bytes, limits);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  if (container === 'zip') {
    const entries = zipEntries(bytes, limits);
    const kind = zipKind(bytes, entries);
    await checkZipSizes(bytes, entries, limits);
    progress({ phase: 'reading' });
    const wb = sheetjsRead(buffer, binaryOptions(limits));
    if (kind === 'ooxml') {
      return convertWorkbook(wb, { format: 'xlsx', encoding: null, delimiter: null, notes: [] }, (i) => ({ hidden: workbookHidden(wb, i) }), limits, progress);
    }
    const content = readZipEntry(bytes, entries, 'content.xml');
    const visibility = content ? odsVisibility(content.toString('utf8')) : [];
    return convertWorkbook(wb, { format: 'ods', encoding: null, delimiter: null, notes: [] }, (i, name) => odsExtras(visibility, i, name), limits, progress);
  }

  if (container === 'ole') {
    checkOle(buffer);
    progress({ phase: 'reading' });
    const wb = sheetjsRead(buffer, binaryOptions(limits));
    return convertWorkbook(wb, { format: 'xls', encoding: null, delimiter: null, notes: [] }, (i) => ({ hidden: workbookHidden(wb, i) }), limits, progress);
  }

  const { text, encoding } = decodeText(bytes);
  const kind = textKind(text);
  progress({ phase: 'reading' });
  if (kind === 'csv') return readCsv(text, encoding, limits, progress);
  if (kind === 'html') {
    // raw: every cell stays the text of the page (a code 00123 keeps its zeros).
    const wb = sheetjsRead(text, { type: 'string', dense: true, raw: true, cellText: false, sheetRows: limits.maxRows + 1 });
    const names = htmlSheetNames(text, wb.SheetNames.length);
    if (names) {
      // A null-prototype map: a sheet titled "__proto__" is just a name.
      const renamed = Object.create(null) as Record<string, SheetJS.WorkSheet>;
      wb.SheetNames.forEach((old, i) => (renamed[names[i]] = wb.Sheets[old]));
      wb.Sheets = renamed;
      wb.SheetNames = names;
    }
    const notes = ['网页格式的表格不记录隐藏的行、列和工作表：另存为网页时隐藏的内容通常已不在文件中'];
    return convertWorkbook(wb, { format: 'html', encoding, delimiter: null, notes }, () => ({ hidden: null }), limits, progress);
  }
  const wb = sheetjsRead(text, { ...binaryOptions(limits), type: 'string' });
  if (kind === 'ods') {
    const visibility = odsVisibility(text);
    return convertWorkbook(wb, { format: 'ods', encoding, delimiter: null, notes: [] }, (i, name) => odsExtras(visibility, i, name), limits, progress);
  }
  return convertWorkbook(wb, { format: 'xlml', encoding, delimiter: null, notes: [] }, (i) => ({ hidden: workbookHidden(wb, i) }), limits, progress);
}

function odsExtras(visibility: OdsVisibility[], index: number, name: string): SheetExtras {
  const v = visibility[index]?.name === name ? visibility[index] : visibility.find((x) => x.name === name);
  return v ? { hidden: v.hidden, hiddenRows: v.hiddenRows, hiddenColumns: v.hiddenColumns } : { hidden: false, hiddenRows: [], hiddenColumns: [] };
}
