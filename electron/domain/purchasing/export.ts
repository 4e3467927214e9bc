/** A purchase order as an Excel workbook (.xlsx), laid out like the printed order. */
import { loadExcel } from '../excel';
import { excelDate, fitColumns, LIST_DATE_FORMAT, nameEveryFont } from '../list-workbook';
import { signatureRow } from '../settlement/export';
import { SIGNATURES } from '../../../shared/signatures';
import { amountInWords, formatFen, formatUnitPrice } from '../../../shared/money';
import { INSURANCE_CLASS_LABELS } from '../../../shared/contract/requisitions';
import { ORDER_STATUS_LABELS, type OrderDetail } from '../../../shared/contract/orders';

/**
 * Money cells hold the decimal written from integer fen (formatFen), so the file carries the exact
 * amount; they stay numeric so a supplier can sum them in Excel.
 */
const money = (fen: number) => Number(formatFen(fen, { grouping: false }));
const price = (micro: number) => Number(formatUnitPrice(micro, 2));

export async function orderWorkbook(order: OrderDetail): Promise<{ filename: string; base64: string }> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = order.hub.name;
  wb.created = new Date(`${order.businessDate}T00:00:00+08:00`);
  const ws = wb.addWorksheet('采购订单', {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '5:5',
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    // A supplier gets a long order as several sheets of paper: each says which page of how many it is.
    headerFooter: { oddFooter: '&C第 &P 页 共 &N 页' },
    views: [{ state: 'frozen', ySplit: 5 }],
  });
  const columns: { header: string; width: number }[] = [
    { header: '序号', width: 6 },
    { header: '医保药品编码', width: 24 },
    { header: '通用名', width: 22 },
    { header: '规格', width: 18 },
    { header: '剂型', width: 8 },
    { header: '生产企业', width: 26 },
    { header: '单位', width: 6 },
    { header: '数量', width: 8 },
    { header: '转换比', width: 12 },
    { header: '最小单位数量', width: 12 },
    { header: '单价（元）', width: 12 },
    { header: '金额（元）', width: 14 },
    { header: '医保类别', width: 8 },
    { header: '集采', width: 6 },
  ];
  columns.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));
  const last = columns.length;

  ws.mergeCells(1, 1, 1, last);
  ws.getCell(1, 1).value = `${order.hub.name}药品采购订单`;
  ws.getCell(1, 1).font = { size: 16, bold: true };
  ws.getCell(1, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 26;
  ws.getRow(2).values = ['订单号', order.docNo, '', '订单日期', excelDate(order.businessDate), '', '状态', ORDER_STATUS_LABELS[order.status]];
  ws.getCell(2, 5).numFmt = LIST_DATE_FORMAT;
  ws.getCell(2, 5).alignment = { horizontal: 'left' };
  ws.getRow(3).values = ['配送企业', order.supplier.name, '', '联系人', order.supplier.contact ?? '', '', '电话', order.supplier.phone ?? ''];
  ws.getRow(4).values = ['收货单位', order.hub.name, '', '地址', order.hub.address ?? '', '', '汇总单', order.aggregationDocNo ?? ''];
  for (const r of [2, 3, 4]) for (const c of [1, 4, 7]) ws.getCell(r, c).font = { bold: true };

  const header = ws.getRow(5);
  header.values = columns.map((c) => c.header);
  header.font = { bold: true };
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };

  for (const l of order.lines) {
    const row = ws.addRow([
      l.lineNo,
      l.nhsaCode,
      l.drugName,
      l.spec,
      l.dosageForm,
      l.manufacturer,
      l.packUnit,
      l.qty / l.packSize, // whole packs by construction (CHECK qty % pack_size = 0)
      `${l.packSize}${l.baseUnit}/${l.packUnit}`,
      l.qty,
      price(l.packPrice),
      money(l.amount),
      INSURANCE_CLASS_LABELS[l.insuranceClass],
      l.vbp ? '是' : '',
    ]);
    row.getCell(11).numFmt = '0.00####';
    row.getCell(12).numFmt = '#,##0.00';
  }
  const total = ws.addRow(['合计', '', '', '', '', '', '', '', '', '', '', money(order.totalAmount), '', '']);
  total.font = { bold: true };
  total.getCell(12).numFmt = '#,##0.00';
  const words = ws.addRow([`合计金额（大写）：${amountInWords(order.totalAmount)}`]);
  ws.mergeCells(words.number, 1, words.number, last);
  ws.addRow([]);
  signatureRow(ws, last, SIGNATURES.purchaseOrder);

  const thin = { style: 'thin' as const };
  for (let r = 5; r <= total.number; r++) {
    for (let c = 1; c <= last; c++) ws.getCell(r, c).border = { top: thin, left: thin, bottom: thin, right: thin };
  }

  fitColumns(ws, [2, 3, 4, 6, 10, 11, 12], 5, { max: 46 });
  // The order date (row 2) sits in the 剂型 column: wide enough for a date, or it prints as ###.
  ws.getColumn(5).width = Math.max(ws.getColumn(5).width ?? 0, 12);
  nameEveryFont(wb);
  const buffer = await wb.xlsx.writeBuffer();
  return { filename: `采购订单-${order.docNo}-${order.supplier.name}.xlsx`, base64: Buffer.from(buffer as ArrayBuffer).toString('base64') };
}
