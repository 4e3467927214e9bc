import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import { CATALOG_COLUMNS, COLUMN_BY_FIELD, columnLetter, IMPORT_FIELDS, type ImportField } from '../../../shared/catalogColumns';
import { drugRuleProblems, MAX_REPORTED_ISSUES, type ImportIssue, type ImportMapping, type ImportPreview } from '../../../shared/contract/catalog';
import { approvalNoProblem, nhsaCodeProblem, normalizeApprovalNo, normalizeCode, tracePrefixProblem } from '../../../shared/drugCodes';
import { normalizeCreditCode } from '../../../shared/creditCode';
import { normalizeGtin } from '../../../shared/traceCodes';
import { parseYuanToUnitPrice } from '../../../shared/money';
import { changedKeys, DRUG_RECORD_SELECT, drugInUse, insertDrug, toRecord, updateDrug, type DrugRecord } from './drugs';
import { ensureSearchName, knownSearchNames } from './searchIndex';
import type { ReceivedFile } from '../uploaded-file';
import { cellText, findHeader, readWorkbook, suggestMapping, type Cell, type SheetRows } from './workbook';

/**
 * Catalog import: a workbook's rows become drugs, matched by NHSA code (new code → new drug, known
 * code → update of the mapped columns only; unmapped columns keep what the hub has). Every problem is
 * reported as row, column and reason. Nothing is written unless the caller commits, and a commit is
 * one transaction: with mode 'all' any problem refuses the whole file.
 */

export interface ParsedWorkbook {
  filename: string;
  sheet: SheetRows;
  sheets: string[];
  headerIndex: number;
  headers: string[];
}

export async function parseCatalogWorkbook(file: ReceivedFile, sheetName?: string): Promise<ParsedWorkbook> {
  const sheets = await readWorkbook(file.bytes, file.filename);
  if (sheetName && !sheets.some((s) => s.name === sheetName)) throw new AppError('VALIDATION', `工作簿中没有名为“${sheetName}”的工作表`);
  const guess = findHeader(sheets, sheetName);
  if (!guess) {
    throw new AppError(
      'VALIDATION',
      `没有找到表头：前 10 行中应有一行列名，如“${CATALOG_COLUMNS.slice(0, 5)
        .map((c) => c.header)
        .join('”“')}”……`,
    );
  }
  return { filename: file.filename, sheet: guess.sheet, sheets: sheets.map((s) => s.name), headerIndex: guess.headerIndex, headers: guess.headers };
}

type Outcome = {
  row: number;
  action: 'new' | 'update' | 'unchanged' | 'error';
  record: DrugRecord | null;
  existingId: number | null;
  changes: (keyof DrugRecord)[];
  issues: ImportIssue[];
};

const TEXT_LIMITS: Partial<Record<ImportField, number>> = {
  genericName: 100,
  tradeName: 100,
  dosageForm: 30,
  spec: 100,
  packUnit: 10,
  baseUnit: 10,
  manufacturer: 100,
  vbpBatch: 30,
};

const TRUE_WORDS = new Set(['是', 'Y', 'YES', '1', 'TRUE', '√', '✓', '✔', '有']);
const FALSE_WORDS = new Set(['否', 'N', 'NO', '0', 'FALSE', '×', '✗', '无']);

function parseBool(t: string): boolean | undefined {
  const u = t.toUpperCase();
  return TRUE_WORDS.has(u) ? true : FALSE_WORDS.has(u) ? false : undefined;
}

function parseInsurance(t: string): DrugRecord['insuranceClass'] | undefined {
  const u = t.toUpperCase().replace(/\s+/g, '');
  if (['甲', '甲类', 'A', '甲类药品'].includes(u)) return 'A';
  if (['乙', '乙类', 'B', '乙类药品'].includes(u)) return 'B';
  if (['', '无', '非医保', '自费', '丙', '丙类', 'NONE', '-', '/'].includes(u)) return 'none';
  return undefined;
}

function parseRx(t: string): boolean | undefined {
  const u = t.toUpperCase().replace(/\s+/g, '');
  if (['处方', '处方药', 'RX', '是', 'Y', '1', 'TRUE'].includes(u)) return true;
  if (['OTC', '甲类OTC', '乙类OTC', 'OTC甲类', 'OTC乙类', '非处方', '非处方药', '否', 'N', '0', 'FALSE'].includes(u)) return false;
  return undefined;
}

