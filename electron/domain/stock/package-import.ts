/**
 * Importing a supplier's code association file (大码/中码 → 小码): read on the lib/sheets worker, columns found by
 * header, every row checked against the file and the links already imported. Preview writes nothing; the import is
 * all or nothing, and a link imported before changes nothing (the same file twice adds nothing).
 *
 * A child is packed in one parent only: a second parent for it (in the file or already imported) is refused with
 * both rows named. A code cannot be packed in itself at any depth, and a box the hub already registered cannot be
 * a carton.
 */
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { checkColumnMapping } from '../import-mapping';
import { AppError } from '../../errors';
import {
  columnLetter,
  columnName,
  dataRowsInSlices,
  FORMAT_LABELS,
  planSheets,
  readFieldCell,
  type ColumnMapping,
  type FieldSpec,
  type Sheet,
} from '../../lib/sheets';
import type { ReadableHub } from '../ports';
import type { ReceivedFile } from '../uploaded-file';
import type { PackageMapping } from '../../../shared/contract/trace-packages';
import { normalizeCode } from '../../../shared/sheet-values';
import { parseBoxCode } from '../../../shared/traceCodes';
import {
  PACKAGE_COLUMN_BY_FIELD,
  PACKAGE_COLUMNS,
  PACKAGE_FIELDS,
  readPackageLevel,
  type PackageField,
  type PackageLevel,
} from '../../../shared/tracePackages';
import { readUploadedWorkbook } from '../uploaded-workbook';

const MAX_ISSUES = 2000;
const PREVIEW_ROWS = 200;

const SPECS: FieldSpec<PackageField>[] = PACKAGE_COLUMNS.map((c) => ({
  field: c.field,
  label: c.label,
  national: c.national,
  aliases: [c.label, ...c.aliases],
  expects: c.field === 'level' ? 'text' : 'code',
  validate: c.field === 'level' ? (_v, text) => readPackageLevel(text) !== null : (v, text) => readCode(v, text).ok,
  required: c.required,
}));

export interface PackageFile {
  fileName: string;
  sha256: string;
  format: string;
  sheet: Sheet;
  headerRow: number;
  headers: { col: number; text: string }[];
  columns: Partial<Record<PackageField, number>>;
  rows: number[];
  duplicates: { row: number; sameAs: number }[];
}

/** A code cell as a scanner would have typed it; a long number Excel has already rounded is refused. */
function readCode(value: unknown, text: string): { ok: true; code: string } | { ok: false; reason: string } {
  if (typeof value === 'number') {
    const n = normalizeCode(value);
    if (!n.ok) return { ok: false, reason: n.reason };
  }
  const parsed = parseBoxCode(text);
  return parsed.ok ? { ok: true, code: parsed.value.code } : { ok: false, reason: parsed.message };
}

export async function readPackageFile(hub: ReadableHub, file: ReceivedFile, given: PackageMapping | undefined): Promise<PackageFile> {
  const read = await readUploadedWorkbook(hub, file);
  const plan = planSheets(read.workbook, SPECS);
  const first = plan.taken[0];
  if (!first) {
    throw new AppError('VALIDATION', `${file.filename}：没有找到关联关系的表头。前 30 行中应有一行列名，如 上级码（大码、父码）、下级码（小码、子码）`);
  }
  const columns = given
    ? checkColumnMapping(first.sheet.columnCount, PACKAGE_FIELDS, (f) => PACKAGE_COLUMN_BY_FIELD[f].label, given)
    : { ...first.mapping.columns };
  const missing = PACKAGE_COLUMNS.filter((c) => c.required && columns[c.field] == null);
  if (missing.length) {
    throw new AppError(
      'VALIDATION',
      `${file.filename}：没有${missing.map((c) => `“${c.label}”`).join('、')}所在的列：请在列映射中指定`,
      missing.map((c) => ({ path: `mapping.${c.field}`, message: '必须指定' })),
    );
  }
  const data = await dataRowsInSlices(first.sheet, { ...first.mapping, columns } as ColumnMapping<PackageField>);
  return {
    fileName: file.filename,
    sha256: read.sha256,
    format: FORMAT_LABELS[read.workbook.format],
    sheet: first.sheet,
    headerRow: first.header.row,
    headers: first.header.cells.map((c) => ({ col: c.col, text: c.text })),
    columns,
    rows: data.rows,
    duplicates: data.duplicates.map((d) => ({ row: d.row, sameAs: d.sameAs })),
  };
}

