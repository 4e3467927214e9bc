/**
 * 药品账页 (the stock card of one drug at one store over a date range) as an Excel workbook: opening and
 * closing balance, every movement with its document number, running balance, and the signature row the
 * printed card has; 库存查询 (stock on hand) the same way.
 */
import type { ParsedInput } from '../../../shared/contract';
import { formatFen } from '../../../shared/money';
import { SIGNATURES } from '../../../shared/signatures';
import { ledgerDocText, MOVEMENT_LABELS, type Movement, ON_HAND_FILTER_LABELS } from '../../../shared/stock';
import { formatPack } from '../../../shared/units';
import type { HandlerContext } from '../context';
import { listWorkbook } from '../list-workbook';
import { hubName } from '../settings';
import { stockCard, stockOnHand } from './views';
import { accessibleStore } from './common';

/** The most rows a card exports: the read's own limit. */
const EXPORT_LIMIT = 5000;

type Card = {
  drug: { drugName: string; spec: string; nhsaCode: string; manufacturer: string; packSize: number; packUnit: string; baseUnit: string };
  store: { name: string };
  opening: { qty: number; value: number };
  closing: { qty: number; value: number };
  truncated: boolean;
  rows: {
    businessDate: string;
    movement: Movement;
    docType: string;
    docNo: string | null;
    batchNo: string;
    qty: number;
    amount: number;
    balanceQty: number;
    balanceValue: number;
    userName: string;
    reversesId: number | null;
    reversed: boolean;
    backdated: boolean;
    recordedOn: string;
  }[];
};

export async function stockCardWorkbook(ctx: HandlerContext, input: ParsedInput<'stock.cardExport'>) {
  const c = stockCard(ctx, { ...input, limit: EXPORT_LIMIT }) as unknown as Card;
  const d = c.drug;
  type Line = Card['rows'][number] | { opening: true; businessDate: string; balanceQty: number; balanceValue: number };
  const row = (l: Line) => ('opening' in l ? null : l);
  const movement = (l: Line) => {
    const r = row(l);
    return r ? `${MOVEMENT_LABELS[r.movement]}${r.reversesId ? '（冲销）' : r.reversed ? '（已冲销）' : ''}` : '期初结存';
  };
  const received = c.rows.reduce((n, r) => n + Math.max(r.qty, 0), 0);
  const issued = c.rows.reduce((n, r) => n + (r.qty < 0 ? -r.qty : 0), 0);
  return listWorkbook({
    hubName: hubName(ctx.db),
    title: '药品账页（库存台账）',
    filters: [
      `库房：${c.store.name}`,
      `日期：${input.from} 至 ${input.to}`,
      `药品：${d.drugName} ${d.spec}（${d.manufacturer}）`,
      `医保编码：${d.nhsaCode}`,
      `数量单位：${d.baseUnit}（${formatPack(d.packSize, d.packUnit, d.baseUnit)}）`,
    ],
    columns: [
      { header: '日期', kind: 'date', value: (r) => r.businessDate },
      { header: '业务', value: movement },
      { header: '单据号', value: (l) => (row(l) ? ledgerDocText(row(l)!.docType, row(l)!.docNo) : '') },
      { header: '批号', value: (l) => row(l)?.batchNo ?? '' },
      { header: `收入（${d.baseUnit}）`, kind: 'qty', value: (l) => ((row(l)?.qty ?? 0) > 0 ? row(l)!.qty : null) },
      { header: `发出（${d.baseUnit}）`, kind: 'qty', value: (l) => ((row(l)?.qty ?? 0) < 0 ? -row(l)!.qty : null) },
      { header: '金额（元）', kind: 'money', value: (l) => row(l)?.amount ?? null },
      { header: `结存（${d.baseUnit}）`, kind: 'qty', value: (r) => r.balanceQty },
      { header: '结存金额（元）', kind: 'money', value: (r) => r.balanceValue },
      { header: '经办人', value: (l) => row(l)?.userName ?? '' },
      { header: '补录', value: (l) => (row(l)?.backdated ? `${row(l)!.recordedOn} 记账` : '') },
    ],
    rows: [{ opening: true, businessDate: input.from, balanceQty: c.opening.qty, balanceValue: c.opening.value } as Line, ...c.rows],
    totals: {
      label: `本期合计（${c.rows.length} 笔）`,
      values: {
        [`收入（${d.baseUnit}）`]: received,
        [`发出（${d.baseUnit}）`]: issued,
        '金额（元）': c.closing.value - c.opening.value,
        [`结存（${d.baseUnit}）`]: c.closing.qty,
        '结存金额（元）': c.closing.value,
      },
    },
    notes: [
      `期初结存 ${c.opening.qty}${d.baseUnit}，金额 ¥${formatFen(c.opening.value)}；期末结存 ${c.closing.qty}${d.baseUnit}，金额 ¥${formatFen(c.closing.value)}。期末 = 期初 + 收入 − 发出。`,
      ...(c.truncated ? [`记录过多，只导出了前 ${EXPORT_LIMIT} 笔，期末结存为最后一笔之后的结存；请缩短日期范围。`] : []),
    ],
    signatures: SIGNATURES.stockCard,
    filename: `库存台账-${c.store.name}-${d.drugName}-${input.from}至${input.to}.xlsx`,
  });
}

