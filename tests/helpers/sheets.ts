/** A workbook read by lib/sheets as plain data, for comparing two reads (or a read and what crossed to a worker). */
import type { Workbook } from '../../electron/lib/sheets';

/** Everything a workbook says: format, notes, and per sheet its visibility, size, hidden rows and columns, merges and every cell's kind, value and formula. */
export function workbookAsData(wb: Workbook) {
  return {
    format: wb.format,
    encoding: wb.encoding,
    delimiter: wb.delimiter,
    notes: wb.notes,
    sheets: wb.sheets.map((s) => ({
      name: s.name,
      hidden: s.hidden,
      size: [s.rowCount, s.columnCount],
      hiddenRows: s.hiddenRows,
      hiddenColumns: s.hiddenColumns,
      merges: s.merges,
      cells: Array.from({ length: s.rowCount }, (_, r) =>
        Array.from({ length: s.columnCount }, (_, c) => [s.kind(r + 1, c + 1), s.value(r + 1, c + 1), s.formula(r + 1, c + 1)]),
      ),
    })),
  };
}
