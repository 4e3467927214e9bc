import { headerKey } from '../../../shared/sheet-values';
import { columnLetter, isBlankText, type CellValue, type Sheet, type Workbook } from './model';

/**
 * Finding the header row and mapping its columns to an importer's fields. An importer describes its fields once
 * (a table of FieldSpec); the same helpers serve the catalog, settlement details (NHSA field codes or Chinese
 * headers), temperature loggers and carton → box code files.
 */

export interface FieldSpec<F extends string = string> {
  field: F;
  /** The field's name for people (the mapping screen, messages). */
  label: string;
  /** Headers of national files and the NHSA interfaces ('药品代码', 'med_list_codg'): preferred when several match. */
  national?: readonly string[];
  /** Other headers people's files use ('医保编码', '药品编码'). */
  aliases?: readonly string[];
  /** Does a sample value look right for this field? Decides between columns whose headers both match. */
  validate?: (value: CellValue, text: string) => boolean;
  /** What the column should hold: a date in a 'text' or 'code' column is warned about (cells.ts). */
  expects?: 'text' | 'code' | 'number' | 'date' | 'datetime';
  required?: boolean;
}

interface HeaderMatch<F extends string> {
  field: F;
  national: boolean;
}

/** Header key → field, national names first so that a name listed both ways counts as national. */
function headerIndex<F extends string>(specs: readonly FieldSpec<F>[]): Map<string, HeaderMatch<F>> {
  const index = new Map<string, HeaderMatch<F>>();
  for (const national of [true, false]) {
    for (const s of specs) {
      for (const name of (national ? s.national : s.aliases) ?? []) {
        const key = headerKey(name);
        if (key && !index.has(key)) index.set(key, { field: s.field, national });
      }
    }
  }
  return index;
}

export interface HeaderCell {
  col: number;
  text: string;
  key: string;
}

export interface HeaderRow {
  row: number;
  /** Non-empty header cells, left to right. */
  cells: HeaderCell[];
  /** How many distinct fields its cells name. */
  fieldCount: number;
}

function headerCells(sheet: Sheet, row: number): HeaderCell[] {
  const cells: HeaderCell[] = [];
  for (let col = 1; col <= sheet.columnCount; col++) {
    const text = sheet.text(row, col).trim();
    if (text && !isBlankText(text)) cells.push({ col, text, key: headerKey(text) });
  }
  return cells;
}

/**
 * The row, among the first `scanRows`, whose cells name the most fields (at least `minFields`): titles,
 * merged banners and export dates above the header name none and are passed over.
 */
export function findHeaderRow<F extends string>(
  sheet: Sheet,
  specs: readonly FieldSpec<F>[],
  opts: { scanRows?: number; minFields?: number } = {},
): HeaderRow | null {
  const index = headerIndex(specs);
  const minFields = opts.minFields ?? 2;
  let best: HeaderRow | null = null;
  const last = Math.min(sheet.rowCount, opts.scanRows ?? 30);
  for (let row = 1; row <= last; row++) {
    const cells = headerCells(sheet, row);
    const fields = new Set(cells.map((c) => index.get(c.key)?.field).filter((f) => f !== undefined));
    if (fields.size >= minFields && (!best || fields.size > best.fieldCount)) best = { row, cells, fieldCount: fields.size };
  }
  return best;
}

export interface ColumnCandidate {
  col: number;
  header: string;
  national: boolean;
  hidden: boolean;
  /** Share of the sampled non-empty values that the field's validator accepts; null without a validator or values. */
  validShare: number | null;
}

export interface ColumnChoice<F extends string> extends ColumnCandidate {
  field: F;
  /** Other columns whose header names the same field, and why each lost, in Chinese. */
  passedOver: (ColumnCandidate & { why: string })[];
}

export interface ColumnMapping<F extends string> {
  sheet: string;
  headerRow: number;
  /** Column (1 = A) of each mapped field; a null-prototype record. */
  columns: Partial<Record<F, number>>;
  choices: ColumnChoice<F>[];
  missingRequired: F[];
  /** Header cells that name no field. */
  unknown: HeaderCell[];
  /** Every hidden column that has a header, mapped or not: the preview marks them. */
  hiddenColumns: HeaderCell[];
}

