/**
 * A list or ledger screen as an Excel workbook, laid out like its printout: hub name, title, the filter line
 * (库房, 日期范围 …), the table with its header frozen and repeated on every printed page, a totals row, notes
 * and the document's signature row (shared/signatures). Money cells are numbers with a money format, dates
 * are dates, and each column is as wide as its longest value, so codes and long names are never cut when
 * LibreOffice or Excel prints the sheet fitted to the page width with page numbers in the footer.
 */
import type ExcelJS from 'exceljs';
import { formatFen } from '../../shared/money';
import { loadExcel } from './excel';

export type ListCellKind = 'text' | 'money' | 'qty' | 'date' | 'datetime' | 'wrap';
export type ListCell = string | number | null;

export interface ListColumn<T> {
  header: string;
  /** money: integer fen; qty: integer; date: 'YYYY-MM-DD'; datetime: 'YYYY-MM-DD HH:mm[:ss]'; wrap: long text kept to ≤ 60 wide. */
  kind?: ListCellKind;
  value: (row: T) => ListCell;
}

export interface ListWorkbookSpec<T> {
  hubName: string;
  title: string;
  /** What the list shows: '库房：…', '日期：… 至 …'; one line under the title. */
  filters: string[];
  columns: ListColumn<T>[];
  rows: readonly T[];
  /** The totals row: its label in the first column, then values by column header. */
  totals?: { label: string; values: Record<string, ListCell> };
  notes?: string[];
  signatures: readonly string[];
  filename: string;
}

export const LIST_MONEY_FORMAT = '#,##0.00;-#,##0.00;"-"';
export const LIST_QTY_FORMAT = '#,##0;-#,##0;"-"';
export const LIST_DATE_FORMAT = 'yyyy-mm-dd';
export const LIST_DATETIME_FORMAT = 'yyyy-mm-dd hh:mm';
/** One font named on every cell: a bold cell without a name prints in another font in LibreOffice. */
export const LIST_FONT = '宋体';
const HEADER_ROW = 4;
const thin = { style: 'thin' as const };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };

/** Width in Excel's character units: a Chinese character takes two. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! > 0x2e80 ? 2 : 1;
  return w;
}

/**
 * Every written cell of every sheet gets LIST_FONT by name, keeping its size, weight and colour: a cell styled
 * only { bold: true } prints in LibreOffice's default font, so totals and headers came out in another face.
 */
export function nameEveryFont(wb: ExcelJS.Workbook): void {
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (!cell.font?.name) cell.font = { ...cell.font, name: LIST_FONT };
      });
    });
  }
}

/** Widens each listed column to its longest text from `fromRow` down (merged cells skipped), within [min, max]. */
export function fitColumns(ws: ExcelJS.Worksheet, columns: number[], fromRow: number, limits: { min?: number; max?: number } = {}): void {
  for (const col of columns) {
    let w = limits.min ?? 6;
    ws.getColumn(col).eachCell({ includeEmpty: false }, (cell, rowNumber) => {
      if (rowNumber < fromRow || cell.isMerged) return;
      const v = cell.value;
      const text =
        v instanceof Date
          ? '0000-00-00'
          : typeof v === 'number'
            ? cell.numFmt?.includes(',')
              ? formatFen(Math.round(v * 100))
              : String(v)
            : typeof v === 'string'
              ? v
              : '';
      w = Math.max(w, textWidth(text) + 2);
    });
    ws.getColumn(col).width = Math.min(limits.max ?? 50, Math.max(ws.getColumn(col).width ?? 0, w));
  }
}

/** An ISO date or date-time as an Excel date (ExcelJS writes a Date by its UTC fields). */
export function excelDate(s: string): Date {
  return new Date(`${s.length <= 10 ? s : s.slice(0, 19).replace(' ', 'T')}${s.length <= 10 ? 'T00:00:00' : ''}Z`);
}

function shown(kind: ListCellKind, v: ListCell): string {
  if (v === null) return '';
  if (kind === 'money' && typeof v === 'number') return formatFen(v);
  if (kind === 'datetime') return '0000-00-00 00:00';
  return String(v);
}