function parseActive(t: string): boolean | undefined {
  if (['启用', '有效', '在用', '正常'].includes(t)) return true;
  if (['停用', '无效', '禁用'].includes(t)) return false;
  return parseBool(t);
}

/** Yuan (text or number) with at most 4 decimals → micro-yuan. */
function parsePrice(c: Cell, t: string): number | string {
  let value: number | null;
  if (typeof c === 'number') value = Number.isFinite(c) ? parseYuanToUnitPrice(c.toFixed(6)) : null;
  else value = parseYuanToUnitPrice(t.replace(/^[¥￥]/, '').replace(/元$/, ''));
  if (value === null) return '价格应为以元为单位的数字，如 12.5';
  if (value < 0) return '价格不能为负';
  if (value % 100 !== 0) return '价格最多保留 4 位小数';
  if (value > 1e12) return '价格过大';
  return value;
}

function parseWholeNumber(c: Cell, t: string, min: number, max: number): number | string {
  const n = typeof c === 'number' ? c : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n)) return '应为整数';
  if (n < min) return `不能小于 ${min}`;
  if (n > max) return `不能大于 ${max}`;
  return n;
}

/** A new drug before its columns are read: the required fields empty, the rest at their defaults. */
const newRecord = (nhsaCode: string): DrugRecord => ({
  nhsaCode,
  genericName: '',
  tradeName: null,
  dosageForm: '',
  spec: '',
  packUnit: '',
  baseUnit: '',
  packSize: 0,
  manufacturer: '',
  approvalNo: null,
  insuranceClass: 'none',
  essential: false,
  vbp: false,
  vbpBatch: null,
  vbpPrice: null,
  referencePrice: null,
  rx: true,
  zeroMarkup: true,
  defaultSupplierId: null,
  hubMin: null,
  hubMax: null,
  clinicMin: null,
  clinicMax: null,
  tracePrefix: null,
  gtin: null,
  active: true,
});

/** A copy with the same shape as newRecord's (keeps the row loop monomorphic: 100,000 rows). */
const copyRecord = (r: DrugRecord): DrugRecord => ({
  nhsaCode: r.nhsaCode,
  genericName: r.genericName,
  tradeName: r.tradeName,
  dosageForm: r.dosageForm,
  spec: r.spec,
  packUnit: r.packUnit,
  baseUnit: r.baseUnit,
  packSize: r.packSize,
  manufacturer: r.manufacturer,
  approvalNo: r.approvalNo,
  insuranceClass: r.insuranceClass,
  essential: r.essential,
  vbp: r.vbp,
  vbpBatch: r.vbpBatch,
  vbpPrice: r.vbpPrice,
  referencePrice: r.referencePrice,
  rx: r.rx,
  zeroMarkup: r.zeroMarkup,
  defaultSupplierId: r.defaultSupplierId,
  hubMin: r.hubMin,
  hubMax: r.hubMax,
  clinicMin: r.clinicMin,
  clinicMax: r.clinicMax,
  tracePrefix: r.tracePrefix,
  gtin: r.gtin,
  active: r.active,
});

const REQUIRED: ImportField[] = CATALOG_COLUMNS.filter((c) => c.requiredForNew).map((c) => c.field);

/** Maps the mapping's fields to their parse/assign step. Returns a reason when the cell is invalid. */
interface Lookups {
  existing: Map<string, { id: number; record: DrugRecord }>;
  suppliers: Map<string, { id: number; active: boolean; name: string }>;
}

function loadLookups(db: ReadDb): Lookups {
  const existing = new Map<string, { id: number; record: DrugRecord }>();
  for (const row of sql(db, `${DRUG_RECORD_SELECT} FROM drugs d`).all() as Record<string, unknown>[]) {
    const r = toRecord(row);
    existing.set(r.nhsaCode, { id: r.id, record: copyRecord(r) });
  }
  const suppliers = new Map<string, { id: number; active: boolean; name: string }>();
  for (const s of sql(db, 'SELECT id, name, credit_code AS creditCode, active FROM suppliers').all() as {
    id: number;
    name: string;
    creditCode: string;
    active: number;
  }[]) {
    const v = { id: s.id, active: s.active === 1, name: s.name };
    suppliers.set(s.name, v);
    suppliers.set(s.creditCode, v);
  }
  return { existing, suppliers };
}