interface Outcome {
  row: number;
  action: 'new' | 'known' | 'error';
  parentCode: string | null;
  childCode: string | null;
  level: PackageLevel | null;
  issues: { column: string; reason: string }[];
}

interface Link {
  parent: string;
  level: PackageLevel | null;
  row: number | null;
}

/** Every row judged against the file's other rows and what was imported before (the database is only read). */
function evaluate(db: ReadDb, file: PackageFile): Outcome[] {
  const header = (f: PackageField) => {
    const col = file.columns[f]!;
    return columnName(col, file.headers.find((h) => h.col === col)?.text ?? PACKAGE_COLUMN_BY_FIELD[f].label);
  };
  const existing = sql(db, 'SELECT parent_code AS parent, level FROM trace_packages WHERE child_code = ?');
  const registeredBox = sql(db, 'SELECT 1 FROM trace_codes WHERE code = ?');
  const outcomes: Outcome[] = file.rows.map((row) => {
    const issues: Outcome['issues'] = [];
    const code = (f: 'parentCode' | 'childCode') => {
      const cell = readFieldCell(file.sheet, row, file.columns[f]!, { expects: 'code' });
      if (cell.problem) issues.push({ column: header(f), reason: cell.problem });
      else if (cell.text.trim() === '') issues.push({ column: header(f), reason: '不能为空' });
      else {
        const r = readCode(cell.value, cell.text);
        if (r.ok) return r.code;
        issues.push({ column: header(f), reason: r.reason });
      }
      return null;
    };
    const parentCode = code('parentCode');
    const childCode = code('childCode');
    let level: PackageLevel | null = null;
    if (file.columns.level != null) {
      const text = file.sheet.text(row, file.columns.level).trim();
      if (text !== '') {
        level = readPackageLevel(text);
        if (level === null) issues.push({ column: header('level'), reason: `“${text}”不是上级码的层级：应为 大码（3）或 中码（2）` });
      }
    }
    if (parentCode && parentCode === childCode) issues.push({ column: header('childCode'), reason: '下级码与上级码相同' });
    return { row, action: issues.length ? 'error' : 'new', parentCode, childCode, level, issues };
  });

  // The file's links with what was imported before: one parent per child.
  const parentOf = new Map<string, Link>();
  for (const o of outcomes) {
    if (o.action === 'error') continue;
    const child = o.childCode!;
    const before = existing.get(child) as { parent: string; level: PackageLevel } | undefined;
    if (before) {
      if (before.parent === o.parentCode) o.action = 'known';
      else {
        o.action = 'error';
        o.issues.push({ column: header('childCode'), reason: `下级码 ${child} 已属于 ${before.parent}（以前导入的关联），一个码只能装在一个上级码里` });
        continue;
      }
    }
    const inFile = parentOf.get(child);
    if (inFile && inFile.parent !== o.parentCode) {
      o.action = 'error';
      o.issues.push({
        column: header('childCode'),
        reason: `下级码 ${child} 在第 ${inFile.row} 行属于 ${inFile.parent}，这一行又属于 ${o.parentCode}：一个码只能装在一个上级码里`,
      });
      continue;
    }
    if (!inFile) parentOf.set(child, { parent: o.parentCode!, level: o.level, row: o.row });
    if (registeredBox.get(o.parentCode)) {
      o.action = 'error';
      o.issues.push({ column: header('parentCode'), reason: `${o.parentCode} 是卫生院已登记的一盒药的追溯码（小码），不能作为大码或中码` });
    }
  }
  const parentInDb = (code: string) => (existing.get(code) as { parent: string } | undefined)?.parent ?? null;
  const parentAnywhere = (code: string) => parentOf.get(code)?.parent ?? parentInDb(code);
  for (const o of outcomes) {
    if (o.action !== 'new') continue;
    // Packed in itself at some depth: the walk up from the parent meets the child.
    let up: string | null = o.parentCode;
    for (let depth = 0; up && depth < 10; depth++) {
      if (up === o.childCode) {
        o.action = 'error';
        o.issues.push({ column: header('childCode'), reason: `${o.childCode} 是 ${o.parentCode} 的上级码，不能又装在它里面` });
        break;
      }
      up = parentAnywhere(up);
    }
  }
  // A parent's level: as the file says, else a 中码 when it is itself packed in something, else a 大码.
  for (const o of outcomes) {
    if (o.action === 'error') continue;
    o.level ??= parentAnywhere(o.parentCode!) ? 2 : 3;
  }
  return outcomes;
}