/** The most drugs 库存查询 exports: every drug of a hub's catalog fits. */
const ON_HAND_LIMIT = 100_000;

type OnHand = {
  rows: {
    nhsaCode: string;
    genericName: string;
    spec: string;
    manufacturer: string;
    baseUnit: string;
    packSize: number;
    packUnit: string;
    bookHidden: boolean;
    qty: number | null;
    value: number | null;
    minQty: number | null;
    lots: { batchNo: string; expiryDate: string; qty: number; value: number; expired: boolean; nearExpiry: boolean }[];
  }[];
  totalValue: number | null;
};

/** 库存查询 (stock on hand at one store, filtered as on the screen) as a workbook: a row per lot, zero-stock drugs on a row of their own. */
export async function onHandWorkbook(ctx: HandlerContext, input: ParsedInput<'stock.onHandExport'>) {
  const data = stockOnHand(ctx, { ...input, page: 1, pageSize: ON_HAND_LIMIT }) as unknown as OnHand;
  const store = accessibleStore(ctx, input.storeId);
  type Drug = OnHand['rows'][number];
  type Line = { drug: Drug; lot: Drug['lots'][number] | null };
  const lines = data.rows.flatMap((drug): Line[] => (drug.lots.length ? drug.lots.map((lot) => ({ drug, lot })) : [{ drug, lot: null }]));
  const state = (l: Line) => (l.drug.bookHidden ? '盲盘中' : l.lot?.expired ? '已过期' : l.lot?.nearExpiry ? '近效期' : l.drug.qty === 0 ? '缺货' : '');
  return listWorkbook({
    hubName: hubName(ctx.db),
    title: '药品库存表',
    filters: [
      `库房：${store.name}`,
      `截至：${ctx.today}`,
      `筛选：${ON_HAND_FILTER_LABELS[input.filter]}`,
      ...(input.q ? [`关键字：${input.q}`] : []),
      `${data.rows.length} 种药品`,
    ],
    columns: [
      { header: '医保编码', value: (l) => l.drug.nhsaCode },
      { header: '通用名', value: (l) => l.drug.genericName },
      { header: '规格', value: (l) => l.drug.spec },
      { header: '生产企业', value: (l) => l.drug.manufacturer },
      { header: '包装', value: (l) => formatPack(l.drug.packSize, l.drug.packUnit, l.drug.baseUnit) },
      { header: '批号', value: (l) => l.lot?.batchNo ?? '' },
      { header: '有效期至', kind: 'date', value: (l) => l.lot?.expiryDate ?? null },
      { header: '数量（最小单位）', kind: 'qty', value: (l) => (l.drug.bookHidden ? null : (l.lot?.qty ?? 0)) },
      { header: '单位', value: (l) => l.drug.baseUnit },
      { header: '金额（元）', kind: 'money', value: (l) => (l.drug.bookHidden ? null : (l.lot?.value ?? 0)) },
      { header: '状态', value: state },
    ],
    rows: lines,
    totals: { label: `合计（${data.rows.length} 种药品，${lines.filter((l) => l.lot).length} 个批次）`, values: { '金额（元）': data.totalValue } },
    notes: [`金额为成本价（零差率）。${data.totalValue === null ? '标“盲盘中”的药品正在盲盘，不列数量和金额，合计金额审核后可见。' : ''}`],
    signatures: SIGNATURES.onHand,
    filename: `库存-${store.name}-${ctx.today}.xlsx`,
  });
}
