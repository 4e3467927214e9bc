/**
 * Statements as Excel workbooks (.xlsx), laid out like the printouts: title, hub and period, the table
 * with its header frozen and repeated on every printed page, totals, the amount in words and the
 * signature lines. Money cells hold the decimal written from integer fen (formatFen), so the file carries
 * the exact amount and stays summable in Excel.
 */
import type ExcelJS from 'exceljs';
import { loadExcel } from '../excel';
import { excelDate, fitColumns, LIST_DATE_FORMAT, LIST_FONT, nameEveryFont } from '../list-workbook';
import type { ClinicSummary, StoreStatement, SupplierStatement } from '../../../shared/contract/settlement';
import { amountInWords, formatFen } from '../../../shared/money';
import { periodLabel, SUPPLIER_LINE_LABELS, supplierStatementLines } from '../../../shared/settlement';
import { SIGNATURES } from '../../../shared/signatures';
import { BOOK_HIDDEN_TEXT } from '../../../shared/stocktake';

export type File = { filename: string; base64: string };

export const money = (fen: number) => Number(formatFen(fen, { grouping: false }));
/** A balance withheld during a blind count reads as such, never as zero or blank. */
const moneyOrHidden = (fen: number | null) => (fen === null ? BOOK_HIDDEN_TEXT : money(fen));
export const MONEY_FORMAT = '#,##0.00;-#,##0.00;"-"';
export const QTY_FORMAT = '#,##0;-#,##0;"-"';
const thin = { style: 'thin' as const };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };

export async function newBook(hubName: string) {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = hubName;
  return wb;
}

/** Paper sizes as Excel numbers them. */
export const A4 = 9;
export const A3 = 8;