/** A validator's share of the first `sample` non-empty values below the header. */
function validShare<F extends string>(sheet: Sheet, headerRow: number, col: number, spec: FieldSpec<F>, sample: number): number | null {
  if (!spec.validate) return null;
  let seen = 0;
  let valid = 0;
  for (let row = headerRow + 1; row <= sheet.rowCount && seen < sample; row++) {
    const value = sheet.value(row, col);
    const text = sheet.text(row, col).trim();
    if (value === null || text === '') continue;
    seen++;
    if (spec.validate(value, text)) valid++;
  }
  return seen === 0 ? null : valid / seen;
}

/** A candidate "validates" when it has no validator, no values, or most of its values pass. */
const validates = (c: ColumnCandidate) => c.validShare === null || c.validShare >= 0.5;

/**
 * Order of preference when several columns name one field: values that validate, then a visible column, then
 * a national header, then more valid values, then the leftmost.
 */
function better(a: ColumnCandidate, b: ColumnCandidate): number {
  return (
    Number(validates(b)) - Number(validates(a)) ||
    Number(a.hidden) - Number(b.hidden) ||
    Number(b.national) - Number(a.national) ||
    (b.validShare ?? 1) - (a.validShare ?? 1) ||
    a.col - b.col
  );
}

function whyPassedOver(lost: ColumnCandidate, won: ColumnCandidate): string {
  if (validates(won) && !validates(lost)) {
    return `示例值大多不符合格式（${Math.round((lost.validShare ?? 0) * 100)}% 符合），已选用 ${columnLetter(won.col)} 列“${won.header}”`;
  }
  if (lost.hidden && !won.hidden) return `是隐藏列，已选用显示的 ${columnLetter(won.col)} 列“${won.header}”`;
  if (won.national && !lost.national) return `已选用国家标准列名的 ${columnLetter(won.col)} 列“${won.header}”`;
  return `已选用 ${columnLetter(won.col)} 列“${won.header}”`;
}

/** Maps the header row's columns to fields, choosing among columns that name the same field (see `better`). */
export function mapColumns<F extends string>(
  sheet: Sheet,
  header: HeaderRow,
  specs: readonly FieldSpec<F>[],
  opts: { sampleRows?: number } = {},
): ColumnMapping<F> {
  const index = headerIndex(specs);
  const specOf = new Map(specs.map((s) => [s.field, s]));
  const byField = new Map<F, ColumnCandidate[]>();
  const unknown: HeaderCell[] = [];
  for (const cell of header.cells) {
    const match = index.get(cell.key);
    if (!match) {
      unknown.push(cell);
      continue;
    }
    const candidate: ColumnCandidate = {
      col: cell.col,
      header: cell.text,
      national: match.national,
      hidden: sheet.isColumnHidden(cell.col),
      validShare: validShare(sheet, header.row, cell.col, specOf.get(match.field)!, opts.sampleRows ?? 200),
    };
    byField.set(match.field, [...(byField.get(match.field) ?? []), candidate]);
  }
  const columns = Object.create(null) as Partial<Record<F, number>>;
  const choices: ColumnChoice<F>[] = [];
  for (const spec of specs) {
    const candidates = byField.get(spec.field);
    if (!candidates) continue;
    const [won, ...rest] = [...candidates].sort(better);
    columns[spec.field] = won.col;
    choices.push({ ...won, field: spec.field, passedOver: rest.map((c) => ({ ...c, why: whyPassedOver(c, won) })) });
  }
  return {
    sheet: sheet.name,
    headerRow: header.row,
    columns,
    choices,
    missingRequired: specs.filter((s) => s.required && columns[s.field] === undefined).map((s) => s.field),
    unknown,
    hiddenColumns: header.cells.filter((c) => sheet.isColumnHidden(c.col)),
  };
}

// ------------------------------------------------------------------------------------------ several sheets

