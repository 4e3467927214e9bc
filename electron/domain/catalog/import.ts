import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import { CATALOG_COLUMNS, COLUMN_BY_FIELD, columnLetter, IMPORT_FIELDS, type ImportField } from '../../../shared/catalogColumns';
import { drugRuleProblems, MAX_REPORTED_ISSUES, type ImportIssue, type ImportMapping, type ImportPreview } from '../../../shared/contract/catalog';
import { approvalNoProblem, nhsaCodeProblem, normalizeApprovalNo, tracePrefixProblem } from '../../../shared/drugCodes';
import { normalizeCreditCode } from '../../../shared/creditCode';
import { normalizeGtin } from '../../../shared/traceCodes';
import { parseYuanToUnitPrice } from '../../../shared/money';
import { normalizeCode, normalizeText, parseDecimalText, parseInsuranceClass, parseWholeNumber, type CellInput } from '../../../shared/sheet-values';
import { readFieldCell } from '../../lib/sheets/cells';
import { Workbook } from '../../lib/sheets/model';
import { readWorkbookData } from '../../lib/sheets/read';
import { limitsWith } from '../../lib/sheets/limits';
import { isSheetFileRefused } from '../../lib/sheets/errors';
import { changedKeys, DRUG_RECORD_SELECT, drugInUse, insertDrug, toRecord, updateDrug, type DrugRecord } from './drugs';
import { ensureSearchName, knownSearchNames } from './searchIndex';
import { stageDrugs, stagedNamesNotIndexed, writeStagedDrugs } from './import-staging';
import type { ReceivedFile } from '../uploaded-file';
import {
  fieldColumnName,
  formatLabelOf,
  planCatalogWorkbook,
  resolveFile,
  SPEC_BY_FIELD,
  type CatalogReadChoices,
  type CatalogWorkbook,
  type ResolvedFile,
  type TakenSheet,
} from './sheet-file';

/**
 * Catalog import: a workbook's rows become drugs, matched by NHSA code (new code → new drug, known
 * code → update of the mapped columns only; unmapped columns keep what the hub has). Every problem is
 * reported as sheet, row, column (letter and header) and reason quoting the value. Nothing is written unless the
 * caller commits, and a commit is one transaction: with mode 'all' any problem refuses the whole file.
 */

export type ParsedWorkbook = CatalogWorkbook;

/** Reads the file on this thread (tests, tools; the app reads through the hub's cache on lib/sheets' worker). */
export async function parseCatalogWorkbook(file: ReceivedFile, choices: CatalogReadChoices = {}): Promise<ParsedWorkbook> {
  try {
    const data = await readWorkbookData(file.bytes, limitsWith());
    return planCatalogWorkbook(file.filename, new Workbook(data), choices);
  } catch (err) {
    if (isSheetFileRefused(err)) throw new AppError(err.appCode, `${file.filename}：${err.message}`);
    throw err;
  }
}

