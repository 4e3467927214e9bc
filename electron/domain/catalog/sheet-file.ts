/**
 * A catalog workbook as lib/sheets reads it: any format (xlsx, xls, WPS .et, ods, SpreadsheetML, HTML-as-xls, CSV
 * in UTF-8 or GBK), the sheets with the catalog's header taken together and the others named as left out, the
 * columns chosen by header and sample values (a national 医保编码 over a hospital's own 药品编码, a visible column
 * over a hidden one), and rows that are not data (blank, 注/合计/制表人 footers) set aside as 已忽略.
 */
import { planSheets, type FieldSpec, type SheetPlan, type WorkbookPlan } from '../../lib/sheets/columns';
import { dataRows, type DataRows } from '../../lib/sheets/rows';
import { columnName } from '../../lib/sheets/cells';
import { FORMAT_LABELS, type Sheet, type Workbook } from '../../lib/sheets/model';
import { checkColumnMapping } from '../import-mapping';
import { AppError } from '../../errors';
import { CATALOG_COLUMNS, COLUMN_BY_FIELD, IMPORT_FIELDS, type ImportField } from '../../../shared/catalogColumns';
import type { ImportMapping } from '../../../shared/contract/catalog';
import { nhsaCodeProblem } from '../../../shared/drugCodes';
import { headerKey, normalizeCode, parseDecimalText, parseInsuranceClass, parseWholeNumber } from '../../../shared/sheet-values';

/** Headers of the national code database and of NHSA platforms: preferred over a hospital's own 药品编码. */
const NATIONAL_CODE_HEADERS = ['医保药品编码', '国家医保药品编码', '医保编码', '医保药品代码', '医保代码'];

const VALIDATORS: Partial<Record<ImportField, FieldSpec['validate']>> = {
  nhsaCode: (value) => {
    const code = normalizeCode(value);
    return code.ok && code.value !== null && nhsaCodeProblem(code.value) === null;
  },
  packSize: (value) => parseWholeNumber(value).ok,
  insuranceClass: (value) => parseInsuranceClass(value).ok,
  vbpPrice: (value) => parseDecimalText(value).ok,
  referencePrice: (value) => parseDecimalText(value).ok,
};

const EXPECTS: Partial<Record<ImportField, FieldSpec['expects']>> = {
  nhsaCode: 'code',
  genericName: 'text',
  tradeName: 'text',
  dosageForm: 'text',
  spec: 'text',
  baseUnit: 'text',
  packUnit: 'text',
  manufacturer: 'text',
  approvalNo: 'code',
  tracePrefix: 'code',
  gtin: 'code',
};

/** The catalog's fields as lib/sheets reads them: the export's header counts as national, the aliases as not. */
export const CATALOG_SPECS: FieldSpec<ImportField>[] = CATALOG_COLUMNS.map((c) => {
  const national = c.field === 'nhsaCode' ? [c.header, ...NATIONAL_CODE_HEADERS] : [c.header];
  return {
    field: c.field,
    label: c.label,
    national,
    aliases: c.aliases.filter((a) => !national.includes(a)),
    validate: VALIDATORS[c.field],
    expects: EXPECTS[c.field],
    required: c.requiredForNew,
  };
});
export const SPEC_BY_FIELD = new Map(CATALOG_SPECS.map((s) => [s.field, s]));

export interface CatalogReadChoices {
  /** Sheets the user picked; absent = those with the catalog's header, chosen by lib/sheets. */
  sheets?: string[];
  /** Leave out rows hidden in the file (by hand or by a filter), after the preview reported them. */
  skipHiddenRows?: boolean;
}

/** A read workbook with its sheets planned: what the preview and the commit both start from. */
export interface CatalogWorkbook {
  filename: string;
  workbook: Workbook;
  plan: WorkbookPlan<ImportField>;
  choices: CatalogReadChoices;
  /** The mapping the headers suggest (the first sheet taken). */
  suggested: ImportMapping;
}