export interface SheetPlan<F extends string> {
  sheet: Sheet;
  header: HeaderRow;
  mapping: ColumnMapping<F>;
}

export interface SheetSummary {
  name: string;
  hidden: boolean | null;
  rows: number;
  /** The header row found, or null. */
  headerRow: number | null;
  taken: boolean;
  /** Why a sheet was left out, in Chinese; null when taken. */
  reason: string | null;
}

export interface WorkbookPlan<F extends string> {
  taken: SheetPlan<F>[];
  /** Every sheet, in workbook order: what the sheet picker offers. */
  sheets: SheetSummary[];
}

const headerSet = (h: HeaderRow) => new Set(h.cells.map((c) => c.key));
const listed = (texts: string[]) => texts.map((t) => `“${t}”`).join('、');

/**
 * Which sheets to import. With `chosen` (the user's pick): exactly those. Otherwise: the visible sheet whose
 * header names the most fields, and every other visible sheet with the same set of headers (in any order);
 * the rest are left out with the reason (no header, hidden, another header, empty).
 */
export function planSheets<F extends string>(
  workbook: Workbook,
  specs: readonly FieldSpec<F>[],
  opts: { chosen?: readonly string[]; scanRows?: number; minFields?: number; sampleRows?: number } = {},
): WorkbookPlan<F> {
  const found = workbook.sheets.map((sheet) => ({ sheet, header: sheet.rowCount === 0 ? null : findHeaderRow(sheet, specs, opts) }));
  const scanned = opts.scanRows ?? 30;
  const noHeader = `前 ${scanned} 行中没有找到表头（至少 ${opts.minFields ?? 2} 个可识别的列名）`;
  const reasons = new Map<Sheet, string>();
  let taken: typeof found;
  if (opts.chosen) {
    const chosen = new Set(opts.chosen);
    taken = found.filter((f) => chosen.has(f.sheet.name) && f.header);
    for (const f of found) {
      if (!chosen.has(f.sheet.name)) reasons.set(f.sheet, '未选择');
      else if (!f.header) reasons.set(f.sheet, f.sheet.rowCount === 0 ? '空白工作表' : noHeader);
    }
  } else {
    const visible = found.filter((f) => f.header && f.sheet.hidden !== true);
    const primary = visible.reduce<(typeof found)[number] | null>((best, f) => (!best || f.header!.fieldCount > best.header!.fieldCount ? f : best), null);
    const keys = primary ? headerSet(primary.header!) : new Set<string>();
    const sameHeader = (h: HeaderRow) => {
      const other = headerSet(h);
      return other.size === keys.size && [...other].every((k) => keys.has(k));
    };
    taken = visible.filter((f) => sameHeader(f.header!));
    for (const f of found) {
      if (taken.includes(f)) continue;
      if (f.sheet.rowCount === 0) reasons.set(f.sheet, '空白工作表');
      else if (!f.header) reasons.set(f.sheet, noHeader);
      else if (f.sheet.hidden) reasons.set(f.sheet, '隐藏的工作表（需要时可以选择导入）');
      else {
        const other = headerSet(f.header);
        const missing = primary!.header!.cells.filter((c) => !other.has(c.key)).map((c) => c.text);
        const extra = f.header.cells.filter((c) => !keys.has(c.key)).map((c) => c.text);
        const parts = [missing.length ? `缺少${listed(missing)}` : '', extra.length ? `多出${listed(extra)}` : ''].filter(Boolean);
        reasons.set(f.sheet, `表头与“${primary!.sheet.name}”不同：${parts.join('，')}`);
      }
    }
  }
  return {
    taken: taken.map((f) => ({ sheet: f.sheet, header: f.header!, mapping: mapColumns(f.sheet, f.header!, specs, opts) })),
    sheets: found.map((f) => ({
      name: f.sheet.name,
      hidden: f.sheet.hidden,
      rows: f.sheet.rowCount,
      headerRow: f.header?.row ?? null,
      taken: !reasons.has(f.sheet),
      reason: reasons.get(f.sheet) ?? null,
    })),
  };
}
