/** 记录仪导入记录: what each logger import added, read from the row the import itself wrote (logger-import.ts). */
import type { ReadDb } from '../../db/database';
import { given, rows, sql } from '../../db/sql';
import type { ParsedInput } from '../../../shared/contract';

export interface LoggerImportRow {
  id: number;
  areaId: number;
  areaName: string;
  fileName: string;
  rowsNew: number;
  rowsKnown: number;
  slotsFilled: number;
  importedByName: string;
  importedAt: string;
}

/** Newest first; one area or all the hub's areas that took a logger file. */
export function loggerImports(db: ReadDb, input: ParsedInput<'storage.loggerImports'>): LoggerImportRow[] {
  return rows<LoggerImportRow>(
    db,
    sql`SELECT i.id, i.area_id AS areaId, a.name AS areaName, i.file_name AS fileName, i.rows_new AS rowsNew,
        i.rows_known AS rowsKnown, i.slots_filled AS slotsFilled, u.display_name AS importedByName, i.imported_at AS importedAt
      FROM logger_imports i JOIN storage_areas a ON a.id = i.area_id JOIN users u ON u.id = i.imported_by
      ${sql.where(given(input.areaId, (id) => sql`i.area_id = ${id}`))}
      ORDER BY i.imported_at DESC, i.id DESC LIMIT ${input.limit}`,
  );
}