export function planCatalogWorkbook(filename: string, workbook: Workbook, choices: CatalogReadChoices = {}): CatalogWorkbook {
  if (choices.sheets) {
    const missing = choices.sheets.filter((name) => !workbook.sheet(name));
    if (missing.length) throw new AppError('VALIDATION', `工作簿中没有名为“${missing[0]}”的工作表`, [{ path: 'sheets', message: '工作表不存在' }]);
  }
  const plan = planSheets(workbook, CATALOG_SPECS, { chosen: choices.sheets });
  if (plan.taken.length === 0) {
    const examples = CATALOG_COLUMNS.slice(0, 5).map((c) => c.header);
    throw new AppError('VALIDATION', `${filename}：没有找到表头：前 30 行中应有一行列名，如“${examples.join('”“')}”……`);
  }
  const suggested: ImportMapping = {};
  for (const f of IMPORT_FIELDS) {
    const col = plan.taken[0].mapping.columns[f];
    if (col !== undefined) suggested[f] = col;
  }
  return { filename, workbook, plan, choices, suggested };
}

/** A sheet taken, with the columns of the mapping in force and its data rows. */
export interface TakenSheet {
  sheet: Sheet;
  plan: SheetPlan<ImportField>;
  columns: Partial<Record<ImportField, number>>;
  data: DataRows;
}

export interface ResolvedFile {
  mapping: ImportMapping;
  taken: TakenSheet[];
}

/**
 * The mapping the caller gave (checked against the first sheet taken) or the suggested one; the other sheets taken
 * (same headers, any order) get each field at the column with the header the first sheet's column has.
 */
export function resolveFile(wb: CatalogWorkbook, given: ImportMapping | undefined): ResolvedFile {
  const first = wb.plan.taken[0];
  const mapping: ImportMapping = given ?? wb.suggested;
  if (given) checkColumnMapping(first.sheet.columnCount, IMPORT_FIELDS, (f) => COLUMN_BY_FIELD[f].label, given);
  if (mapping.nhsaCode == null) throw new AppError('VALIDATION', '必须指定“医保药品编码（药品代码）”所在的列：导入按医保编码新增或更新药品');
  const taken = wb.plan.taken.map((p) => {
    const columns = p === first ? firstColumns(mapping) : sameHeaders(first, mapping, p);
    const data = dataRows(p.sheet, { ...p.mapping, columns }, { skipHidden: wb.choices.skipHiddenRows });
    return { sheet: p.sheet, plan: p, columns, data };
  });
  return { mapping, taken };
}

function firstColumns(mapping: ImportMapping): Partial<Record<ImportField, number>> {
  const out = Object.create(null) as Partial<Record<ImportField, number>>;
  for (const f of IMPORT_FIELDS) if (mapping[f] != null) out[f] = mapping[f]!;
  return out;
}

function sameHeaders(first: SheetPlan<ImportField>, mapping: ImportMapping, other: SheetPlan<ImportField>): Partial<Record<ImportField, number>> {
  const byKey = new Map(other.header.cells.map((c) => [c.key, c.col]));
  const out = Object.create(null) as Partial<Record<ImportField, number>>;
  for (const f of IMPORT_FIELDS) {
    const col = mapping[f];
    if (col == null) continue;
    const found = byKey.get(headerKey(first.sheet.text(first.header.row, col)));
    if (found !== undefined) out[f] = found;
  }
  return out;
}

/** A column as messages name it: 'F 列（最小包装数量）'; a field without a column by its export header. */
export function fieldColumnName(t: TakenSheet, field: ImportField): string {
  const col = t.columns[field];
  if (col === undefined) return COLUMN_BY_FIELD[field].header;
  return columnName(col, t.sheet.text(t.plan.header.row, col).trim() || null);
}

export const formatLabelOf = (wb: CatalogWorkbook) => FORMAT_LABELS[wb.workbook.format];