export async function listWorkbook<T>(spec: ListWorkbookSpec<T>): Promise<{ filename: string; base64: string }> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = spec.hubName;
  const cols = spec.columns.map((c) => ({ ...c, kind: c.kind ?? ('text' as const) }));
  const widths = cols.map((c) => {
    let w = textWidth(c.header);
    for (const r of spec.rows) w = Math.max(w, textWidth(shown(c.kind, c.value(r))));
    const total = spec.totals?.values[c.header];
    if (total !== undefined) w = Math.max(w, textWidth(shown(c.kind, total)));
    return Math.min(c.kind === 'wrap' ? 60 : 50, Math.max(6, w + 2));
  });
  const wide = widths.reduce((a, b) => a + b, 0) > 95;
  const ws = wb.addWorksheet(spec.title.slice(0, 31), {
    pageSetup: {
      paperSize: 9,
      orientation: wide ? 'landscape' : 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C第 &P 页 共 &N 页' },
    views: [{ state: 'frozen', ySplit: HEADER_ROW }],
  });
  const last = cols.length;
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const line = (row: number, text: string, font: Partial<ExcelJS.Font>, height?: number) => {
    ws.mergeCells(row, 1, row, last);
    const cell = ws.getCell(row, 1);
    cell.value = text;
    cell.font = { name: LIST_FONT, ...font };
    cell.alignment = { horizontal: row <= 2 ? 'center' : 'left', vertical: 'middle', wrapText: row > 2 };
    if (height) ws.getRow(row).height = height;
  };
  line(1, spec.hubName, { size: 11 });
  // A 16 pt title needs a row of its own height, or LibreOffice draws it over the row above.
  line(2, spec.title, { size: 16, bold: true }, 26);
  line(3, spec.filters.join('　　'), { size: 10 }, 18);

  const head = ws.getRow(HEADER_ROW);
  cols.forEach((c, i) => {
    const cell = head.getCell(i + 1);
    cell.value = c.header;
    cell.font = { name: LIST_FONT, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  const put = (cell: ExcelJS.Cell, kind: ListCellKind, v: ListCell, bold = false) => {
    cell.font = { name: LIST_FONT, bold };
    if (v === null || v === '') return;
    if (kind === 'money' && typeof v === 'number') {
      cell.value = Number(formatFen(v, { grouping: false }));
      cell.numFmt = LIST_MONEY_FORMAT;
    } else if (kind === 'qty' && typeof v === 'number') {
      cell.value = v;
      cell.numFmt = LIST_QTY_FORMAT;
    } else if ((kind === 'date' || kind === 'datetime') && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
      cell.value = excelDate(v);
      cell.numFmt = kind === 'date' ? LIST_DATE_FORMAT : LIST_DATETIME_FORMAT;
    } else {
      cell.value = v;
      if (kind === 'wrap') cell.alignment = { wrapText: true, vertical: 'top' };
    }
  };
  for (const r of spec.rows) {
    const row = ws.addRow([]);
    cols.forEach((c, i) => put(row.getCell(i + 1), c.kind, c.value(r)));
  }
  let lastTableRow = HEADER_ROW + spec.rows.length;
  if (spec.totals) {
    const row = ws.addRow([]);
    put(row.getCell(1), 'text', spec.totals.label, true);
    cols.forEach((c, i) => {
      const v = spec.totals!.values[c.header];
      if (i > 0 && v !== undefined) put(row.getCell(i + 1), c.kind, v, true);
    });
    lastTableRow = row.number;
  }
  for (let r = HEADER_ROW; r <= lastTableRow; r++) for (let c = 1; c <= last; c++) ws.getCell(r, c).border = BORDER;
  for (const note of spec.notes ?? []) {
    const row = ws.addRow([note]);
    ws.mergeCells(row.number, 1, row.number, last);
    row.getCell(1).font = { name: LIST_FONT, size: 10 };
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
  }
  ws.addRow([]);
  const sign = ws.addRow([]);
  const step = Math.max(1, Math.floor(last / spec.signatures.length));
  spec.signatures.forEach((s, i) => {
    const cell = sign.getCell(i * step + 1);
    cell.value = `${s}：`;
    cell.font = { name: LIST_FONT, bold: true };
  });
  const buffer = await wb.xlsx.writeBuffer();
  return { filename: spec.filename.replace(/[\\/:*?"<>|]/g, '_'), base64: Buffer.from(buffer as ArrayBuffer).toString('base64') };
}