export function addSheet(wb: ExcelJS.Workbook, name: string, headerRows: [number, number], paperSize = A4) {
  return wb.addWorksheet(name, {
    pageSetup: {
      paperSize,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${headerRows[0]}:${headerRows[1]}`,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '第 &P 页 共 &N 页' },
    views: [{ state: 'frozen', ySplit: headerRows[1] }],
  });
}

export function title(ws: ExcelJS.Worksheet, lastCol: number, hubName: string, text: string, meta: string[]) {
  ws.mergeCells(1, 1, 1, lastCol);
  ws.getCell(1, 1).value = hubName;
  ws.getCell(1, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  ws.mergeCells(2, 1, 2, lastCol);
  ws.getCell(2, 1).value = text;
  ws.getCell(2, 1).font = { name: LIST_FONT, size: 16, bold: true };
  ws.getCell(2, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  // A 16 pt title needs a row of its own height, or LibreOffice draws it over the row above.
  ws.getRow(2).height = 26;
  ws.mergeCells(3, 1, 3, lastCol);
  ws.getCell(3, 1).value = meta.join('　　');
  ws.getRow(3).height = 18;
}

export function border(ws: ExcelJS.Worksheet, fromRow: number, toRow: number, lastCol: number) {
  for (let r = fromRow; r <= toRow; r++) for (let c = 1; c <= lastCol; c++) ws.getCell(r, c).border = BORDER;
}

/** The amount in words and the signature lines; without an amount (withheld during a blind count) the label alone. */
export function footer(ws: ExcelJS.Worksheet, lastCol: number, wordsLabel: string, fen: number | null, signatures: readonly string[]) {
  const words = ws.addRow([fen === null ? wordsLabel : `${wordsLabel}（大写）：${amountInWords(fen)}　（小写：¥${formatFen(fen)}）`]);
  ws.mergeCells(words.number, 1, words.number, lastCol);
  words.font = { bold: true };
  ws.addRow([]);
  signatureRow(ws, lastCol, signatures);
}

/** The signature lines of the printed document (shared/signatures), spread across the sheet's width. */
export function signatureRow(ws: ExcelJS.Worksheet, lastCol: number, signatures: readonly string[]) {
  const cells: string[] = [];
  const step = Math.max(1, Math.floor(lastCol / signatures.length));
  signatures.forEach((s, i) => (cells[i * step] = `${s}：`));
  ws.addRow(cells).font = { bold: true };
}

const safe = (s: string) => s.replace(/[\\/:*?"<>|]/g, '_');

export async function finish(wb: ExcelJS.Workbook, filename: string): Promise<File> {
  nameEveryFont(wb);
  const buffer = await wb.xlsx.writeBuffer();
  return { filename: safe(filename), base64: Buffer.from(buffer as ArrayBuffer).toString('base64') };
}

/** A stock statement (hub or clinic): drug columns, then quantity and amount for opening, each column, closing. */
function storeSheet(
  wb: ExcelJS.Workbook,
  s: StoreStatement,
  heading: string,
  signatures: readonly string[],
  ends: [string, string] = ['期初结存', '期末结存'],
) {
  const info = ['序号', '医保药品编码', '通用名', '规格', '生产企业', '最小单位', '转换比'];
  const groups = [ends[0], ...s.columns.map((c) => c.label), ends[1]];
  const lastCol = info.length + groups.length * 2;
  // The hub's 进销存 has 9 groups (25 columns): fitted to A4 it printed at about 6 pt; on A3 landscape it reads.
  const ws = addSheet(wb, heading.slice(0, 31), [5, 6], lastCol > 17 ? A3 : A4);
  const meta = [
    `期间：${periodLabel(s.period)}`,
    `库房：${s.store.name}`,
    s.closed ? `已结账${s.closedAt ? `（${s.closedAt.slice(0, 10)}）` : ''}` : '未结账（数字可能变动）',
  ];
  if (s.amountDue !== null) meta.push(`本月用药金额（应结算）：¥${formatFen(s.amountDue)}`);
  title(ws, lastCol, s.hubName, heading, meta);
  const widths = [6, 22, 20, 14, 22, 7, 9];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  for (let c = info.length + 1; c <= lastCol; c++) ws.getColumn(c).width = c % 2 === 0 ? 9 : 12;

  const h1 = ws.getRow(5);
  const h2 = ws.getRow(6);
  info.forEach((label, i) => {
    ws.mergeCells(5, i + 1, 6, i + 1);
    h1.getCell(i + 1).value = label;
  });
  groups.forEach((g, i) => {
    const col = info.length + 1 + i * 2;
    ws.mergeCells(5, col, 5, col + 1);
    h1.getCell(col).value = g;
    h2.getCell(col).value = '数量';
    h2.getCell(col + 1).value = '金额（元）';
  });
  for (const row of [h1, h2]) {
    row.font = { bold: true };
    row.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  }

  s.rows.forEach((r, i) => {
    const figures = [r.opening, ...r.cells, r.closing].flatMap((qv): (number | string | null)[] =>
      qv === null ? [BOOK_HIDDEN_TEXT, null] : [qv.qty, money(qv.value)],
    );
    const row = ws.addRow([i + 1, r.nhsaCode, r.drugName, r.spec, r.manufacturer, r.baseUnit, `${r.packSize}${r.baseUnit}/${r.packUnit}`, ...figures]);
    for (let g = 0; g < groups.length; g++) {
      row.getCell(info.length + 1 + g * 2).numFmt = QTY_FORMAT;
      row.getCell(info.length + 2 + g * 2).numFmt = MONEY_FORMAT;
    }
  });
  const totalValues = [s.totals.opening, ...s.totals.cells, s.totals.closing].flatMap((v) => [null, moneyOrHidden(v)]);
  const total = ws.addRow([`合计（${s.rows.length} 个品种）`, '', '', '', '', '', '', ...totalValues]);
  ws.mergeCells(total.number, 1, total.number, info.length);
  total.font = { bold: true };
  for (let g = 0; g < groups.length; g++) total.getCell(info.length + 2 + g * 2).numFmt = MONEY_FORMAT;
  border(ws, 5, total.number, lastCol);
  // Codes, names and amounts as wide as their longest value: a cut 医保编码 or a ### amount is a wrong printout.
  fitColumns(
    ws,
    Array.from({ length: lastCol - 1 }, (_, i) => i + 2),
    5,
    { max: 46 },
  );
  const formula = `${ends[1]} = ${ends[0]} ${s.columns.map((c) => `${c.sign > 0 ? '+' : '−'} ${c.label}`).join(' ')}`;
  const note = ws.addRow([
    `${formula}；金额为成本价（零差率），单位：元；数量为最小单位。${
      s.rows.some((r) => r.bookHidden) ? `标“${BOOK_HIDDEN_TEXT}”的药品正在盲盘，不列期初、期末结存及其合计。` : ''
    }`,
  ]);
  ws.mergeCells(note.number, 1, note.number, lastCol);
  if (s.amountDue !== null) footer(ws, lastCol, '本月用药金额（应结算）', s.amountDue, signatures);
  else if (s.totals.closing !== null) footer(ws, lastCol, `${ends[1]}金额`, s.totals.closing, signatures);
  else footer(ws, lastCol, `${ends[1]}金额：${BOOK_HIDDEN_TEXT}`, null, signatures);
}

export async function hubWorkbook(s: StoreStatement): Promise<File> {
  const wb = await newBook(s.hubName);
  storeSheet(wb, s, '中心药库进销存月报', SIGNATURES.hubStatement);
  // Goods in transit are the hub's until signed: their own sheet, with the 在途报损 column.
  if (s.transit) {
    const t = s.transit;
    const store = { ...s.store, name: '各村卫生室在途库（已出库未签收，属中心药库）' };
    storeSheet(
      wb,
      { ...s, store, columns: t.columns, rows: t.rows, totals: t.totals, balanced: t.balanced, amountDue: null },
      '在途药品月报',
      SIGNATURES.transitStatement,
      ['期初在途', '期末在途'],
    );
  }
  return finish(wb, `中心药库进销存-${s.period}.xlsx`);
}

export async function clinicWorkbook(s: StoreStatement): Promise<File> {
  const wb = await newBook(s.hubName);
  storeSheet(wb, s, `${s.clinic?.name ?? ''}药品结算单`, SIGNATURES.clinicStatement);
  return finish(wb, `卫生室结算单-${s.clinic?.code ?? ''}${s.clinic?.name ?? ''}-${s.period}.xlsx`);
}

export async function clinicsWorkbook(s: ClinicSummary): Promise<File> {
  const wb = await newBook(s.hubName);
  const headers = ['序号', '编码', '村卫生室', '期初结存', ...s.columns.map((c) => c.label), '期末结存', '应结算（用药金额）', '月末在途'];
  const ws = addSheet(wb, '卫生室结算汇总', [4, 4]);
  title(ws, headers.length, s.hubName, '村卫生室药品结算汇总表', [
    `期间：${periodLabel(s.period)}`,
    s.closed ? '已结账' : '未结账（数字可能变动）',
    '单位：元',
  ]);
  headers.forEach((_, i) => (ws.getColumn(i + 1).width = i === 2 ? 22 : i < 2 ? 8 : 14));
  const head = ws.getRow(4);
  head.values = headers;
  head.font = { bold: true };
  head.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  s.rows.forEach((r, i) => {
    const row = ws.addRow([
      i + 1,
      r.code,
      r.name,
      moneyOrHidden(r.opening),
      ...r.cells.map(money),
      moneyOrHidden(r.closing),
      money(r.amountDue),
      money(r.inTransit),
    ]);
    for (let c = 4; c <= headers.length; c++) row.getCell(c).numFmt = MONEY_FORMAT;
  });
  const t = s.totals;
  const total = ws.addRow(['合计', '', '', moneyOrHidden(t.opening), ...t.cells.map(money), moneyOrHidden(t.closing), money(t.amountDue), money(t.inTransit)]);
  ws.mergeCells(total.number, 1, total.number, 3);
  total.font = { bold: true };
  for (let c = 4; c <= headers.length; c++) total.getCell(c).numFmt = MONEY_FORMAT;
  border(ws, 4, total.number, headers.length);
  fitColumns(
    ws,
    Array.from({ length: headers.length - 1 }, (_, i) => i + 2),
    4,
  );
  footer(ws, headers.length, '各卫生室应结算合计', t.amountDue, SIGNATURES.clinicSummary);
  return finish(wb, `卫生室结算汇总-${s.period}.xlsx`);
}

export async function supplierWorkbook(s: SupplierStatement): Promise<File> {
  const wb = await newBook(s.hubName);
  const headers = ['序号', '日期', '摘要', '单据号 / 凭证号', '发票号', '发票日期', '购进金额', '退货金额', '付款金额', '应付余额', '备注'];
  const ws = addSheet(wb, '对账单', [5, 5]);
  title(ws, headers.length, s.hubName, '配送企业往来对账单', [
    `配送企业：${s.supplier.name}`,
    `统一社会信用代码：${s.supplier.creditCode}`,
    `期间：${periodLabel(s.period)}`,
    s.closed ? '已结账' : '未结账（数字可能变动）',
  ]);
  ws.mergeCells(4, 1, 4, headers.length);
  ws.getCell(4, 1).value = '单位：元。购进金额按发票金额（入库单金额）计，冲销以负数列示。';
  [6, 12, 10, 30, 16, 12, 14, 14, 14, 14, 24].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const head = ws.getRow(5);
  head.values = headers;
  head.font = { bold: true };
  head.alignment = { horizontal: 'center', vertical: 'middle' };
  supplierStatementLines(s).forEach((l, i) => {
    const row = ws.addRow([
      i === 0 ? '' : i,
      l.date ? excelDate(l.date) : null,
      SUPPLIER_LINE_LABELS[l.kind],
      l.docNos,
      l.invoiceNo ?? '',
      l.invoiceDate ? excelDate(l.invoiceDate) : null,
      l.received ? money(l.received) : null,
      l.returned ? money(l.returned) : null,
      l.paid ? money(l.paid) : null,
      money(l.balance),
      l.note ?? '',
    ]);
    for (let c = 7; c <= 10; c++) row.getCell(c).numFmt = MONEY_FORMAT;
    for (const c of [2, 6]) row.getCell(c).numFmt = LIST_DATE_FORMAT;
  });
  const t = s.totals;
  const total = ws.addRow(['本月合计', '', '', '', '', '', money(t.received), money(t.returned), money(t.paid), money(t.closing), '期末应付结转下月']);
  ws.mergeCells(total.number, 1, total.number, 6);
  total.font = { bold: true };
  for (let c = 7; c <= 10; c++) total.getCell(c).numFmt = MONEY_FORMAT;
  border(ws, 5, total.number, headers.length);
  fitColumns(ws, [4, 5, 7, 8, 9, 10, 11], 5);
  footer(ws, headers.length, '期末应付余额', t.closing, SIGNATURES.supplierStatement);
  return finish(wb, `配送企业对账单-${s.supplier.name}-${s.period}.xlsx`);
}

export async function suppliersWorkbook(s: {
  hubName: string;
  period: string;
  closed: boolean;
  rows: { name: string; opening: number; received: number; returned: number; paid: number; closing: number }[];
  totals: { opening: number; received: number; returned: number; paid: number; closing: number };
}): Promise<File> {
  const wb = await newBook(s.hubName);
  const headers = ['序号', '配送企业', '期初应付', '本月购进', '本月退货', '本月付款', '期末应付'];
  const ws = addSheet(wb, '应付汇总', [4, 4]);
  title(ws, headers.length, s.hubName, '配送企业应付账款汇总表', [
    `期间：${periodLabel(s.period)}`,
    s.closed ? '已结账' : '未结账（数字可能变动）',
    '单位：元',
  ]);
  [6, 36, 14, 14, 14, 14, 14].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const head = ws.getRow(4);
  head.values = headers;
  head.font = { bold: true };
  head.alignment = { horizontal: 'center' };
  s.rows.forEach((r, i) => {
    const row = ws.addRow([i + 1, r.name, money(r.opening), money(r.received), money(r.returned), money(r.paid), money(r.closing)]);
    for (let c = 3; c <= 7; c++) row.getCell(c).numFmt = MONEY_FORMAT;
  });
  const t = s.totals;
  const total = ws.addRow(['合计', '', money(t.opening), money(t.received), money(t.returned), money(t.paid), money(t.closing)]);
  ws.mergeCells(total.number, 1, total.number, 2);
  total.font = { bold: true };
  for (let c = 3; c <= 7; c++) total.getCell(c).numFmt = MONEY_FORMAT;
  border(ws, 4, total.number, headers.length);
  fitColumns(ws, [2, 3, 4, 5, 6, 7], 4);
  footer(ws, headers.length, '期末应付合计', t.closing, SIGNATURES.supplierSummary);
  return finish(wb, `配送企业应付汇总-${s.period}.xlsx`);
}
