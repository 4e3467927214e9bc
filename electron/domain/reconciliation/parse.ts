/**
 * One row of a settlement file read as the client meant it, before anything is looked up: codes, quantities,
 * money and times normalised exactly (money never through floating point), every problem named by row and
 * column as a person sees them. What needs the database (the drug, its units, whether the line is known)
 * comes after, in evaluate.ts.
 */
import crypto from 'node:crypto';
import { cellName, readFieldCell, type Sheet } from '../../lib/sheets';
import { normalizeCode, normalizeText, parseDateText, parseDateTimeText, parseDecimalText, type Parsed } from '../../../shared/sheet-values';
import { divRound, formatFen, parseYuanToFen, parseYuanToUnitPrice } from '../../../shared/money';
import { SETTLEMENT_COLUMN_BY_FIELD, type SettlementField } from '../../../shared/reconciliation';

export interface RowIssue {
  sheet: string;
  row: number;
  column: string;
  reason: string;
}

/** A quantity with four decimals (the interfaces' 数值型 16,4), scaled: 0.5 → 5000. */
export interface ScaledCount {
  text: string;
  scaled: bigint;
}
export const COUNT_SCALE = 10_000n;

export interface ParsedRow {
  sheet: string;
  row: number;
  issues: RowIssue[];
  notes: RowIssue[];
  mdtrtId: string | null;
  setlId: string | null;
  feedetlSn: string | null;
  initFeedetlSn: string | null;
  rxNo: string | null;
  feeTime: string | null;
  medListCodg: string | null;
  medinsListCodg: string | null;
  itemName: string | null;
  cnt: ScaledCount | null;
  unitText: string | null;
  /** Micro-yuan per unit the file counts in; null when the file gives no price (worked out from the amount). */
  price: number | null;
  amount: number | null;
  traceCodes: string[];
  doctorName: string | null;
  medType: string | null;
  hiFeesetlType: string | null;
  mdtrtSetlType: string | null;
  psnNo: string | null;
  psnName: string | null;
  psnCertType: string | null;
  certno: string | null;
  /** Where each field was read (for messages). */
  where: (field: SettlementField) => string;
}

const MAX_TEXT: Partial<Record<SettlementField, number>> = {
  mdtrtId: 60,
  setlId: 60,
  feedetlSn: 60,
  initFeedetlSn: 60,
  rxNo: 60,
  medListCodg: 60,
  medinsListCodg: 60,
  itemName: 200,
  unitText: 10,
  doctorName: 50,
  medType: 10,
  hiFeesetlType: 10,
  mdtrtSetlType: 10,
  psnNo: 60,
  psnName: 50,
  psnCertType: 6,
  certno: 50,
} as Partial<Record<SettlementField | 'unitText', number>> as Partial<Record<SettlementField, number>>;

/** 20260316094100 (how some clients print fee_ocur_time) → 2026-03-16 09:41:00. */
function compactTime(text: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : null;
}

/** Decimal text with at most four places as a scaled integer ('-1.5' → -15000n). */
function scaledCount(text: string): bigint | null {
  const m = /^([+-]?)(\d+)(?:\.(\d{1,4}))?$/.exec(text);
  if (!m) return null;
  const v = BigInt(m[2]) * COUNT_SCALE + BigInt((m[3] ?? '').padEnd(4, '0'));
  return m[1] === '-' ? -v : v;
}

/** Trace codes as clients write several in one cell: separated by commas, semicolons, 、 or spaces. */
export function splitTraceCodes(text: string): { codes: string[]; bad: string[] } {
  const codes: string[] = [];
  const bad: string[] = [];
  for (const part of text.split(/[,，;；、|\s]+/)) {
    if (!part) continue;
    const c = normalizeCode(part);
    if (!c.ok || c.value === null) {
      bad.push(part);
      continue;
    }
    if (c.value.length > 100 || !/^[\x21-\x7E]+$/.test(c.value)) bad.push(part);
    else if (!codes.includes(c.value)) codes.push(c.value);
  }
  return { codes, bad };
}

