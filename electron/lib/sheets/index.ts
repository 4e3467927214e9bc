/**
 * Reading the spreadsheets people have (xlsx, xls, WPS .et, ods, SpreadsheetML 2003, HTML saved as .xls, CSV
 * in UTF-8 or GBK) into one sheet model, off the request thread; finding headers, mapping columns and telling
 * data rows from the rest. A bottom floor: imports shared/ and npm packages only. See README.md.
 */
export { SheetFileRefused, isSheetFileRefused, type SheetRefusalReason } from './errors';
export { DEFAULT_LIMITS, limitsWith, type SheetLimits } from './limits';
export { Sheet, Workbook, columnLetter, FORMAT_LABELS, type CellKind, type CellRange, type CellValue, type SheetFormat } from './model';
export { readWorkbookData, type ProgressListener, type ReadPhase, type ReadProgress } from './read';
export { readSheetFile, sheetsWorkerScript, SHEETS_WORKER_BUNDLE, type ReadOptions } from './off-thread';
export { postWorkbook, WorkbookReceiver, type WorkbookPiece } from './crossing';
export { SheetFileCache, sha256Of, type CachedRead, type SheetCacheOptions } from './cache';
export {
  findHeaderRow,
  mapColumns,
  planSheets,
  type ColumnCandidate,
  type ColumnChoice,
  type ColumnMapping,
  type FieldSpec,
  type HeaderCell,
  type HeaderRow,
  type SheetPlan,
  type SheetSummary,
  type WorkbookPlan,
} from './columns';
export { dataRows, dataRowsInSlices, IGNORE_LABELS, type DataRowOptions, type DataRows, type DuplicateRow, type IgnoredRow, type IgnoreReason } from './rows';
export { cellName, columnName, readFieldCell, type FieldCell } from './cells';