function counts(outcomes: Outcome[]) {
  const parents = new Map<string, PackageLevel | null>();
  const children = new Set<string>();
  for (const o of outcomes) {
    if (o.action === 'error') continue;
    parents.set(o.parentCode!, o.level);
    children.add(o.childCode!);
  }
  const levels = [...parents.values()];
  return {
    // The same link on two rows (say, one with its level, one without) is one link.
    new: new Set(outcomes.filter((o) => o.action === 'new').map((o) => o.childCode)).size,
    known: outcomes.filter((o) => o.action === 'known').length,
    error: outcomes.filter((o) => o.action === 'error').length,
    cartons: levels.filter((l) => l === 3).length,
    middlePacks: levels.filter((l) => l === 2).length,
    boxes: [...children].filter((c) => !parents.has(c)).length,
  };
}

const issuesOf = (file: PackageFile, outcomes: Outcome[]) =>
  outcomes.flatMap((o) => o.issues.map((i) => ({ sheet: file.sheet.name, row: o.row, column: i.column, reason: i.reason }))).slice(0, MAX_ISSUES);

export function previewPackages(db: ReadDb, file: PackageFile) {
  const outcomes = evaluate(db, file);
  const n = counts(outcomes);
  const fieldOf = new Map<number, PackageField>();
  for (const f of PACKAGE_FIELDS) if (file.columns[f] != null) fieldOf.set(file.columns[f]!, f);
  const mapping: PackageMapping = {};
  for (const f of PACKAGE_FIELDS) if (file.columns[f] != null) mapping[f] = file.columns[f]!;
  const sample = [...outcomes.filter((o) => o.action === 'error'), ...outcomes.filter((o) => o.action !== 'error')].slice(0, PREVIEW_ROWS);
  return {
    format: file.format,
    sheet: file.sheet.name,
    headerRow: file.headerRow,
    mapping,
    columns: file.headers.map((h) => ({ index: h.col, letter: columnLetter(h.col), header: h.text, field: fieldOf.get(h.col) ?? null })),
    totalRows: file.rows.length,
    newLinks: n.new,
    knownLinks: n.known,
    errorRows: n.error,
    cartons: n.cartons,
    middlePacks: n.middlePacks,
    boxes: n.boxes,
    errors: issuesOf(file, outcomes),
    duplicates: file.duplicates,
    rows: sample.map((o) => ({
      row: o.row,
      action: o.action,
      parentCode: o.parentCode,
      childCode: o.childCode,
      level: o.action === 'error' ? null : o.level,
      reasons: o.issues.map((i) => `${i.column}：${i.reason}`),
    })),
  };
}

/** Writes the file's new links inside the caller's write transaction: all of them, or (any error) none. */
export function commitPackages(db: WriteDb, ctx: { userId: number; now: Date; supplierId: number | null }, file: PackageFile) {
  const outcomes = evaluate(db, file);
  const n = counts(outcomes);
  if (file.rows.length === 0) throw new AppError('VALIDATION', `${file.fileName}：表头下面没有关联关系`);
  if (n.error > 0) {
    const issues = issuesOf(file, outcomes);
    const first = issues[0];
    throw new AppError(
      'VALIDATION',
      `文件中有 ${n.error} 行有错误，整个文件未导入，没有任何改动。第一处：第 ${first.row} 行 ${first.column}：${first.reason}`,
      issues.slice(0, 50).map((i) => ({ path: `第${i.row}行·${i.column}`, message: i.reason })),
    );
  }
  const summary = { added: n.new, known: n.known, cartons: n.cartons, middlePacks: n.middlePacks, boxes: n.boxes };
  if (n.new === 0) return { importId: null, ...summary };
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO trace_package_imports (supplier_id, file_name, sha256, added, known, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(ctx.supplierId, file.fileName.slice(0, 200), file.sha256, n.new, n.known, ctx.userId, ctx.now.toISOString());
  const importId = Number(lastInsertRowid);
  const insert = sql(db, 'INSERT INTO trace_packages (child_code, parent_code, level, import_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const done = new Set<string>();
  for (const o of outcomes) {
    if (o.action !== 'new' || done.has(o.childCode!)) continue; // the same link on two rows is one link
    done.add(o.childCode!);
    insert.run(o.childCode, o.parentCode, o.level, importId, ctx.userId, ctx.now.toISOString());
  }
  return { importId, ...summary };
}
