import { useSearchParams } from 'react-router';
import type { MethodOutput } from '../../../../shared/contract';
import { formatFen } from '../../../../shared/money';
import { SIGNATURES } from '../../../../shared/signatures';
import { formatQty } from '../../../../shared/units';
import { useApiQuery } from '../../api/hooks';
import { hubToday, printedAt } from '../../components/hubClock';
import { PrintDocument, type PrintColumn } from '../../print/PrintDocument';
import { PrintPage } from '../../print/PrintPage';
import { useSession } from '../../stores/session';
import { drillFilterText, drillFrom } from './drillQuery';

type Row = MethodOutput<'supervision.drilldown'>['rows'][number];

/** A 三保看板 drill-down (/print/drilldown?figure=&from=&to=…): the drawer's rows under its title, with the total and signatures. */
export function DrillPrint() {
  const [params] = useSearchParams();
  const input = drillFrom(params);
  const user = useSession((s) => s.user);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const data = useApiQuery('supervision.drilldown', input ?? undefined, { enabled: input !== null });
  const clinics = useApiQuery('clinics.list', { includeInactive: true }, { enabled: !!input?.clinicId });
  const stores = useApiQuery('stock.stores', {}, { enabled: !!input?.storeId });
  const rows = data.data?.rows ?? [];
  const withAmount = rows.filter((r) => r.amount !== null);
  const columns: PrintColumn<Row>[] = [
    { key: 'date', title: '日期', width: '11%', align: 'center', render: (r) => <span className="print-nowrap">{r.date ?? ''}</span> },
    { key: 'doc', title: '单据 / 批号', width: '17%', render: (r) => r.docLabel ?? '' },
    { key: 'where', title: '卫生室 / 库房', width: '12%', render: (r) => r.storeName ?? r.clinicCode ?? '中心药库' },
    { key: 'drug', title: '药品', width: '20%', render: (r) => (r.drugName ? `${r.drugName} ${r.spec ?? ''}` : '') },
    {
      key: 'qty',
      title: '数量',
      width: '10%',
      align: 'right',
      render: (r) => (r.qty !== null && r.packSize && r.packUnit && r.baseUnit ? formatQty(r.qty, r.packSize, r.packUnit, r.baseUnit) : ''),
    },
    { key: 'amount', title: '金额（元）', width: '10%', align: 'right', render: (r) => (r.amount === null ? '' : formatFen(r.amount)) },
    { key: 'tags', title: '标记', width: '8%', render: (r) => r.tags.join('、') },
    { key: 'note', title: '说明', width: '12%', render: (r) => <span className="print-small">{r.note ?? ''}</span> },
  ];
  const title = data.data?.title ?? '看板明细';
  return (
    <PrintPage
      title={title}
      loading={data.isLoading}
      error={input ? (data.error?.message ?? null) : '打印地址不完整：缺少指标或期间'}
      back="/supervision/dashboard"
      pdfName={`${title}-${hubToday()}.pdf`}
    >
      {data.data && input && (
        <PrintDocument
          hubName={hubName}
          title={title}
          orientation="landscape"
          meta={[
            {
              label: '范围',
              value: drillFilterText(
                input,
                input.clinicId ? (clinics.data?.find((c) => c.id === input.clinicId)?.name ?? null) : null,
                input.storeId ? (stores.data?.find((s) => s.id === input.storeId)?.name ?? null) : null,
              ),
              span: 3,
            },
          ]}
          columns={columns}
          rows={rows}
          rowKey={(r) => r.key}
          totals={{
            label: `合计（${rows.length} 行）`,
            cells: withAmount.length ? { amount: formatFen(withAmount.reduce((n, r) => n + (r.amount ?? 0), 0)) } : {},
          }}
          notes={data.data.truncated ? '明细过多，只打印了前 2000 行；请缩小期间或选择卫生室。' : undefined}
          signatures={SIGNATURES.supervisionDrill}
          footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
        />
      )}
    </PrintPage>
  );
}