type Outcome = {
  taken: TakenSheet;
  row: number;
  action: 'new' | 'update' | 'unchanged' | 'error';
  record: DrugRecord | null;
  existingId: number | null;
  changes: (keyof DrugRecord)[];
  issues: ImportIssue[];
  /** What was read other than typed (a unit dropped, full-width folded, a date in 规格): said, not refused. */
  warnings: ImportIssue[];
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

/** Yuan as canonical decimal text (sheet-values.parseDecimalText) with at most 4 decimals → micro-yuan. */
function priceOf(text: string): number | string {
  const value = parseYuanToUnitPrice(text);
  if (value === null) return '应为以元为单位的数字，如 12.5';
  if (value < 0) return '价格不能为负';
  if (value % 100 !== 0) return '价格最多保留 4 位小数';
  if (value > 1e12) return '价格过大';
  return value;
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
  return { existing, suppliers: loadSuppliers(db) };
}

function loadSuppliers(db: ReadDb): Lookups['suppliers'] {
  const suppliers: Lookups['suppliers'] = new Map();
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
  return suppliers;
}

/**
 * A worker's pace point (lib/request-pressure.ts), called after every row (one atomic read while nothing is under
 * way): it waits while the request thread answers. Never inside a write transaction of the hub's file.
 */
export type PacePoint = () => unknown;

/** Checks every row against the mapping and the database. Pure reading: nothing is written. */
export function evaluateRows(db: ReadDb, file: ResolvedFile, lookups?: Lookups, pace?: PacePoint): Outcome[] {
  const { rows, evaluate, outcomes } = rowEvaluator(db, file, lookups);
  for (const [t, row] of rows()) {
    evaluate(t, row);
    pace?.();
  }
  return outcomes;
}

/**
 * The rows of a file as evaluated ahead of its commit, with what the evaluation read: the catalog and suppliers it
 * looked rows up in, and what it asked the ledger (whether a drug whose pack a row changes is in use).
 */
export interface AheadEvaluation {
  outcomes: Outcome[];
  lookups: Lookups;
  /** Drug id → in use (lots, orders or requests), for each drug whose pack size or base unit a row changes. */
  ledgerAnswers: Map<number, boolean>;
  /** The rows it would write are staged on the connection (stageAhead), for the transaction to write in two statements. */
  staged?: boolean;
}

/** The same, a few hundred rows per turn of the event loop, ahead of a commit. */
async function evaluateRowsYielding(db: ReadDb, file: ResolvedFile, pace?: PacePoint): Promise<AheadEvaluation> {
  const evaluator = rowEvaluator(db, file);
  let i = 0;
  for (const [t, row] of evaluator.rows()) {
    evaluator.evaluate(t, row);
    pace?.();
    if (++i % ROWS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return { outcomes: evaluator.outcomes, lookups: evaluator.lookups, ledgerAnswers: evaluator.ledgerAnswers };
}

/** Same drugs (by code, id and every field) and same suppliers (by name and credit code, id, state). */
function sameLookups(a: Lookups, b: Lookups): boolean {
  if (a.existing.size !== b.existing.size) return false;
  for (const [code, x] of a.existing) {
    const y = b.existing.get(code);
    if (!y || y.id !== x.id) return false;
    if (changedKeys(x.record, y.record).length > 0) return false;
  }
  return sameSuppliers(a.suppliers, b.suppliers);
}

function sameSuppliers(a: Lookups['suppliers'], b: Lookups['suppliers']): boolean {
  if (a.size !== b.size) return false;
  for (const [key, x] of a) {
    const y = b.get(key);
    if (!y || y.id !== x.id || y.active !== x.active || y.name !== x.name) return false;
  }
  return true;
}

/** The ledger answers as the evaluation had them: each drug whose pack a row changes is still in use, or still not. */
function sameLedgerAnswers(db: ReadDb, answers: Map<number, boolean>): boolean {
  for (const [id, inUse] of answers) if (drugInUse(db, id) !== inUse) return false;
  return true;
}

const ROWS_PER_TURN = 500;
/** Rows written between two progress notes of a commit (the dialog's count, a test's cue). */
export const ROWS_PER_PROGRESS = 1000;

/** The value as typed, for quoting in a message. */
const shown = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
/** A reason that quotes the value: the parsers' own do; the code checks' do not. */
const quoting = (raw: string, reason: string) => (reason.includes('“') || raw === '' ? reason : `“${shown(raw)}”：${reason}`);

function rowEvaluator(db: ReadDb, file: ResolvedFile, lookups: Lookups = loadLookups(db)) {
  const { existing, suppliers } = lookups;
  const ledgerAnswers = new Map<number, boolean>();
  const seen = new Map<string, { sheet: string; row: number }>();
  const outcomes: Outcome[] = [];

  function* rows(): Generator<[TakenSheet, number]> {
    for (const t of file.taken) for (const row of t.data.rows) yield [t, row];
  }

  const evaluate = (t: TakenSheet, row: number) => {
    const sheetName = t.sheet.name;
    const issues: ImportIssue[] = [];
    const warnings: ImportIssue[] = [];
    const issueColumns: number[] = [];
    const problem = (f: ImportField, reason: string) => {
      issues.push({ sheet: sheetName, row, column: fieldColumnName(t, f), reason });
      issueColumns.push(t.columns[f] ?? 100_000 + IMPORT_FIELDS.indexOf(f));
    };
    const warn = (f: ImportField, reason: string) => warnings.push({ sheet: sheetName, row, column: fieldColumnName(t, f), reason });
    const raw = (f: ImportField) => (t.columns[f] === undefined ? '' : t.sheet.text(row, t.columns[f]!).trim());
    /** The cell for a field, or a problem already reported (a formula without its result, an error value). */
    const read = (f: ImportField): { ok: true; value: CellInput; raw: string } | { ok: false } => {
      const col = t.columns[f]!;
      const cell = readFieldCell(t.sheet, row, col, SPEC_BY_FIELD.get(f));
      if (cell.problem) {
        problem(f, cell.problem);
        return { ok: false };
      }
      if (cell.warning) warn(f, cell.warning);
      // A number as shown (15 digits, no float noise) where the field is text.
      return { ok: true, value: cell.kind === 'number' && !PRICE_OR_QTY.has(f) ? cell.text : cell.value, raw: cell.text.trim() };
    };
    const noted = (f: ImportField, rawText: string, notes: string[]) => {
      if (!notes.length) return;
      const said = notes.join('；');
      warn(f, said.startsWith(`“${rawText}”`) ? said : `“${shown(rawText)}”：${said}`);
    };
    /** Text of a field after sheet-values' reading (null: empty or an empty marker such as 无, —, null). */
    const textOf = (f: ImportField, value: CellInput, rawText: string): string | null => {
      const n = normalizeText(value);
      noted(f, rawText, n.notes);
      return n.value;
    };

    let nhsaCode = '';
    let codeOk = false;
    const codeCell = read('nhsaCode');
    if (codeCell.ok) {
      const c = normalizeCode(codeCell.value);
      if (!c.ok) problem('nhsaCode', c.reason);
      else {
        nhsaCode = c.value ?? '';
        noted('nhsaCode', codeCell.raw, c.notes);
        const p = nhsaCodeProblem(nhsaCode);
        const earlier = seen.get(nhsaCode);
        if (p) problem('nhsaCode', quoting(codeCell.raw, p));
        else if (earlier) {
          const where = earlier.sheet === sheetName ? `第 ${earlier.row} 行` : `“${earlier.sheet}”第 ${earlier.row} 行`;
          problem('nhsaCode', `“${nhsaCode}”与${where}的药品代码重复（内容不同）`);
        } else {
          seen.set(nhsaCode, { sheet: sheetName, row });
          codeOk = true;
        }
      }
    }

    const found = codeOk ? existing.get(nhsaCode) : undefined;
    const before = found?.record;
    const rec = before ? copyRecord(before) : newRecord(nhsaCode);
    const blankRequired: ImportField[] = [];
    // The row's own units, for "24片" and "24粒/盒" (the drug's when the file has no such column).
    const unitText = (f: 'baseUnit' | 'packUnit') => (t.columns[f] === undefined ? (before?.[f] ?? null) : normalizeText(raw(f)).value);
    const baseUnit = unitText('baseUnit');
    const packUnit = unitText('packUnit');

    for (const field of IMPORT_FIELDS) {
      if (field === 'nhsaCode' || t.columns[field] === undefined) continue;
      const cell = read(field);
      if (!cell.ok) continue;
      const { value, raw: rawText } = cell;
      switch (field) {
        case 'genericName':
        case 'dosageForm':
        case 'spec':
        case 'packUnit':
        case 'baseUnit':
        case 'manufacturer': {
          const text = textOf(field, value, rawText);
          if (text === null) blankRequired.push(field);
          else if (text.length > TEXT_LIMITS[field]!) problem(field, quoting(rawText, `不能超过 ${TEXT_LIMITS[field]} 个字符（现有 ${text.length} 个）`));
          else rec[field] = text;
          break;
        }
        case 'tradeName':
        case 'vbpBatch': {
          const text = textOf(field, value, rawText);
          if (text !== null && text.length > TEXT_LIMITS[field]!) problem(field, quoting(rawText, `不能超过 ${TEXT_LIMITS[field]} 个字符`));
          else rec[field] = text;
          break;
        }
        case 'packSize': {
          const n = parseWholeNumber(value, { unit: baseUnit, packUnit });
          if (!n.ok) problem(field, `${n.reason}（最小包装数量：每个包装含多少最小单位）`);
          else if (n.value === null) blankRequired.push(field);
          else if (n.value < 1) problem(field, quoting(rawText, '最小包装数量不能小于 1'));
          else if (n.value > 100_000) problem(field, quoting(rawText, '最小包装数量不能大于 100000'));
          else {
            noted(field, rawText, n.notes);
            rec.packSize = n.value;
          }
          break;
        }
        case 'approvalNo': {
          const text = textOf(field, value, rawText);
          const v = text ? normalizeApprovalNo(text) : null;
          const p = v ? approvalNoProblem(v) : null;
          if (p) problem(field, quoting(rawText, p));
          else rec.approvalNo = v;
          break;
        }
        case 'insuranceClass': {
          const v = parseInsuranceClass(value);
          if (!v.ok) problem(field, v.reason);
          else {
            noted(field, rawText, v.notes);
            rec.insuranceClass = v.value ?? 'none';
          }
          break;
        }
        case 'essential':
        case 'vbp':
        case 'zeroMarkup':
        case 'rx':
        case 'active': {
          const text = wordOf(value);
          const parse = field === 'rx' ? parseRx : field === 'active' ? parseActive : parseBool;
          const v = text === null ? (field === 'essential' || field === 'vbp' ? false : rec[field]) : parse(text);
          if (v === undefined)
            problem(field, `无法识别“${shown(rawText)}”：应为 ${field === 'rx' ? '处方 或 OTC' : field === 'active' ? '启用 或 停用' : '是 或 否'}`);
          else rec[field] = v;
          break;
        }
        case 'vbpPrice':
        case 'referencePrice': {
          const d = parseDecimalText(value, { packUnit });
          if (!d.ok) {
            problem(field, `${d.reason}：价格应为以元为单位的数字，如 12.5`);
            break;
          }
          if (d.value === null) {
            rec[field] = null;
            break;
          }
          const v = priceOf(d.value);
          if (typeof v === 'string') problem(field, quoting(rawText, v));
          else {
            noted(field, rawText, d.notes);
            rec[field] = v;
          }
          break;
        }
        case 'hubMin':
        case 'hubMax':
        case 'clinicMin':
        case 'clinicMax': {
          const n = parseWholeNumber(value, { unit: baseUnit });
          if (!n.ok) problem(field, `${n.reason}（按最小单位计的数量）`);
          else if (n.value === null) rec[field] = null;
          else if (n.value < 0 || n.value > 1e9) problem(field, quoting(rawText, n.value < 0 ? '不能小于 0' : '不能大于 1000000000'));
          else {
            noted(field, rawText, n.notes);
            rec[field] = n.value;
          }
          break;
        }
        case 'tracePrefix': {
          const c = normalizeCode(value);
          const p = !c.ok ? c.reason : c.value ? tracePrefixProblem(c.value) : null;
          if (p) problem(field, quoting(rawText, p));
          else rec.tracePrefix = c.ok ? c.value : null;
          break;
        }
        case 'gtin': {
          const c = normalizeCode(value);
          if (!c.ok) {
            problem(field, c.reason);
            break;
          }
          if (c.value === null) {
            rec.gtin = null;
            break;
          }
          const g = normalizeGtin(c.value);
          if ('problem' in g) problem(field, quoting(rawText, g.problem));
          else rec.gtin = g.gtin;
          break;
        }
        case 'defaultSupplier': {
          const text = textOf(field, value, rawText);
          if (text === null) {
            rec.defaultSupplierId = null;
            break;
          }
          const s = suppliers.get(text) ?? suppliers.get(normalizeCreditCode(text));
          if (!s) problem(field, `配送企业“${text}”未登记，请先在“配送企业”中添加`);
          else if (!s.active) problem(field, `配送企业“${s.name}”已停用`);
          else rec.defaultSupplierId = s.id;
          break;
        }
      }
    }

    for (const f of REQUIRED) {
      if (f === 'nhsaCode') continue;
      if (blankRequired.includes(f)) problem(f, `${COLUMN_BY_FIELD[f].label}不能为空${rawIfMarker(raw(f))}`);
      else if (!before && t.columns[f] === undefined) problem(f, `新增药品必须有${COLUMN_BY_FIELD[f].label}（没有对应的列）`);
    }
    for (const p of drugRuleProblems(rec)) problem(p.path as ImportField, p.message);
    const unitsChange = found && before && issues.length === 0 && (before.packSize !== rec.packSize || before.baseUnit !== rec.baseUnit);
    if (found && before && unitsChange) ledgerAnswers.set(found.id, drugInUse(db, found.id));
    if (found && before && unitsChange && ledgerAnswers.get(found.id)) {
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
      outcomes.push({ taken: t, row, action: 'error', record: null, existingId: found?.id ?? null, changes: [], issues, warnings });
    } else if (found && before) {
      const changes = changedKeys(before, rec);
      outcomes.push({ taken: t, row, action: changes.length ? 'update' : 'unchanged', record: rec, existingId: found.id, changes, issues, warnings });
    } else {
      outcomes.push({ taken: t, row, action: 'new', record: rec, existingId: null, changes: [], issues, warnings });
    }
  };
  return { rows, evaluate, outcomes, lookups, ledgerAnswers };
}

/** Fields read as numbers (a number cell stays a number for their parsers). */
const PRICE_OR_QTY = new Set<ImportField>(['vbpPrice', 'referencePrice', 'hubMin', 'hubMax', 'clinicMin', 'clinicMax', 'packSize']);

/** A yes/no or enumerated cell as a word: folded, trimmed, upper-cased by its parser; null when empty. */
function wordOf(value: CellInput): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  const n = normalizeText(typeof value === 'number' ? String(value) : value);
  // 无 is an empty marker in text but a "no" here: 零差率 无.
  const text = typeof value === 'string' ? value.trim() : '';
  if (n.value === null) return text === '无' ? '无' : null;
  return n.value;
}

/** "不能为空" says which empty marker was read as empty (a cell that reads "—" is not blank to a person). */
const rawIfMarker = (rawText: string) => (rawText ? `（“${shown(rawText)}”按空值处理）` : '');

function countOf(outcomes: Outcome[]) {
  const n = { new: 0, update: 0, unchanged: 0, error: 0, issues: 0 };
  for (const o of outcomes) {
    n[o.action]++;
    n.issues += o.issues.length;
  }
  return n;
}

function reportedIssues(outcomes: Outcome[], which: 'issues' | 'warnings' = 'issues'): ImportIssue[] {
  const out: ImportIssue[] = [];
  for (const o of outcomes) {
    for (const i of o[which]) {
      if (out.length >= MAX_REPORTED_ISSUES) return out;
      out.push(i);
    }
  }
  return out;
}

/** Exact repeats of an earlier row, as warnings: each is imported once. */
function duplicateWarnings(file: ResolvedFile): ImportIssue[] {
  return file.taken.flatMap((t) =>
    t.data.duplicates.map((d) => ({ sheet: t.sheet.name, row: d.row, column: '整行', reason: `与第 ${d.sameAs} 行完全相同，只导入一次` })),
  );
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

export function previewImport(db: ReadDb, wb: ParsedWorkbook, given: ImportMapping | undefined, pace?: PacePoint): ImportPreview {
  const file = resolveFile(wb, given);
  const { mapping } = file;
  const outcomes = evaluateRows(db, file, undefined, pace);
  const n = countOf(outcomes);
  const first = file.taken[0];
  const sheet = first.sheet;
  const headerRow = first.plan.header.row;
  const passedOver = new Map<number, string>();
  for (const choice of first.plan.mapping.choices) {
    for (const p of choice.passedOver) passedOver.set(p.col, `也对应“${COLUMN_BY_FIELD[choice.field].label}”，未选用：${p.why}`);
  }
  const width = first.plan.header.cells.reduce((w, c) => Math.max(w, c.col), 0);
  const sampleRows = first.data.rows.slice(0, 3);
  const columns = [];
  for (let index = 1; index <= width; index++) {
    columns.push({
      index,
      letter: columnLetter(index),
      header: sheet.text(headerRow, index).trim(),
      samples: sampleRows.map((r) => sheet.text(r, index).trim()).filter(Boolean),
      hidden: sheet.isColumnHidden(index),
      passedOver: passedOver.get(index) ?? null,
    });
  }
  // Errors first in the sample, so the screen shows what needs fixing.
  const sample = [...outcomes.filter((o) => o.action === 'error'), ...outcomes.filter((o) => o.action !== 'error')].slice(0, PREVIEW_ROWS);
  const text = (o: Outcome, f: ImportField) => (o.taken.columns[f] !== undefined ? o.taken.sheet.text(o.row, o.taken.columns[f]!).trim() : '');
  const duplicates = duplicateWarnings(file);
  const warnings = [...duplicates, ...reportedIssues(outcomes, 'warnings')].slice(0, MAX_REPORTED_ISSUES);
  const warningCount = duplicates.length + outcomes.reduce((k, o) => k + o.warnings.length, 0);
  return {
    sheet: sheet.name,
    sheets: wb.plan.sheets.map((s) => ({ name: s.name, taken: s.taken, hidden: s.hidden === true, headerRow: s.headerRow, rows: s.rows, reason: s.reason })),
    headerRow,
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
      sheet: o.taken.sheet.name,
      row: o.row,
      action: o.action,
      nhsaCode: o.record?.nhsaCode ?? text(o, 'nhsaCode'),
      genericName: o.record?.genericName ?? text(o, 'genericName'),
      spec: o.record?.spec ?? text(o, 'spec'),
      manufacturer: o.record?.manufacturer ?? text(o, 'manufacturer'),
      changes: o.changes.map((k) => CHANGE_LABELS[k]),
    })),
    format: formatLabelOf(wb),
    encoding: wb.workbook.encoding,
    warningCount,
    warnings,
    ignored: file.taken.flatMap((t) => t.data.ignored.map((r) => ({ sheet: t.sheet.name, row: r.row, label: r.label, text: r.text }))),
    duplicates: file.taken.flatMap((t) => t.data.duplicates.map((d) => ({ sheet: t.sheet.name, row: d.row, sameAs: d.sameAs }))),
    hiddenRows: file.taken.flatMap((t) => t.data.hiddenRows.map((row) => ({ sheet: t.sheet.name, row }))),
    hiddenRowsSkipped: wb.choices.skipHiddenRows === true,
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
  pace?: PacePoint,
): Promise<{ indexed: number; evaluation: AheadEvaluation }> {
  const evaluation = await evaluateRowsYielding(db, resolveFile(wb, given), pace);
  const { outcomes } = evaluation;
  // A file refused as a whole changes nothing, its names included (commitImport refuses it again, in its transaction).
  if (mode === 'all' && outcomes.some((o) => o.action === 'error')) return { indexed: 0, evaluation };
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
  return { indexed: list.length, evaluation };
}

/** How each short write ahead of an import runs: on a worker, it first takes the hub's write gate. */
export type ChunkWriter = (write: () => void) => Promise<void>;

const writeInItsOwnTurn: ChunkWriter = async (write) => {
  write();
  await new Promise((resolve) => setImmediate(resolve));
};

/**
 * Writes the import. Must run inside the method's write transaction (all or nothing). The rows are evaluated again
 * here, against the catalog as the transaction sees it, unless `ahead` (the same file and mapping, evaluated before
 * the transaction began) read exactly the drugs and suppliers the transaction sees and the ledger still answers
 * what it asked as it did (whether a drug whose pack a row changes is in use): its outcomes are then what evaluating
 * again would give, and the transaction, which holds every other write of the hub, is seconds shorter (150,000 rows:
 * 2.8 s of 6.8). When the rows were also staged (stageAhead), they are written in two statements instead of one by one.
 */
export function commitImport(
  db: WriteDb,
  wb: ParsedWorkbook,
  given: ImportMapping,
  mode: 'all' | 'cleanRowsOnly',
  at: string,
  onWritten?: (done: number, total: number) => void,
  ahead?: AheadEvaluation,
): CommitResult {
  const reuse = ahead !== undefined && aheadStillHolds(db, ahead);
  const outcomes = reuse ? ahead.outcomes : evaluateRows(db, resolveFile(wb, given));
  const n = committableCounts(outcomes, mode);
  const total = n.new + n.update;
  onWritten?.(0, total);
  if (reuse && ahead.staged) writeStaged(db, outcomes, at, total);
  else writeRowByRow(db, outcomes, at, total, onWritten);
  onWritten?.(total, total);
  return resultOf(outcomes, n);
}

/**
 * Whether `ahead` still tells what evaluating again would: it read exactly the drugs and suppliers the transaction
 * sees, and the ledger answers what it asked as it did.
 */
export function aheadStillHolds(db: ReadDb, ahead: AheadEvaluation): boolean {
  return sameLookups(ahead.lookups, loadLookups(db)) && sameLedgerAnswers(db, ahead.ledgerAnswers);
}

/**
 * Whether the suppliers, and the ledger's answers about drugs `ids`, are still as `ahead` read them (a batched
 * write checks its drugs' own stamps apart: import-staging.ts).
 */
export function aheadHoldsFor(db: ReadDb, ahead: AheadEvaluation, ids: readonly number[]): boolean {
  if (!sameSuppliers(ahead.lookups.suppliers, loadSuppliers(db))) return false;
  for (const id of ids) {
    const inUse = ahead.ledgerAnswers.get(id);
    if (inUse !== undefined && drugInUse(db, id) !== inUse) return false;
  }
  return true;
}

/** The refusals of every commit, whether it writes in one transaction or in batches; the counts when it may write. */
export function committableCounts(outcomes: Outcome[], mode: 'all' | 'cleanRowsOnly'): ReturnType<typeof countOf> {
  const n = countOf(outcomes);
  if (outcomes.length === 0) throw new AppError('VALIDATION', '文件中没有药品数据（表头下面没有任何行）');
  if (n.error > 0 && mode === 'all') {
    const issues = reportedIssues(outcomes);
    throw new AppError(
      'VALIDATION',
      `文件中有 ${n.error} 行共 ${n.issues} 处错误，整个文件未导入，药品目录没有任何改动。请修正后重新导入，或选择“只导入无错误的行”。`,
      issues.slice(0, 50).map((i) => ({ path: `${i.sheet}·第${i.row}行·${i.column}`, message: i.reason })),
    );
  }
  if (n.error === outcomes.length) throw new AppError('VALIDATION', '文件中没有无错误的行，未导入任何药品');
  return n;
}

export function resultOf(outcomes: Outcome[], n: ReturnType<typeof countOf>): CommitResult {
  return {
    created: n.new,
    updated: n.update,
    unchanged: n.unchanged,
    skippedRows: n.error,
    errorCount: n.issues,
    errors: reportedIssues(outcomes),
  };
}

/** Writes the new and updated drugs (`total` of them) one by one, a progress note every ROWS_PER_PROGRESS. */
function writeRowByRow(db: WriteDb, outcomes: Outcome[], at: string, total: number, onWritten?: (done: number, total: number) => void): void {
  const known = knownSearchNames(db);
  let done = 0;
  for (const o of outcomes) {
    if (o.action === 'new') insertDrug(db, o.record!, at, known);
    else if (o.action === 'update') updateDrug(db, o.existingId!, o.record!, at, known);
    else continue;
    if (++done % ROWS_PER_PROGRESS === 0) onWritten?.(done, total);
  }
}

/**
 * Writes the rows staged ahead (import-staging.ts) in two statements. A GTIN already taken (checked by the unique
 * index, not by the evaluation) undoes them, and the rows are written one by one instead, which refuses the file at
 * the first such row with the message the drug form gives.
 */
function writeStaged(db: WriteDb, outcomes: Outcome[], at: string, total: number): void {
  try {
    db.transaction(() => writeStagedDrugs(db, at))();
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
    writeRowByRow(db, outcomes, at, total);
    return;
  }
  // The names were indexed ahead in short transactions; any left (the index changed meanwhile) are indexed here.
  for (const name of stagedNamesNotIndexed(db)) ensureSearchName(db, name);
}

/**
 * Stages on the connection the rows a commit of this evaluation writes (none for a file refused as a whole), so the
 * commit's transaction, which holds every other write of the hub, writes them in two statements. Staging writes
 * only the connection's own TEMP file: it holds nobody.
 */
export function stageAhead(db: WriteDb, evaluation: AheadEvaluation, mode: 'all' | 'cleanRowsOnly', pace?: PacePoint): AheadEvaluation {
  if (mode === 'all' && evaluation.outcomes.some((o) => o.action === 'error')) return evaluation;
  const rows = evaluation.outcomes.filter((o) => o.action === 'new' || o.action === 'update');
  stageDrugs(
    db,
    rows.map((o) => ({ existingId: o.action === 'update' ? o.existingId : null, record: o.record! })),
    pace,
  );
  return { ...evaluation, staged: true };
}
