/**
 * Reading a settlement detail file: the bytes are parsed on a worker thread (lib/sheets), once per file (a
 * preview and the commit that follows share the parse through the cache, by the file's SHA-256), then the
 * sheets and columns are chosen by the NHSA field codes or the Chinese headers clients print.
 */
import { checkColumnMapping } from '../import-mapping';
import { AppError } from '../../errors';
import {
  dataRowsInSlices,
  FORMAT_LABELS,
  planSheets,
  type ColumnMapping,
  type FieldSpec,
  type Sheet,
  type SheetPlan,
  type Workbook,
  type WorkbookPlan,
} from '../../lib/sheets';
import type { ReadableHub } from '../ports';
import { headerKey, normalizeCode, parseDateTimeText } from '../../../shared/sheet-values';
import { SETTLEMENT_COLUMN_BY_FIELD, SETTLEMENT_COLUMNS, SETTLEMENT_FIELDS, type SettlementField } from '../../../shared/reconciliation';
import type { SettlementMapping } from '../../../shared/contract/reconciliation';
import type { ReceivedFile } from '../uploaded-file';
import { readUploadedWorkbook } from '../uploaded-workbook';

const looksLikeCode = (_v: unknown, text: string) => normalizeCode(text).ok;
const looksLikeNumber = (v: unknown, text: string) => typeof v === 'number' || /^[-+]?[\d,]*\.?\d+$/.test(text.trim());
const looksLikeTime = (v: unknown, text: string) =>
  (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) || parseDateTimeText(text).ok || /^\d{14}$/.test(text);

const VALIDATORS: Partial<Record<SettlementField, (value: unknown, text: string) => boolean>> = {
  medListCodg: looksLikeCode,
  cnt: looksLikeNumber,
  pric: looksLikeNumber,
  amount: looksLikeNumber,
  feeTime: looksLikeTime,
};

const EXPECTS: Partial<Record<SettlementField, FieldSpec['expects']>> = {
  mdtrtId: 'code',
  setlId: 'code',
  feedetlSn: 'code',
  medListCodg: 'code',
  cnt: 'number',
  pric: 'number',
  amount: 'number',
  feeTime: 'datetime',
  traceCodes: 'code',
  certno: 'code',
};

/** The importer's fields as lib/sheets reads them. */
export const SETTLEMENT_SPECS: FieldSpec<SettlementField>[] = SETTLEMENT_COLUMNS.map((c) => ({
  field: c.field,
  label: c.label,
  national: c.national,
  aliases: [c.label, ...c.aliases],
  validate: VALIDATORS[c.field],
  expects: EXPECTS[c.field],
  required: c.required,
}));

export interface SettlementFile {
  fileName: string;
  sha256: string;
  workbook: Workbook;
  plan: WorkbookPlan<SettlementField>;
  /** The sheets taken, each with the columns of the mapping in force. */
  taken: { sheet: Sheet; plan: SheetPlan<SettlementField>; columns: Partial<Record<SettlementField, number>>; rows: number[] }[];
  mapping: SettlementMapping;
  /** Rows that are not data, and exact repeats, per sheet. */
  ignored: { sheet: string; row: number; label: string }[];
  duplicates: { sheet: string; row: number; sameAs: number }[];
}

/** Reads and plans the file; refuses (with the reader's Chinese message) what is not a readable spreadsheet. */
export async function readSettlementFile(
  hub: ReadableHub,
  file: ReceivedFile,
  chosenSheets: string[] | undefined,
  given: SettlementMapping | undefined,
): Promise<SettlementFile> {
  const read = await readUploadedWorkbook(hub, file);
  const workbook = read.workbook;
  const plan = planSheets(workbook, SETTLEMENT_SPECS, { chosen: chosenSheets });
  if (chosenSheets) {
    const missing = chosenSheets.filter((name) => !workbook.sheet(name));
    if (missing.length) throw new AppError('VALIDATION', `工作簿中没有名为“${missing[0]}”的工作表`, [{ path: 'sheets', message: '工作表不存在' }]);
  }
  if (plan.taken.length === 0) {
    const examples = SETTLEMENT_COLUMNS.filter((c) => c.required).map((c) => `${c.aliases[0] ?? c.label}（${c.national[0]}）`);
    throw new AppError('VALIDATION', `${file.filename}：没有找到结算明细的表头。前 30 行中应有一行列名，如 ${examples.join('、')}`);
  }
  const first = plan.taken[0];
  const mapping = given ? checkedAsGiven(first.sheet.columnCount, given) : suggested(first.mapping);
  const taken = [];
  const ignored: SettlementFile['ignored'] = [];
  const duplicates: SettlementFile['duplicates'] = [];
  for (const p of plan.taken) {
    const columns = p === first ? mappingColumns(mapping) : sameHeaders(first, mapping, p);
    const mapped = { ...p.mapping, columns } as ColumnMapping<SettlementField>;
    const data = await dataRowsInSlices(p.sheet, mapped);
    ignored.push(...data.ignored.map((r) => ({ sheet: p.sheet.name, row: r.row, label: r.label })));
    duplicates.push(...data.duplicates.map((d) => ({ sheet: p.sheet.name, row: d.row, sameAs: d.sameAs })));
    taken.push({ sheet: p.sheet, plan: p, columns, rows: data.rows });
  }
  return { fileName: file.filename, sha256: read.sha256, workbook, plan, taken, mapping, ignored, duplicates };
}

function suggested(m: ColumnMapping<SettlementField>): SettlementMapping {
  const out: SettlementMapping = {};
  for (const f of SETTLEMENT_FIELDS) if (m.columns[f] !== undefined) out[f] = m.columns[f];
  return out;
}

function mappingColumns(mapping: SettlementMapping): Partial<Record<SettlementField, number>> {
  const out = Object.create(null) as Partial<Record<SettlementField, number>>;
  for (const f of SETTLEMENT_FIELDS) if (mapping[f] != null) out[f] = mapping[f]!;
  return out;
}

/** Another sheet with the same headers: each field goes to the column with the header the first sheet's column has. */
function sameHeaders(
  first: SheetPlan<SettlementField>,
  mapping: SettlementMapping,
  other: SheetPlan<SettlementField>,
): Partial<Record<SettlementField, number>> {
  const byKey = new Map(other.header.cells.map((c) => [c.key, c.col]));
  const out = Object.create(null) as Partial<Record<SettlementField, number>>;
  for (const f of SETTLEMENT_FIELDS) {
    const col = mapping[f];
    if (col == null) continue;
    const found = byKey.get(headerKey(first.sheet.text(first.header.row, col)));
    if (found !== undefined) out[f] = found;
  }
  return out;
}

export function formatLabel(workbook: Workbook): string {
  return FORMAT_LABELS[workbook.format];
}

/** The user's mapping, checked (columns inside the sheet, one field per column) and kept as given, nulls included. */
function checkedAsGiven(columnCount: number, given: SettlementMapping): SettlementMapping {
  checkColumnMapping(columnCount, SETTLEMENT_FIELDS, (f) => SETTLEMENT_COLUMN_BY_FIELD[f].label, given);
  return given;
}
