/**
 * Importing a clinic's settlement details: preview (nothing written) and commit (one transaction, all or
 * nothing unless the user knowingly imports only the clean rows). A line imported before changes nothing;
 * a reversal line is kept as its own line pointing at the line it takes back.
 */
import { sql, type ReadDb, type WriteDb } from '../../db/database';
import { AppError } from '../../errors';
import { columnLetter } from '../../lib/sheets';
import type { SettlementImportPreview } from '../../../shared/contract/reconciliation';
import {
  maskCertno,
  maskName,
  maskPsnNo,
  SETTLEMENT_COLUMN_BY_FIELD,
  SETTLEMENT_COLUMNS,
  SETTLEMENT_FIELDS,
  type SettlementField,
} from '../../../shared/reconciliation';
import { countOf, evaluateRows, lookups, type Outcome } from './evaluate';
import { formatLabel, type SettlementFile } from './file';
import { parseRow, type ParsedRow, type RowIssue } from './parse';

const MAX_ISSUES = 2000;
const PREVIEW_ROWS = 200;

/** Every data row of the taken sheets, parsed (the file alone: no database). */
export function parseFile(file: SettlementFile, today: string): ParsedRow[] {
  const out: ParsedRow[] = [];
  for (const t of file.taken) for (const row of t.rows) out.push(parseRow(t.sheet, t.plan.header.row, t.columns, row, today));
  return out;
}

function missingRequired(file: SettlementFile): SettlementField[] {
  return SETTLEMENT_COLUMNS.filter((c) => c.required && file.mapping[c.field] == null).map((c) => c.field);
}

function assertMappable(file: SettlementFile): void {
  const missing = missingRequired(file);
  if (missing.length) {
    const labels = missing.map((f) => `“${SETTLEMENT_COLUMN_BY_FIELD[f].label}”`).join('、');
    throw new AppError(
      'VALIDATION',
      `没有${labels}所在的列：请在列映射中指定`,
      missing.map((f) => ({ path: `mapping.${f}`, message: '必须指定' })),
    );
  }
}

const issuesOf = (outcomes: Outcome[], which: 'issues' | 'notes'): RowIssue[] => outcomes.flatMap((o) => o[which]).slice(0, MAX_ISSUES);

function dateRange(outcomes: Outcome[]): { first: string | null; last: string | null } {
  let first: string | null = null;
  let last: string | null = null;
  for (const o of outcomes) {
    if (o.action !== 'new' && o.action !== 'known') continue;
    if (!o.date) continue;
    if (first === null || o.date < first) first = o.date;
    if (last === null || o.date > last) last = o.date;
  }
  return { first, last };
}

/** Shows what a personal column holds without showing it. */
function sampleText(field: SettlementField | null, text: string): string {
  if (field === 'psnName') return maskName(text) ?? '';
  if (field === 'certno') return maskCertno(text) ?? '';
  if (field === 'psnNo') return maskPsnNo(text) ?? '';
  return text;
}

export function previewImport(db: ReadDb, clinicId: number, storeId: number, file: SettlementFile, today: string): SettlementImportPreview {
  const parsed = parseFile(file, today);
  const outcomes = evaluateRows(lookups(db, clinicId, storeId), parsed);
  const n = countOf(outcomes);
  const first = file.taken[0];
  const fieldOfColumn = new Map<number, SettlementField>();
  for (const f of SETTLEMENT_FIELDS) if (file.mapping[f] != null) fieldOfColumn.set(file.mapping[f]!, f);
  const passedOver = new Map<number, string>();
  for (const choice of first.plan.mapping.choices) for (const p of choice.passedOver) passedOver.set(p.col, p.why);
  const columns = first.plan.header.cells.map((h) => {
    const field = fieldOfColumn.get(h.col) ?? null;
    return {
      sheet: first.sheet.name,
      index: h.col,
      letter: columnLetter(h.col),
      header: h.text,
      field,
      samples: first.rows
        .slice(0, 3)
        .map((r) => sampleText(field, first.sheet.text(r, h.col).trim()))
        .filter(Boolean),
      passedOver: passedOver.get(h.col) ?? null,
    };
  });
  const range = dateRange(outcomes);
  const sample = [...outcomes.filter((o) => o.action === 'error'), ...outcomes.filter((o) => o.action !== 'error')].slice(0, PREVIEW_ROWS);
  return {
    clinicId,
    format: formatLabel(file.workbook),
    encoding: file.workbook.encoding,
    sheets: file.plan.sheets.map((s) => ({ name: s.name, taken: s.taken, headerRow: s.headerRow, rows: s.rows, reason: s.reason })),
    columns,
    mapping: file.mapping,
    missingRequired: missingRequired(file),
    totalRows: n.total,
    newLines: n.new,
    knownLines: n.known,
    reversalLines: n.reversals,
    nonDrugRows: n.nonDrug,
    unknownDrugLines: n.unknownDrug,
    errorRows: n.error,
    errorCount: n.issues,
    errors: issuesOf(outcomes, 'issues'),
    notes: issuesOf(outcomes, 'notes'),
    ignored: file.ignored,
    duplicates: file.duplicates,
    firstDate: range.first,
    lastDate: range.last,
    personal: {
      names: parsed.filter((p) => p.psnName).length,
      certnos: parsed.filter((p) => p.certno).length,
      psnNos: parsed.filter((p) => p.psnNo).length,
    },
    rows: sample.map((o) => ({
      sheet: o.parsed.sheet,
      row: o.parsed.row,
      action: o.action,
      date: o.date,
      feeTime: o.parsed.feeTime,
      mdtrtId: o.parsed.mdtrtId,
      medListCodg: o.parsed.medListCodg,
      itemName: o.parsed.itemName,
      drugId: o.drug?.id ?? null,
      drugName: o.drug?.name ?? o.parsed.itemName,
      spec: o.drug?.spec ?? null,
      packSize: o.drug?.packSize ?? null,
      packUnit: o.drug?.packUnit ?? null,
      baseUnit: o.drug?.baseUnit ?? null,
      fileCnt: o.parsed.cnt?.text ?? '',
      unitName: o.drug && o.factor !== null ? (o.factor === 1 ? o.drug.baseUnit : o.drug.packUnit) : null,
      unitInferred: o.unitInferred,
      qty: o.qty,
      amount: o.amount,
      reversal: (o.amount ?? 0) < 0 || (o.qty ?? 0) < 0,
      traceCodes: o.parsed.traceCodes.length,
      reasons: o.issues.map((i) => `${i.column}：${i.reason}`),
    })),
  };
}

