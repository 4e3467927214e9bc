/**
 * The monthly reconciliation sheet as an Excel workbook, laid out like its printout: by drug (settled,
 * dispensed, self-paid, difference) with totals that are the sums of the rows, then the day-by-day
 * differences. It carries no patient data (names, ID numbers stay behind the audited view).
 */
import type { ReconciliationSheet } from '../../../shared/contract/reconciliation';
import { DIFFERENCE_LABELS } from '../../../shared/reconciliation';
import { periodLabel } from '../../../shared/settlement';
import { SIGNATURES } from '../../../shared/signatures';
import { addSheet, border, type File, finish, footer, MONEY_FORMAT, money, newBook, QTY_FORMAT, signatureRow, title } from '../settlement/export';

const kindsText = (kinds: readonly (keyof typeof DIFFERENCE_LABELS)[]) => kinds.map((k) => DIFFERENCE_LABELS[k]).join('、');

/** A day's quantity in base units with its unit ('—' for a drug the catalog does not have). */
const baseQty = (qty: number | null, baseUnit: string | null) => (qty === null ? '—' : `${qty}${baseUnit ?? ''}`);

export async function reconciliationWorkbook(s: ReconciliationSheet): Promise<File> {
  const wb = await newBook(s.hubName);
  const heading = '医保结算与用药对账单';
  const meta = [
    `村卫生室：${s.clinicCode} ${s.clinicName}`,
    `期间：${periodLabel(s.period)}`,
    s.closed ? '已结账' : '未结账（数字可能变动）',
    '本表不含患者个人信息',
  ];

  const head = [
    '序号',
    '医保目录编码',
    '药品',
    '规格',
    '最小单位',
    '结算数量',
    '结算金额（元）',
    '用药数量',
    '用药金额（元）',
    '自费数量',
    '数量差（结算−用药）',
    '金额差（元）',
    '有差异的天数',
    '差异',
  ];
  const lastCol = head.length;
  const ws = addSheet(wb, '按药品', [5, 5]);
  title(ws, lastCol, s.hubName, heading, meta);
  [6, 22, 20, 14, 8, 12, 13, 12, 13, 10, 14, 12, 10, 36].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const h = ws.getRow(5);
  head.forEach((label, i) => (h.getCell(i + 1).value = label));
  h.font = { bold: true };
  h.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  s.rows.forEach((r, i) => {
    const row = ws.addRow([
      i + 1,
      r.medListCodg,
      r.drugName ?? '（目录中没有）',
      r.spec ?? '',
      r.baseUnit ?? '',
      r.settledQty,
      money(r.settledAmount),
      r.dispensedQty,
      money(r.dispensedAmount),
      r.selfPayQty,
      r.diffQty,
      money(r.diffAmount),
      r.openDays,
      kindsText(r.kinds),
    ]);
    for (const c of [6, 8, 10, 11]) row.getCell(c).numFmt = QTY_FORMAT;
    for (const c of [7, 9, 12]) row.getCell(c).numFmt = MONEY_FORMAT;
  });
  const total = ws.addRow([
    `合计（${s.rows.length} 个品种）`,
    '',
    '',
    '',
    '',
    null,
    money(s.totals.settledAmount),
    null,
    money(s.totals.dispensedAmount),
    null,
    null,
    money(s.totals.diffAmount),
    null,
    '',
  ]);
  ws.mergeCells(total.number, 1, total.number, 5);
  total.font = { bold: true };
  for (const c of [7, 9, 12]) total.getCell(c).numFmt = MONEY_FORMAT;
  border(ws, 5, total.number, lastCol);
  const note = ws.addRow([
    `数量为最小单位。结算金额为医保结算明细的金额（冲正已抵减）；用药金额为本系统用药登记的成本金额（零差率）。同次就诊药品不符的就诊 ${s.visits} 次。`,
  ]);
  ws.mergeCells(note.number, 1, note.number, lastCol);
  footer(ws, lastCol, '结算金额合计', s.totals.settledAmount, SIGNATURES.reconciliation);

  const days = addSheet(wb, '逐日差异', [5, 5]);
  const dayHead = ['日期', '药品', '结算数量', '用药数量', '差异'];
  title(days, dayHead.length, s.hubName, `${heading}（逐日差异）`, meta);
  [12, 28, 16, 16, 40].forEach((w, i) => (days.getColumn(i + 1).width = w));
  const dh = days.getRow(5);
  dayHead.forEach((label, i) => (dh.getCell(i + 1).value = label));
  dh.font = { bold: true };
  for (const d of s.differences) {
    days.addRow([d.date, d.drugName, baseQty(d.settledQty, d.baseUnit), baseQty(d.dispensedQty, d.baseUnit), kindsText(d.kinds)]);
  }
  border(days, 5, 5 + s.differences.length, dayHead.length);
  if (s.differences.length === 0) days.addRow(['本月没有差异（自费已标记的不列）']);
  days.addRow([]);
  signatureRow(days, dayHead.length, SIGNATURES.reconciliationDays);

  return finish(wb, `医保对账单-${s.clinicName}-${s.period}.xlsx`);
}
