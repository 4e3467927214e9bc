import type { FieldSpec } from './columns';
import { columnLetter, type CellKind, type CellValue, type Sheet } from './model';

/** One cell read for a field: its value, and what the importer must say about it rather than guess. */
export interface FieldCell {
  value: CellValue;
  text: string;
  kind: CellKind;
  /** The cell cannot be read as data (a formula without a saved result, an error value): an error, not "不能为空". */
  problem: string | null;
  /** Readable but doubtful (a date in a text column): a warning. */
  warning: string | null;
}

/**
 * A cell as an importer reads it for a field. A formula saved without its result is never an empty or zero
 * value; a date where the field expects text is flagged (Excel turns a spec such as "3-1" into March 1st).
 */
export function readFieldCell(sheet: Sheet, row: number, col: number, spec?: Pick<FieldSpec, 'expects'>): FieldCell {
  const kind = sheet.kind(row, col);
  const value = sheet.value(row, col);
  const text = sheet.text(row, col);
  let problem: string | null = null;
  let warning: string | null = null;
  if (kind === 'formula-without-result') {
    problem = `公式“=${sheet.formula(row, col)}”没有保存计算结果：请在 Excel 或 WPS 中打开文件、保存后再导入`;
  } else if (kind === 'error') {
    problem = `单元格是错误值 ${text}`;
  } else if (kind === 'date' && (spec?.expects === 'text' || spec?.expects === 'code')) {
    warning = `单元格是日期 ${text}：可能是 Excel 把输入的内容自动改成了日期，请核对`;
  }
  return { value, text, kind, problem, warning };
}

/** A column as people name it in messages: 'E 列（注册规格）'. */
export function columnName(col: number, header?: string | null): string {
  return header ? `${columnLetter(col)} 列（${header}）` : `${columnLetter(col)} 列`;
}

/** A cell as people name it in messages: '第 5 行 E 列（注册规格）'. */
export function cellName(row: number, col: number, header?: string | null): string {
  return `第 ${row} 行 ${columnName(col, header)}`;
}
