/**
 * "下载错误数据": the rows a catalog import refuses, as they were in the file (its header, its columns in their
 * places, its values as shown), one sheet per sheet taken, with 原行号 and 错误原因 appended at the right so that the
 * column letters the messages name stay true and the corrected file imports again (the two extra headers name no
 * field and are passed over).
 */
import type { ReadDb } from '../../db/database';
import type { ImportMapping } from '../../../shared/contract/catalog';
import type { Sheet } from '../../lib/sheets/model';
import { evaluateRows, type ParsedWorkbook } from './import';
import { resolveFile } from './sheet-file';
import { streamedWorkbook } from './workbook';

/** A cell as the file had it: numbers stay numbers, a formula without a saved result is its formula text. */
function asInFile(sheet: Sheet, row: number, col: number): string | number | boolean | null {
  const kind = sheet.kind(row, col);
  if (kind === 'formula-without-result') return `=${sheet.formula(row, col)}`;
  if (kind === 'empty') return null;
  return kind === 'date' || kind === 'error' ? sheet.text(row, col) : sheet.value(row, col);
}

export interface FailingRows {
  data: Buffer;
  rows: number;
}

export async function failingRowsWorkbook(db: ReadDb, wb: ParsedWorkbook, given: ImportMapping | undefined): Promise<FailingRows> {
  const file = resolveFile(wb, given);
  const failing = evaluateRows(db, file).filter((o) => o.action === 'error');
  const { book, finish } = await streamedWorkbook();
  for (const t of file.taken) {
    const rows = failing.filter((o) => o.taken === t);
    if (rows.length === 0 && file.taken.length > 1) continue;
    const { sheet } = t;
    const headerRow = t.plan.header.row;
    const width = Math.max(...t.plan.header.cells.map((c) => c.col));
    const ws = book.addWorksheet(sheet.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = [
      ...Array.from({ length: width }, (_, i) => ({ key: String(i), width: Math.min(40, Math.max(10, sheet.text(headerRow, i + 1).length * 2 + 2)) })),
      { key: 'row', width: 8 },
      { key: 'why', width: 60 },
    ];
    const head = ws.addRow([...Array.from({ length: width }, (_, i) => sheet.text(headerRow, i + 1)), '原行号', '错误原因']);
    head.font = { bold: true };
    head.commit();
    for (const o of rows) {
      const cells = Array.from({ length: width }, (_, i) => asInFile(sheet, o.row, i + 1));
      const line = ws.addRow([...cells, o.row, o.issues.map((i) => `${i.column}：${i.reason}`).join('；')]);
      line.getCell(width + 2).font = { color: { argb: 'FFCF1322' } };
      line.commit();
    }
    ws.commit();
  }
  return { data: await finish(), rows: failing.length };
}
