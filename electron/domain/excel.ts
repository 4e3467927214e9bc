import type ExcelJS from 'exceljs';

let loaded: Promise<typeof ExcelJS> | null = null;

/**
 * exceljs, loaded on first use: it takes about half a second of CPU to load, which every start of the
 * server paid before any workbook was ever read or written (see BENCHMARKS.md, start_ms).
 */
export function loadExcel(): Promise<typeof ExcelJS> {
  loaded ??= import('exceljs').then((m) => (m as unknown as { default?: typeof ExcelJS }).default ?? (m as unknown as typeof ExcelJS));
  return loaded;
}