export interface CommitResult {
  importId: number | null;
  clinicId: number;
  added: number;
  known: number;
  reversals: number;
  skippedRows: number;
  nonDrugRows: number;
  firstDate: string | null;
  lastDate: string | null;
}

/** Writes the import inside the caller's write transaction. */
export function commitImport(
  db: WriteDb,
  ctx: { clinicId: number; storeId: number; userId: number; now: Date; today: string },
  file: SettlementFile,
  mode: 'all' | 'cleanRowsOnly',
): CommitResult {
  assertMappable(file);
  const parsed = parseFile(file, ctx.today);
  const outcomes = evaluateRows(lookups(db, ctx.clinicId, ctx.storeId), parsed);
  const n = countOf(outcomes);
  if (n.total === 0) throw new AppError('VALIDATION', `${file.fileName}：表头下面没有结算明细`);
  if (n.error > 0 && mode === 'all') {
    const issues = issuesOf(outcomes, 'issues');
    throw new AppError(
      'VALIDATION',
      `文件中有 ${n.error} 行共 ${n.issues} 处错误，整个文件未导入，没有任何改动。请修正后重新导入，或选择“只导入无错误的行”。第一处：${issues[0].sheet} 第 ${issues[0].row} 行 ${issues[0].column}：${issues[0].reason}`,
      issues.slice(0, 50).map((i) => ({ path: `${i.sheet}·第${i.row}行·${i.column}`, message: i.reason })),
    );
  }
  if (n.new + n.known === 0 && n.error > 0) throw new AppError('VALIDATION', '文件中没有无错误的结算明细，未导入任何数据');
  const range = dateRange(outcomes);
  const unchanged = {
    importId: null,
    clinicId: ctx.clinicId,
    added: 0,
    known: n.known,
    reversals: 0,
    skippedRows: n.error,
    nonDrugRows: n.nonDrug,
    firstDate: range.first,
    lastDate: range.last,
  };
  // The same rows again: nothing to record (the audit log keeps the attempt).
  if (n.new === 0) return unchanged;
  const sheets = file.taken.map((t) => t.sheet.name).join('、');
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO settlement_imports (clinic_id, file_name, sha256, sheet, first_date, last_date, added_lines, known_lines, skipped_rows, imported_by, imported_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    ctx.clinicId,
    file.fileName.slice(0, 200),
    file.sha256,
    sheets.slice(0, 200),
    range.first,
    range.last,
    n.new,
    n.known,
    n.error,
    ctx.userId,
    ctx.now.toISOString(),
  );
  const importId = Number(lastInsertRowid);

  const insert = sql(
    db,
    `INSERT INTO settlement_lines (clinic_id, import_id, source_row, line_key, feedetl_sn, reverses_id, mdtrt_id, setl_id, rx_no, fee_time, business_date,
       med_list_codg, medins_list_codg, item_name, drug_id, qty, file_cnt, unit_factor, unit_inferred, price, amount, doctor_name, med_type,
       hi_feesetl_type, mdtrt_setl_type, psn_no, psn_name, psn_cert_type, certno)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const code = sql(db, 'INSERT OR IGNORE INTO settlement_trace_codes (code, line_id) VALUES (?, ?)');
  const idByKey = new Map<string, number>();
  // Lines taken back by a reversal of the same file go in first, so the reversal can point at them.
  const fresh = outcomes.filter((o) => o.action === 'new');
  const order = [...fresh.filter((o) => !o.reversesKey), ...fresh.filter((o) => o.reversesKey)];
  for (const o of order) {
    const p = o.parsed;
    const reverses = o.reversesId ?? (o.reversesKey ? (idByKey.get(o.reversesKey) ?? null) : null);
    const r = insert.run(
      ctx.clinicId,
      importId,
      p.row,
      o.key,
      p.feedetlSn,
      reverses,
      p.mdtrtId,
      p.setlId,
      p.rxNo,
      p.feeTime,
      o.date,
      p.medListCodg,
      p.medinsListCodg,
      p.itemName,
      o.drug?.id ?? null,
      o.qty,
      p.cnt!.text,
      o.factor,
      o.unitInferred ? 1 : 0,
      o.price,
      o.amount,
      p.doctorName,
      p.medType,
      p.hiFeesetlType,
      p.mdtrtSetlType,
      p.psnNo,
      p.psnName,
      p.psnCertType,
      p.certno,
    );
    const id = Number(r.lastInsertRowid);
    idByKey.set(o.key!, id);
    for (const c of p.traceCodes) code.run(c, id);
  }
  return {
    importId,
    clinicId: ctx.clinicId,
    added: n.new,
    known: n.known,
    reversals: n.reversals,
    skippedRows: n.error,
    nonDrugRows: n.nonDrug,
    firstDate: range.first,
    lastDate: range.last,
  };
}
