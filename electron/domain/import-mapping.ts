import { columnName } from '../lib/sheets';
import { AppError } from '../errors';

/**
 * A column mapping the user chose in an import's preview, checked against the sheet: every column inside it and
 * given to one field only. Returns the fields that have a column. `labelOf` names a field as the screen does.
 */
export function checkColumnMapping<F extends string>(
  columnCount: number,
  fields: readonly F[],
  labelOf: (field: F) => string,
  given: Partial<Record<F, number | null>>,
): Partial<Record<F, number>> {
  const out = Object.create(null) as Partial<Record<F, number>>;
  const used = new Map<number, F>();
  for (const f of fields) {
    const col = given[f];
    if (col == null) continue;
    if (col > columnCount) {
      throw new AppError('VALIDATION', `“${labelOf(f)}”对应的第 ${col} 列不存在（表中只有 ${columnCount} 列）`, [
        { path: `mapping.${f}`, message: '列不存在' },
      ]);
    }
    const other = used.get(col);
    if (other) {
      throw new AppError('VALIDATION', `${columnName(col)}同时对应了“${labelOf(other)}”和“${labelOf(f)}”`, [
        { path: `mapping.${f}`, message: '一列只能对应一个字段' },
      ]);
    }
    used.set(col, f);
    out[f] = col;
  }
  return out;
}
