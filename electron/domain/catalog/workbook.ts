import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../excel';
import { LIST_FONT } from '../list-workbook';
import { fieldForHeader, type ImportField } from '../../../shared/catalogColumns';

/**
 * Writing catalog workbooks with exceljs (streamed: WorkbookWriter). Reading is lib/sheets' (sheet-file.ts): every
 * format by content, on a worker, into a compact model; exceljs held a whole 150,000-row workbook (≈2 GB).
 */

export type Cell = string | number | boolean | null;

/** The column each field's header names (the first one, when a header repeats): for tools writing a known layout. */
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

/** A streaming workbook writer whose file is collected in memory: `finish()` commits it and gives the bytes. */
export async function streamedWorkbook(): Promise<{ book: ExcelJS.stream.xlsx.WorkbookWriter; finish: () => Promise<Buffer> }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const book = new (await loadExcel()).stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  book.creator = '三统药品管理';
  return {
    book,
    finish: async () => {
      await book.commit();
      await done;
      return Buffer.concat(chunks);
    },
  };
}

/** A one-sheet workbook, streamed into a buffer: header row in bold, frozen, filterable. */
export async function writeWorkbook(sheetName: string, columns: ColumnSpec[], rows: Iterable<Cell[]>): Promise<Buffer> {
  const { book: wb, finish } = await streamedWorkbook();
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  // Every cell in one named font: a bold header without a name printed in another face in LibreOffice.
  ws.columns = columns.map((c, i) => ({ key: String(i), width: c.width, style: { font: { name: LIST_FONT }, ...(c.numFmt ? { numFmt: c.numFmt } : {}) } }));
  const head = ws.addRow(columns.map((c) => c.header));
  head.font = { name: LIST_FONT, bold: true };
  head.commit();
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  for (const r of rows) ws.addRow(r).commit();
  ws.commit();
  return finish();
}