/** Checks every row against the mapping and the database. Pure reading: nothing is written. */
export function evaluateRows(db: ReadDb, wb: ParsedWorkbook, mapping: ImportMapping): Outcome[] {
  const { rows, evaluate, outcomes } = rowEvaluator(db, wb, mapping);
  for (const r of rows) evaluate(r);
  return outcomes;
}

/** The same, a few hundred rows per turn of the event loop (the outcomes only guide work done ahead of a commit). */
async function evaluateRowsYielding(db: ReadDb, wb: ParsedWorkbook, mapping: ImportMapping): Promise<Outcome[]> {
  const { rows, evaluate, outcomes } = rowEvaluator(db, wb, mapping);
  for (let i = 0; i < rows.length; i++) {
    evaluate(rows[i]);
    if (i % ROWS_PER_TURN === ROWS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  return outcomes;
}

const ROWS_PER_TURN = 500;
/** Rows written between two progress notes of a commit (the dialog's count, a test's cue). */
export const ROWS_PER_PROGRESS = 1000;

function rowEvaluator(db: ReadDb, wb: ParsedWorkbook, mapping: ImportMapping) {
  const { existing, suppliers } = loadLookups(db);
  const mapped = IMPORT_FIELDS.filter((f) => mapping[f] != null).map((f) => ({ field: f, col: mapping[f]! }));
  const columnName = (f: ImportField) => {
    const col = mapping[f];
    return col != null ? wb.headers[col] || `${columnLetter(col)} 列` : COLUMN_BY_FIELD[f].header;
  };
  const seen = new Map<string, number>();
  const outcomes: Outcome[] = [];

  const evaluate = ({ row, cells }: SheetRows['rows'][number]) => {
    const issues: ImportIssue[] = [];
    const issueColumns: number[] = [];
    const problem = (f: ImportField, reason: string) => {
      issues.push({ row, column: columnName(f), reason });
      issueColumns.push(mapping[f] ?? 100_000 + IMPORT_FIELDS.indexOf(f));
    };

    const codeCol = mapping.nhsaCode;
    const nhsaCode = codeCol != null ? normalizeCode(cellText(cells[codeCol] ?? null)) : '';
    const codeProblem = nhsaCodeProblem(nhsaCode);
    if (codeProblem) problem('nhsaCode', codeProblem);
    else if (seen.has(nhsaCode)) problem('nhsaCode', `与第 ${seen.get(nhsaCode)} 行的药品代码重复`);
    else seen.set(nhsaCode, row);

    const found = codeProblem ? undefined : existing.get(nhsaCode);
    const before = found?.record;
    const rec = before ? copyRecord(before) : newRecord(nhsaCode);
    const blankRequired: ImportField[] = [];

    for (const { field, col } of mapped) {
      if (field === 'nhsaCode') continue;
      const c = cells[col] ?? null;
      const t = cellText(c);
      switch (field) {
        case 'genericName':
        case 'dosageForm':
        case 'spec':
        case 'packUnit':
        case 'baseUnit':
        case 'manufacturer': {
          if (!t) {
            blankRequired.push(field);
            break;
          }
          if (t.length > TEXT_LIMITS[field]!) problem(field, `不能超过 ${TEXT_LIMITS[field]} 个字符`);
          else rec[field] = t;
          break;
        }
        case 'tradeName':
        case 'vbpBatch': {
          if (t.length > TEXT_LIMITS[field]!) problem(field, `不能超过 ${TEXT_LIMITS[field]} 个字符`);
          else rec[field] = t && t !== '-' && t !== '/' ? t : null;
          break;
        }
        case 'packSize': {
          if (!t) {
            blankRequired.push(field);
            break;
          }
          const n = parseWholeNumber(c, t, 1, 100_000);
          if (typeof n === 'string') problem(field, `最小包装数量${n}（每个包装含多少最小单位）`);
          else rec.packSize = n;
          break;
        }
        case 'approvalNo': {
          const v = t ? normalizeApprovalNo(t) : null;
          const p = v ? approvalNoProblem(v) : null;
          if (p) problem(field, p);
          else rec.approvalNo = v;
          break;
        }
        case 'insuranceClass': {
          const v = parseInsurance(t);
          if (v === undefined) problem(field, `无法识别“${t}”：应为 甲类、乙类，非医保药品留空`);
          else rec.insuranceClass = v;
          break;
        }
        case 'essential':
        case 'vbp': {
          const v = t ? parseBool(t) : false;
          if (v === undefined) problem(field, `无法识别“${t}”：应为 是 或 否`);
          else rec[field] = v;
          break;
        }
        case 'zeroMarkup': {
          const v = t ? parseBool(t) : rec.zeroMarkup;
          if (v === undefined) problem(field, `无法识别“${t}”：应为 是 或 否`);
          else rec.zeroMarkup = v;
          break;
        }
        case 'rx': {
          const v = t ? parseRx(t) : rec.rx;
          if (v === undefined) problem(field, `无法识别“${t}”：应为 处方 或 OTC`);
          else rec.rx = v;
          break;
        }
        case 'active': {
          const v = t ? parseActive(t) : rec.active;
          if (v === undefined) problem(field, `无法识别“${t}”：应为 启用 或 停用`);
          else rec.active = v;
          break;
        }
        case 'vbpPrice':
        case 'referencePrice': {
          if (!t) {
            rec[field] = null;
            break;
          }
          const v = parsePrice(c, t);
          if (typeof v === 'string') problem(field, v);
          else rec[field] = v;
          break;
        }
        case 'hubMin':
        case 'hubMax':
        case 'clinicMin':
        case 'clinicMax': {
          if (!t) {
            rec[field] = null;
            break;
          }
          const v = parseWholeNumber(c, t, 0, 1e9);
          if (typeof v === 'string') problem(field, `${v}（按最小单位计的数量）`);
          else rec[field] = v;
          break;
        }
        case 'tracePrefix': {
          const p = t ? tracePrefixProblem(t) : null;
          if (p) problem(field, p);
          else rec.tracePrefix = t || null;
          break;
        }
        case 'gtin': {
          if (!t) {
            rec.gtin = null;
            break;
          }
          const g = normalizeGtin(t);
          if ('problem' in g) problem(field, g.problem);
          else rec.gtin = g.gtin;
          break;
        }
        case 'defaultSupplier': {
          if (!t) {
            rec.defaultSupplierId = null;
            break;
          }
          const s = suppliers.get(t) ?? suppliers.get(normalizeCreditCode(t));
          if (!s) problem(field, `配送企业“${t}”未登记，请先在“配送企业”中添加`);
          else if (!s.active) problem(field, `配送企业“${s.name}”已停用`);
          else rec.defaultSupplierId = s.id;
          break;
        }
      }
    }

    for (const f of REQUIRED) {
      if (f === 'nhsaCode') continue;
      if (blankRequired.includes(f)) problem(f, `${COLUMN_BY_FIELD[f].label}不能为空`);
      else if (!before && mapping[f] == null) problem(f, `新增药品必须有${COLUMN_BY_FIELD[f].label}（没有对应的列）`);
    }
    for (const p of drugRuleProblems(rec)) problem(p.path as ImportField, p.message);
    if (found && before && issues.length === 0 && (before.packSize !== rec.packSize || before.baseUnit !== rec.baseUnit) && drugInUse(db, found.id)) {
      problem(before.packSize !== rec.packSize ? 'packSize' : 'baseUnit', '该药品已有请领、采购或入库记录，不能修改包装数量或最小单位');
    }

    if (issues.length > 1) {
      // A row's problems in the order of its columns.
      const order = issues.map((_, i) => i).sort((a, b) => issueColumns[a] - issueColumns[b] || a - b);
      const sorted = order.map((i) => issues[i]);
      issues.length = 0;
      issues.push(...sorted);
    }
    if (issues.length) {
      outcomes.push({ row, action: 'error', record: null, existingId: found?.id ?? null, changes: [], issues });
    } else if (found && before) {
      const changes = changedKeys(before, rec);
      outcomes.push({ row, action: changes.length ? 'update' : 'unchanged', record: rec, existingId: found.id, changes, issues });
    } else {
      outcomes.push({ row, action: 'new', record: rec, existingId: null, changes: [], issues });
    }
  };
  return { rows: wb.sheet.rows.slice(wb.headerIndex + 1), evaluate, outcomes };
}

function countOf(outcomes: Outcome[]) {
  const n = { new: 0, update: 0, unchanged: 0, error: 0, issues: 0 };
  for (const o of outcomes) {
    n[o.action]++;
    n.issues += o.issues.length;
  }
  return n;
}

function reportedIssues(outcomes: Outcome[]): ImportIssue[] {
  const out: ImportIssue[] = [];
  for (const o of outcomes) {
    for (const i of o.issues) {
      if (out.length >= MAX_REPORTED_ISSUES) return out;
      out.push(i);
    }
  }
  return out;
}

/** The mapping the caller gave, or the one the headers suggest; columns beyond the sheet are refused. */
export function resolveMapping(wb: ParsedWorkbook, given: ImportMapping | undefined): ImportMapping {
  const mapping: ImportMapping = given ?? suggestMapping(wb.headers);
  let width = wb.headers.length - 1;
  for (const r of wb.sheet.rows) width = Math.max(width, r.cells.length - 1);
  const used = new Map<number, ImportField>();
  for (const f of IMPORT_FIELDS) {
    const col = mapping[f];
    if (col == null) continue;
    if (col > width) throw new AppError('VALIDATION', `“${COLUMN_BY_FIELD[f].label}”对应的第 ${col} 列不存在`);
    const other = used.get(col);
    if (other) {
      throw new AppError('VALIDATION', `第 ${columnLetter(col)} 列同时对应了“${COLUMN_BY_FIELD[other].label}”和“${COLUMN_BY_FIELD[f].label}”`);
    }
    used.set(col, f);
  }
  if (mapping.nhsaCode == null) throw new AppError('VALIDATION', '必须指定“医保药品编码（药品代码）”所在的列：导入按医保编码新增或更新药品');
  return mapping;
}

const CHANGE_LABELS: Record<keyof DrugRecord, string> = {
  nhsaCode: '医保编码',
  genericName: '通用名',
  tradeName: '商品名',
  dosageForm: '剂型',
  spec: '规格',
  packUnit: '包装单位',
  baseUnit: '最小单位',
  packSize: '包装数量',
  manufacturer: '生产企业',
  approvalNo: '批准文号',
  insuranceClass: '医保类别',
  essential: '基本药物',
  vbp: '集采',
  vbpBatch: '集采批次',
  vbpPrice: '中选价格',
  referencePrice: '参考价',
  rx: '处方类别',
  zeroMarkup: '零差率',
  defaultSupplierId: '默认配送企业',
  hubMin: '中心库下限',
  hubMax: '中心库上限',
  clinicMin: '村室下限',
  clinicMax: '村室上限',
  tracePrefix: '追溯码前缀',
  gtin: '商品条码',
  active: '状态',
};

const PREVIEW_ROWS = 200;

export function previewImport(db: ReadDb, wb: ParsedWorkbook, given: ImportMapping | undefined): ImportPreview {
  const mapping = resolveMapping(wb, given);
  const outcomes = evaluateRows(db, wb, mapping);
  const n = countOf(outcomes);
  const dataRows = wb.sheet.rows.slice(wb.headerIndex + 1);
  const width = Math.max(wb.headers.length - 1, 0);
  const columns = [];
  for (let index = 1; index <= width; index++) {
    columns.push({
      index,
      letter: columnLetter(index),
      header: wb.headers[index] ?? '',
      samples: dataRows
        .slice(0, 3)
        .map((r) => cellText(r.cells[index] ?? null))
        .filter(Boolean),
    });
  }
  // Errors first in the sample, so the screen shows what needs fixing.
  const sample = [...outcomes.filter((o) => o.action === 'error'), ...outcomes.filter((o) => o.action !== 'error')].slice(0, PREVIEW_ROWS);
  const sampleRows = new Set(sample.map((o) => o.row));
  const sampleCells = new Map(dataRows.filter((r) => sampleRows.has(r.row)).map((r) => [r.row, r.cells]));
  const text = (o: Outcome, f: ImportField) => (mapping[f] != null ? cellText(sampleCells.get(o.row)?.[mapping[f]!] ?? null) : '');
  return {
    sheet: wb.sheet.name,
    sheets: wb.sheets,
    headerRow: wb.sheet.rows[wb.headerIndex].row,
    columns,
    mapping,
    missingRequired: CATALOG_COLUMNS.filter((c) => c.requiredForNew && mapping[c.field] == null).map((c) => c.field),
    totalRows: outcomes.length,
    newCount: n.new,
    updatedCount: n.update,
    unchangedCount: n.unchanged,
    errorRowCount: n.error,
    errorCount: n.issues,
    errors: reportedIssues(outcomes),
    rows: sample.map((o) => ({
      row: o.row,
      action: o.action,
      nhsaCode: o.record?.nhsaCode ?? text(o, 'nhsaCode'),
      genericName: o.record?.genericName ?? text(o, 'genericName'),
      spec: o.record?.spec ?? text(o, 'spec'),
      manufacturer: o.record?.manufacturer ?? text(o, 'manufacturer'),
      changes: o.changes.map((k) => CHANGE_LABELS[k]),
    })),
  };
}

export interface CommitResult {
  created: number;
  updated: number;
  unchanged: number;
  skippedRows: number;
  errorCount: number;
  errors: ImportIssue[];
}

/** Names indexed per short transaction ahead of an import (each name's pinyin readings: ~0.1 ms a name). */
export const NAMES_PER_TRANSACTION = 50;

/**
 * Puts the file's generic and trade names into the search index before the import's own write, fifty names
 * per short transaction with a turn of the event loop between. Reading each name's pinyin is most of an
 * import's work: inside the import's one transaction it held the server, and every village waiting on it, for
 * half a minute at 20,000 rows. Ahead of it, the LAN is answered between chunks, and the import's transaction
 * finds every name already indexed. The drugs still appear all at once, in that transaction. Only the names of the
 * rows it will write are indexed (none for a file refused as a whole); should the catalog change in between, a
 * name left without a drug finds nothing.
 */
export async function indexNamesAhead(
  db: WriteDb,
  wb: ParsedWorkbook,
  given: ImportMapping,
  mode: 'all' | 'cleanRowsOnly',
  writeChunk: ChunkWriter = writeInItsOwnTurn,
): Promise<number> {
  const outcomes = await evaluateRowsYielding(db, wb, resolveMapping(wb, given));
  // A file refused as a whole changes nothing, its names included (commitImport refuses it again, in its transaction).
  if (mode === 'all' && outcomes.some((o) => o.action === 'error')) return 0;
  const known = knownSearchNames(db);
  const names = new Set<string>();
  // The rows commitImport writes (new and updated drugs), whose names it would index itself.
  for (const o of outcomes) {
    if (o.action !== 'new' && o.action !== 'update') continue;
    for (const name of [o.record!.genericName, o.record!.tradeName]) if (name && !known.has(name)) names.add(name);
  }
  const list = [...names];
  for (let i = 0; i < list.length; i += NAMES_PER_TRANSACTION) {
    const chunk = list.slice(i, i + NAMES_PER_TRANSACTION);
    await writeChunk(() =>
      db
        .transaction(() => {
          for (const name of chunk) ensureSearchName(db, name, known);
        })
        .immediate(),
    );
  }
  return list.length;
}

/** How each short write ahead of an import runs: on a worker, it first takes the hub's write gate. */
export type ChunkWriter = (write: () => void) => Promise<void>;

const writeInItsOwnTurn: ChunkWriter = async (write) => {
  write();
  await new Promise((resolve) => setImmediate(resolve));
};

/** Writes the import. Must run inside the method's write transaction (all or nothing). */
export function commitImport(
  db: WriteDb,
  wb: ParsedWorkbook,
  given: ImportMapping,
  mode: 'all' | 'cleanRowsOnly',
  at: string,
  onWritten?: (done: number, total: number) => void,
): CommitResult {
  const mapping = resolveMapping(wb, given);
  const outcomes = evaluateRows(db, wb, mapping);
  const n = countOf(outcomes);
  if (outcomes.length === 0) throw new AppError('VALIDATION', '文件中没有药品数据（表头下面没有任何行）');
  if (n.error > 0 && mode === 'all') {
    const issues = reportedIssues(outcomes);
    throw new AppError(
      'VALIDATION',
      `文件中有 ${n.error} 行共 ${n.issues} 处错误，整个文件未导入，药品目录没有任何改动。请修正后重新导入，或选择“只导入无错误的行”。`,
      issues.slice(0, 50).map((i) => ({ path: `第${i.row}行·${i.column}`, message: i.reason })),
    );
  }
  if (n.error === outcomes.length) throw new AppError('VALIDATION', '文件中没有无错误的行，未导入任何药品');
  const known = knownSearchNames(db);
  const total = n.new + n.update;
  let done = 0;
  for (const o of outcomes) {
    if (o.action === 'new') insertDrug(db, o.record!, at, known);
    else if (o.action === 'update') updateDrug(db, o.existingId!, o.record!, at, known);
    else continue;
    if (++done % ROWS_PER_PROGRESS === 0) onWritten?.(done, total);
  }
  return {
    created: n.new,
    updated: n.update,
    unchanged: n.unchanged,
    skippedRows: n.error,
    errorCount: n.issues,
    errors: reportedIssues(outcomes),
  };
}
