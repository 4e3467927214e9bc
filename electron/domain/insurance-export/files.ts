/**
 * The export as files: JSON shaped like the interfaces' input (one store = one 定点 store's upload), and an
 * Excel workbook laid out like the platforms' batch-upload templates: one sheet per interface, the field
 * codes in the first row and their Chinese names in the second, then one row per record. A few columns
 * after the interface's fields (codes starting "x_") say where each row comes from in Santong's books; an
 * upload tool reading fields by code ignores them.
 */
import { loadExcel } from '../excel';
import { AppError } from '../../errors';
import { INTERFACE_CODES, INTERFACE_FIELDS, INTERFACE_NAMES, MAPPING_NOTES, NOT_KEPT, type FieldSpec } from '../../../shared/insurance-export';
import { formatFen } from '../../../shared/money';
import { periodLabel } from '../../../shared/settlement';
import { Decimal, type ExportData, type ExportRow, type FieldValue } from './build';
import { fitColumns, LIST_MONEY_FORMAT, nameEveryFont } from '../list-workbook';

type File = { filename: string; base64: string };

const safe = (s: string) => s.replace(/[\\/:*?"<>|\s]/g, '_');

function scopeName(data: ExportData): string {
  return data.stores.length === 1 ? data.stores[0].name : '全部库房';
}

// ───────────── JSON ─────────────

/** JSON text of a value, with the spec's 数值型 fields written as JSON numbers from exact decimal text (never via a double). */
function toJson(value: unknown, indent: string): string {
  if (value instanceof Decimal) return value.text;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return value.length ? `[\n${value.map((v) => inner + toJson(v, inner)).join(',\n')}\n${indent}]` : '[]';
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length ? `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${toJson(v, inner)}`).join(',\n')}\n${indent}}` : '{}';
  }
  return JSON.stringify(value);
}

/** The upload data of one store: `{ "3501": [rows], …, "3506": [rows] }`, each row an interface input record. */
export function exportJson(data: ExportData): string {
  if (data.stores.length !== 1) {
    throw new AppError('VALIDATION', 'JSON 按定点医药机构库房逐个上传，请选择中心药库或一个村卫生室；全部库房请导出 Excel', [
      { path: 'storeId', message: '请选择一个库房' },
    ]);
  }
  const out: Record<string, unknown[]> = {};
  for (const code of INTERFACE_CODES) out[code] = data.rows[code].map((r) => r.fields);
  return `${toJson(out, '')}\n`;
}

export function jsonFile(data: ExportData): File {
  return { filename: safe(`医保进销存-${scopeName(data)}-${data.period}.json`), base64: Buffer.from(exportJson(data), 'utf8').toString('base64') };
}

// ───────────── Excel ─────────────

const EXTRA: { code: string; label: string; width: number; value: (r: ExportRow) => string | number }[] = [
  { code: 'x_store', label: '库房（本系统附加）', width: 16, value: (r) => r.meta.storeName },
  { code: 'x_doc_no', label: '单据号（本系统附加）', width: 20, value: (r) => r.meta.docNo },
  { code: 'x_ledger_id', label: '台账流水号（本系统附加）', width: 12, value: (r) => r.meta.ledgerId ?? '' },
  { code: 'x_base_unit', label: '数量单位（本系统附加）', width: 10, value: (r) => r.meta.baseUnit },
  { code: 'x_pack', label: '包装（本系统附加）', width: 12, value: (r) => r.meta.pack },
  { code: 'x_amount', label: '成本金额（元，本系统附加）', width: 14, value: (r) => Number(formatFen(Math.abs(r.meta.amount), { grouping: false })) },
];

/** The column a field gets in the workbook: the trace node becomes one text column of codes. */
function columnOf(spec: FieldSpec): { code: string; label: string } {
  return spec.type === 'trace' ? { code: 'drug_trac_codg', label: '药品追溯码（多个以英文逗号分隔）' } : { code: spec.code, label: spec.label };
}

/** A cell's value: counts and prices as numbers (exact: at most 16 significant digits), the rest text. */
export function cellValue(value: FieldValue): string | number {
  if (value instanceof Decimal) return Number(value.text);
  if (Array.isArray(value)) return value.map((t) => t.drug_trac_codg).join(',');
  return value;
}

export async function workbookFile(data: ExportData): Promise<File> {
  const ExcelJS = await loadExcel();
  const wb = new ExcelJS.Workbook();
  wb.creator = data.hubName;
  const multi = data.stores.length > 1;
  for (const code of INTERFACE_CODES) {
    const specs = INTERFACE_FIELDS[code];
    const extras = multi ? EXTRA : EXTRA.slice(1);
    const ws = wb.addWorksheet(`${code}${INTERFACE_NAMES[code]}`, { views: [{ state: 'frozen', ySplit: 2 }] });
    const columns = specs.map(columnOf);
    ws.addRow([...columns.map((c) => c.code), ...extras.map((e) => e.code)]);
    ws.addRow([...columns.map((c) => c.label), ...extras.map((e) => e.label)]);
    for (const n of [1, 2]) {
      const row = ws.getRow(n);
      row.font = { bold: true, color: n === 1 ? { argb: 'FF1F4E79' } : undefined };
      row.alignment = { vertical: 'middle', wrapText: n === 2 };
    }
    specs.forEach((s, i) => {
      const col = ws.getColumn(i + 1);
      col.width = Math.max(10, Math.min(28, columnOf(s).label.length * 2 + 2));
      if (s.type === 'price') col.numFmt = '0.000000';
      else if (s.type === 'count') col.numFmt = '0';
      else col.numFmt = '@';
      if (s.required) ws.getCell(2, i + 1).font = { bold: true, color: { argb: 'FFC00000' } };
    });
    extras.forEach((e, i) => {
      const col = ws.getColumn(specs.length + i + 1);
      col.width = e.width;
      if (e.code === 'x_amount') col.numFmt = LIST_MONEY_FORMAT;
      ws.getCell(1, specs.length + i + 1).font = { italic: true, color: { argb: 'FF7F7F7F' } };
      ws.getCell(2, specs.length + i + 1).font = { italic: true, color: { argb: 'FF7F7F7F' } };
    });
    for (const r of data.rows[code]) ws.addRow([...specs.map((s) => cellValue(r.fields[s.code])), ...extras.map((e) => e.value(r))]);
    ws.getRow(1).height = 18;
    ws.getRow(2).height = 30;
    // 23-character 医保编码, long names and trace codes as wide as they are (the label alone gave 14).
    fitColumns(
      ws,
      Array.from({ length: specs.length + extras.length }, (_, i) => i + 1),
      3,
      { max: 60 },
    );
  }

  const info = wb.addWorksheet('说明');
  info.getColumn(1).width = 18;
  info.getColumn(2).width = 110;
  const line = (a: string, b = '') => info.addRow([a, b]);
  info.addRow([`${data.hubName} 医保进销存上传数据（${periodLabel(data.period)}）`]).font = { bold: true, size: 14 };
  line('库房', data.stores.map((s) => s.name).join('、') || '（无）');
  if (data.transitStores.length) line('在途库房', `${data.transitStores.map((s) => s.name).join('、')}：已出库未签收的药品属中心药库，随中心药库上报`);
  line('会计期间', `${data.period}（${data.closed ? '已结账' : '未结账，数据可能变动'}）`);
  line('盘存日期', data.invdate);
  line('台账行数', `${data.ledgerRows}（每一行在 3502–3506 中出现且仅出现一次）`);
  const withPsnNo = (['3505', '3506'] as const).reduce((n, code) => n + data.rows[code].filter((r) => r.fields.psn_no !== '').length, 0);
  if (withPsnNo > 0)
    info.addRow([
      '个人信息',
      `本文件有 ${withPsnNo} 行含参保人人员编号（psn_no，取自医保结算明细）：属个人信息，只用于上传医保信息平台，请勿转发或另作他用。`,
    ]).font = {
      bold: true,
      color: { argb: 'FFC00000' },
    };
  for (const code of INTERFACE_CODES) line(`${code} ${INTERFACE_NAMES[code]}`, `${data.rows[code].length} 行`);
  info.addRow([]);
  info.addRow(['对应关系']).font = { bold: true };
  for (const n of MAPPING_NOTES) line('', n);
  info.addRow([]);
  info.addRow(['未保存的字段（留空）']).font = { bold: true };
  for (const code of INTERFACE_CODES) for (const n of NOT_KEPT[code] ?? []) line(code, `${n.fields.join('、')}：${n.why}`);
  if (data.warnings.length) {
    info.addRow([]);
    info.addRow(['提示']).font = { bold: true };
    for (const w of data.warnings)
      line(`${w.count} 项`, `${w.message}${w.examples.length ? `：${w.examples.slice(0, 5).join('；')}${w.count > 5 ? ' 等' : ''}` : ''}`);
  }
  info.addRow([]);
  line('表头', '每张表第一行为接口字段代码，第二行为中文名称（红色为必填）；以 x_ 开头的列为本系统附加的对账信息，上传时可删除。');
  info.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  nameEveryFont(wb);

  const buffer = await wb.xlsx.writeBuffer();
  return { filename: safe(`医保进销存-${scopeName(data)}-${data.period}.xlsx`), base64: Buffer.from(buffer as ArrayBuffer).toString('base64') };
}
