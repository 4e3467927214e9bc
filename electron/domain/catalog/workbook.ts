import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../excel';
import { LIST_FONT } from '../list-workbook';
import { AppError } from '../../errors';
import { fieldForHeader, type ImportField } from '../../../shared/catalogColumns';

/**
 * Reading and writing .xlsx workbooks with exceljs. Reading uses `workbook.xlsx.load`, not exceljs'
 * streaming WorkbookReader: the streaming reader decodes each inflated chunk on its own and garbles a
 * Chinese character split across two chunks (exceljs issues #2063, #2316), which a catalog of
 * Chinese names hits every few hundred rows. Writing streams (WorkbookWriter), which is unaffected.
 */

export type Cell = string | number | boolean | null;

export interface SheetRows {
  name: string;
  /** Spreadsheet row number and cells by column number (index 0 unused, as exceljs gives them). */
  rows: { row: number; cells: Cell[] }[];
}

/** The plain value of an exceljs cell: rich text joined, formulas by their cached result, errors as text. */
export function plainCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('');
    if ('result' in o) return plainCell(o.result);
    if ('formula' in o || 'sharedFormula' in o) return null;
    if (typeof o.text === 'string') return o.text;
    if (typeof o.error === 'string') return o.error;
  }
  return String(v);
}

/** Cell text as a person typed it: trimmed; numbers without float noise (0.30000000000000004 → '0.3'). */
export function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : String(Number(c.toPrecision(12)));
  if (typeof c === 'boolean') return c ? '是' : '否';
  return c.trim();
}

function notAWorkbook(filename: string): AppError {
  if (/\.xls$/i.test(filename)) {
    return new AppError('VALIDATION', '不支持旧版 .xls 文件：请在 Excel 或 WPS 中“另存为” .xlsx 工作簿后再导入');
  }
  return new AppError('VALIDATION', '无法读取该文件：请选择 Excel 工作簿（.xlsx）');
}

/** Every worksheet's non-empty rows. Throws a VALIDATION error for files that are not .xlsx workbooks. */
export async function readWorkbook(data: Buffer, filename: string): Promise<SheetRows[]> {
  // An .xlsx file is a zip archive: 'PK\x03\x04'.
  if (data.length < 4 || data.readUInt32LE(0) !== 0x04034b50) throw notAWorkbook(filename);
  const wb = new (await loadExcel()).Workbook();
  try {
    await wb.xlsx.load(data as unknown as ExcelJS.Buffer, {
      ignoreNodes: ['dataValidations', 'conditionalFormatting', 'extLst', 'picture', 'drawing', 'legacyDrawing', 'tableParts', 'hyperlinks'],
    });
  } catch {
    throw notAWorkbook(filename);
  }
  const sheets: SheetRows[] = wb.worksheets.map((ws) => {
    const sheet: SheetRows = { name: ws.name, rows: [] };
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const raw = row.values as unknown[];
      const cells: Cell[] = new Array(raw.length);
      let any = false;
      for (let i = 1; i < raw.length; i++) {
        const c = plainCell(raw[i]);
        cells[i] = c;
        if (c !== null && c !== '') any = true;
      }
      if (any) sheet.rows.push({ row: rowNumber, cells });
    });
    return sheet;
  });
  if (sheets.length === 0) throw notAWorkbook(filename);
  return sheets;
}

export interface HeaderGuess {
  sheet: SheetRows;
  /** Index into sheet.rows of the header row. */
  headerIndex: number;
  headers: string[];
  score: number;
}

/** The sheet and row (among each sheet's first 10) whose cells name the most known columns. */
export function findHeader(sheets: SheetRows[], wanted?: string): HeaderGuess | null {
  let best: HeaderGuess | null = null;
  for (const sheet of sheets) {
    if (wanted && sheet.name !== wanted) continue;
    sheet.rows.slice(0, 10).forEach((r, headerIndex) => {
      const headers = r.cells.map((c) => cellText(c ?? null));
      const fields = new Set(headers.map((h) => (h ? fieldForHeader(h) : null)).filter(Boolean));
      if (fields.size >= 2 && (!best || fields.size > best.score)) best = { sheet, headerIndex, headers, score: fields.size };
    });
  }
  return best;
}

/** The column each field's header names (the first one, when a header repeats). */
export function suggestMapping(headers: string[]): Partial<Record<ImportField, number>> {
  const mapping: Partial<Record<ImportField, number>> = {};
  headers.forEach((h, index) => {
    const field = h ? fieldForHeader(h) : null;
    if (field && mapping[field] === undefined) mapping[field] = index;
  });
  return mapping;
}

export interface ColumnSpec {
  header: string;
  width: number;
  /** Excel number format for numeric columns. */
  numFmt?: string;
}

/** A one-sheet workbook, streamed into a buffer: header row in bold, frozen, filterable. */
export async function writeWorkbook(sheetName: string, columns: ColumnSpec[], rows: Iterable<Cell[]>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new (await loadExcel()).stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = '三统药品管理';
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  // Every cell in one named font: a bold header without a name printed in another face in LibreOffice.
  ws.columns = columns.map((c, i) => ({ key: String(i), width: c.width, style: { font: { name: LIST_FONT }, ...(c.numFmt ? { numFmt: c.numFmt } : {}) } }));
  const head = ws.addRow(columns.map((c) => c.header));
  head.font = { name: LIST_FONT, bold: true };
  head.commit();
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  for (const r of rows) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