/** The digest that stands for a line without a fee detail serial: what the line says, so the same line is found again. */
export function lineKey(r: Pick<ParsedRow, 'feedetlSn' | 'mdtrtId' | 'setlId' | 'medListCodg' | 'feeTime' | 'cnt' | 'price' | 'amount' | 'rxNo'>): string {
  if (r.feedetlSn) return `sn:${r.feedetlSn}`;
  const text = [r.mdtrtId, r.setlId, r.medListCodg, r.feeTime, r.cnt?.scaled.toString(), r.price, r.amount, r.rxNo].map((v) => v ?? '').join('|');
  return `h:${crypto.createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

/** Reads one data row of a taken sheet. */
export function parseRow(sheet: Sheet, headerRow: number, columns: Partial<Record<SettlementField, number>>, row: number, today: string): ParsedRow {
  const issues: RowIssue[] = [];
  const notes: RowIssue[] = [];
  const where = (field: SettlementField) => {
    const col = columns[field];
    return col !== undefined ? cellName(row, col, sheet.text(headerRow, col)).replace(/^第 \d+ 行 /, '') : SETTLEMENT_COLUMN_BY_FIELD[field].label;
  };
  const problem = (field: SettlementField, reason: string) => issues.push({ sheet: sheet.name, row, column: where(field), reason });
  const note = (field: SettlementField, reason: string) => notes.push({ sheet: sheet.name, row, column: where(field), reason });

  /** The cell of a field, or null when unmapped, with formula and error cells reported. */
  const cell = (field: SettlementField) => {
    const col = columns[field];
    if (col === undefined) return null;
    const c = readFieldCell(sheet, row, col, { expects: field === 'feeTime' ? 'datetime' : undefined });
    if (c.problem) {
      problem(field, c.problem);
      return null;
    }
    if (c.warning) note(field, c.warning);
    return c;
  };
  const take = <T>(field: SettlementField, parsed: Parsed<T>): T | null => {
    for (const n of parsed.notes) note(field, n);
    if (!parsed.ok) {
      problem(field, parsed.reason);
      return null;
    }
    return parsed.value;
  };
  const limited = (field: SettlementField, value: string | null): string | null => {
    const max = MAX_TEXT[field];
    if (value !== null && max !== undefined && value.length > max) {
      problem(field, `不能超过 ${max} 个字符`);
      return null;
    }
    return value;
  };
  const code = (field: SettlementField): string | null => {
    const c = cell(field);
    return c ? limited(field, take(field, normalizeCode(c.kind === 'number' ? (c.value as number) : c.text))) : null;
  };
  const textOf = (field: SettlementField): string | null => {
    const c = cell(field);
    if (!c) return null;
    const n = normalizeText(c.text);
    for (const x of n.notes) note(field, x);
    return limited(field, n.value);
  };

  const mdtrtId = code('mdtrtId');
  if (columns.mdtrtId !== undefined && mdtrtId === null && !issues.some((i) => i.column === where('mdtrtId'))) problem('mdtrtId', '就诊ID不能为空');
  const medListCodg = code('medListCodg');
  if (columns.medListCodg !== undefined && medListCodg === null && !issues.some((i) => i.column === where('medListCodg')))
    problem('medListCodg', '医保目录编码不能为空');

  // 费用发生时间: a date-time cell, text in the usual forms, or the interfaces' compact 20260316094100.
  let feeTime: string | null = null;
  const t = cell('feeTime');
  if (t) {
    if (t.kind === 'date' && typeof t.value === 'string') {
      feeTime = t.value.length === 10 ? `${t.value} 00:00:00` : t.value;
      if (t.value.length === 10) note('feeTime', '只有日期，没有时刻');
    } else if (t.text.trim() === '') {
      problem('feeTime', '费用发生时间不能为空');
    } else {
      const compact = compactTime(t.text);
      const full = compact === null ? parseDateTimeText(t.text) : null;
      const dateOnly = full && !full.ok ? parseDateText(t.text) : null;
      if (compact !== null) feeTime = compact;
      else if (full?.ok) feeTime = take('feeTime', full);
      else if (dateOnly?.ok && dateOnly.value !== null) {
        feeTime = `${take('feeTime', dateOnly)} 00:00:00`;
        note('feeTime', '只有日期，没有时刻');
      } else if (full) take('feeTime', full);
    }
    if (feeTime !== null && feeTime.slice(0, 10) > today) {
      problem('feeTime', `${feeTime.slice(0, 10)} 晚于今天，不能导入未来的结算`);
      feeTime = null;
    }
  }

  // 数量: four decimals at most (拆零 sold by the pack may be 0.5 盒); negative on a reversal.
  let cnt: ScaledCount | null = null;
  const c = cell('cnt');
  if (c) {
    const d = take('cnt', parseDecimalText(c.value === null ? c.text : c.kind === 'number' ? (c.value as number) : c.text));
    if (d === null && !issues.some((i) => i.column === where('cnt'))) problem('cnt', '数量不能为空');
    else if (d !== null) {
      const scaled = scaledCount(d);
      if (scaled === null) problem('cnt', `“${d}”最多保留 4 位小数`);
      else if (scaled === 0n) problem('cnt', '数量不能为 0');
      else cnt = { text: d, scaled };
    }
  }

  const money = (field: 'pric' | 'amount', parse: (s: string) => number | null, places: number): number | null => {
    const x = cell(field);
    if (!x) return null;
    const d = take(field, parseDecimalText(x.kind === 'number' ? (x.value as number) : x.text));
    if (d === null) return null;
    const v = parse(d);
    if (v === null) problem(field, `“${d}”最多保留 ${places} 位小数（元）`);
    return v;
  };
  let price = money('pric', parseYuanToUnitPrice, 6);
  if (price !== null && price < 0) {
    problem('pric', '单价不能为负（冲正行的数量和金额为负，单价仍为正）');
    price = null;
  }
  const amount = money('amount', parseYuanToFen, 2);
  if (columns.amount !== undefined && amount === null && !issues.some((i) => i.column === where('amount'))) problem('amount', '金额不能为空');
  if (cnt && amount !== null && amount !== 0 && cnt.scaled < 0n !== amount < 0) problem('amount', '金额与数量的正负不一致（冲正行两者都为负）');
  if (cnt && amount !== null && price !== null) {
    // 数量 × 单价 rounded to the fen (scaled count × micro-yuan / 10⁸), against the amount: a client's rounding may differ by a fen.
    const fen = Number(divRound(cnt.scaled * BigInt(price), COUNT_SCALE * 10_000n));
    if (Math.abs(fen - amount) > 1) note('amount', `金额 ${formatFen(amount)} 与 数量 × 单价 = ${formatFen(fen)} 不符`);
  }

  const codes = cell('traceCodes');
  let traceCodes: string[] = [];
  if (codes && codes.text.trim() !== '') {
    if (codes.kind === 'number') problem('traceCodes', '追溯码被存成了数字，末几位可能已被 Excel 改动：请把该列设为“文本”格式后重新导出');
    else {
      const split = splitTraceCodes(codes.text);
      traceCodes = split.codes;
      if (split.bad.length) problem('traceCodes', `无法识别的追溯码“${split.bad[0]}”（应为字母和数字，最多 100 个字符）`);
    }
  }

  let psnCertType = code('psnCertType');
  if (psnCertType !== null && /^\d$/.test(psnCertType)) psnCertType = `0${psnCertType}`;

  return {
    sheet: sheet.name,
    row,
    issues,
    notes,
    mdtrtId,
    setlId: code('setlId'),
    feedetlSn: code('feedetlSn'),
    initFeedetlSn: code('initFeedetlSn'),
    rxNo: code('rxNo'),
    feeTime,
    medListCodg,
    medinsListCodg: code('medinsListCodg'),
    itemName: textOf('itemName'),
    cnt,
    unitText: textOf('unit'),
    price,
    amount,
    traceCodes,
    doctorName: textOf('doctorName'),
    medType: code('medType'),
    hiFeesetlType: code('hiFeesetlType'),
    mdtrtSetlType: code('mdtrtSetlType'),
    psnNo: code('psnNo'),
    psnName: textOf('psnName'),
    psnCertType,
    certno: code('certno'),
    where,
  };
}
