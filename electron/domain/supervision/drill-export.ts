/**
 * A 三保看板 drill-down (the rows behind one figure) as an Excel workbook: the drawer's title, the filter
 * line (期间, 月份, 卫生室, 库房), every row the drawer lists, the amount total and the signature row of its print.
 */
import type { ParsedInput } from '../../../shared/contract';
import { SIGNATURES } from '../../../shared/signatures';
import { formatQty } from '../../../shared/units';
import { sql } from '../../db/database';
import type { HandlerContext } from '../context';
import { listWorkbook } from '../list-workbook';
import { hubName } from '../settings';
import { supervisionDrilldown } from './drilldown';

type Drill = ReturnType<typeof supervisionDrilldown>;
type Row = Drill['rows'][number];

/** The filter line of a drill-down, as its drawer and its print name it. */
export function drillFilters(ctx: HandlerContext, input: ParsedInput<'supervision.drilldownExport'>): string[] {
  const clinic = input.clinicId ? (sql(ctx.db, 'SELECT name FROM clinics WHERE id = ?').get(input.clinicId) as { name: string } | undefined) : undefined;
  const store = input.storeId ? (sql(ctx.db, 'SELECT name FROM stores WHERE id = ?').get(input.storeId) as { name: string } | undefined) : undefined;
  return [
    `期间：${input.from} 至 ${input.to}`,
    ...(input.period ? [`月份：${input.period}`] : []),
    `范围：${clinic?.name ?? '全乡'}`,
    ...(store ? [`库房：${store.name}`] : []),
  ];
}

export async function drilldownWorkbook(ctx: HandlerContext, input: ParsedInput<'supervision.drilldownExport'>) {
  const drill = supervisionDrilldown(ctx, input);
  const amounts = drill.rows.filter((r) => r.amount !== null);
  return listWorkbook<Row>({
    hubName: hubName(ctx.db),
    title: drill.title,
    filters: drillFilters(ctx, input),
    columns: [
      { header: '日期', kind: 'date', value: (r) => r.date },
      { header: '单据 / 批号', value: (r) => r.docLabel ?? '' },
      { header: '卫生室 / 库房', value: (r) => r.storeName ?? r.clinicCode ?? '中心药库' },
      { header: '药品', value: (r) => (r.drugName ? `${r.drugName} ${r.spec ?? ''}`.trim() : '') },
      {
        header: '数量',
        value: (r) => (r.qty !== null && r.packSize && r.packUnit && r.baseUnit ? formatQty(r.qty, r.packSize, r.packUnit, r.baseUnit) : ''),
      },
      { header: '金额（元）', kind: 'money', value: (r) => r.amount },
      { header: '标记', value: (r) => r.tags.join('、') },
      { header: '说明', kind: 'wrap', value: (r) => r.note ?? '' },
    ],
    rows: drill.rows,
    totals: {
      label: `合计（${drill.rows.length} 行）`,
      values: amounts.length ? { '金额（元）': amounts.reduce((n, r) => n + (r.amount ?? 0), 0) } : {},
    },
    notes: drill.truncated ? ['明细过多，只导出了前 2000 行；请缩小期间或选择卫生室。'] : [],
    signatures: SIGNATURES.supervisionDrill,
    filename: `${drill.title}-${input.from}至${input.to}.xlsx`,
  });
}
