import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { formatFen } from '../../../../shared/money';
import { SIGNATURES } from '../../../../shared/signatures';
import { formatQty } from '../../../../shared/units';
import { call, type ApiError } from '../../api/client';
import { useApiQuery } from '../../api/hooks';
import { hubToday, printedAt } from '../../components/hubClock';
import { PrintDocument, type PrintColumn } from '../../print/PrintDocument';
import { PrintPage } from '../../print/PrintPage';
import { useSession } from '../../stores/session';
import { ALERT_KIND, ALERT_KINDS, type Alert, type AlertKind } from './alertKinds';
import { allPages } from '../../print/allPages';

/** Every page of the filtered alerts. */
async function allAlerts(filter: { storeId?: number; kinds?: AlertKind[]; q?: string }) {
  return (await allPages((page, pageSize) => call('stock.alerts', { ...filter, page, pageSize }))).rows;
}

/**
 * 库存预警表 (/print/alerts?store=&kind=&q=): 库存预警 as filtered on the screen, at A4 landscape — what the
 * pharmacist takes to the shelves (expired and near-expiry batches to set aside) and to the next requisition
 * (what to refill, to the 上限).
 */
export function AlertsPrint() {
  const [params] = useSearchParams();
  const storeParam = params.get('store');
  const storeId = storeParam ? Number(storeParam) : undefined;
  const kinds = (params.get('kind') ?? '').split(',').filter((k): k is AlertKind => (ALERT_KINDS as string[]).includes(k));
  const q = params.get('q') || undefined;
  const filter = { storeId, kinds: kinds.length ? kinds : undefined, q };
  const user = useSession((s) => s.user);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const stores = useApiQuery('stock.stores', {});
  const store = stores.data?.find((st) => st.id === storeId);
  const data = useQuery<Alert[], ApiError>({ queryKey: ['print.alerts', storeId, kinds.join(','), q], queryFn: () => allAlerts(filter) });
  const qty = (a: Alert, n: number | null) => (n === null ? '—' : formatQty(n, a.packSize, a.packUnit, a.baseUnit));
  const columns: PrintColumn<Alert>[] = [
    { key: 'kind', title: '类型', width: '8%', align: 'center', render: (a) => ALERT_KIND[a.kind].label },
    ...(storeId === undefined ? [{ key: 'store', title: '库房', width: '12%', render: (a: Alert) => <span className="print-small">{a.storeName}</span> }] : []),
    { key: 'drug', title: '药品名称', width: storeId === undefined ? '16%' : '22%', render: (a) => a.drugName },
    { key: 'spec', title: '规格', width: '11%', render: (a) => <span className="print-small">{a.spec}</span> },
    { key: 'batch', title: '批号', width: '9%', render: (a) => <span className="print-fit">{a.batchNo ?? ''}</span> },
    { key: 'expiry', title: '有效期至', width: '9%', align: 'center', render: (a) => <span className="print-fit">{a.expiryDate ?? ''}</span> },
    { key: 'qty', title: '结存', width: '9%', align: 'right', render: (a) => qty(a, a.qty) },
    {
      key: 'levels',
      title: '下限 / 上限',
      width: '10%',
      align: 'right',
      render: (a) => <span className="print-small">{`${qty(a, a.minQty)} / ${qty(a, a.maxQty)}`}</span>,
    },
    { key: 'refill', title: '建议补货', width: '8%', align: 'right', render: (a) => qty(a, a.refillQty) },
    { key: 'value', title: '金额（元）', width: '8%', align: 'right', render: (a) => (a.batchNo ? formatFen(a.value) : '') },
  ];
  const rows = data.data ?? [];
  const counted = ALERT_KINDS.map((k) => `${ALERT_KIND[k].label} ${rows.filter((a) => a.kind === k).length}`).join('，');
  return (
    <PrintPage
      title={`库存预警 ${store?.name ?? '全部库房'}`}
      loading={data.isLoading || stores.isLoading}
      error={data.error?.message ?? null}
      back="/stock/alerts"
      pdfName={`库存预警-${store?.name ?? '全部库房'}-${hubToday()}.pdf`}
    >
      {data.data && (
        <PrintDocument
          hubName={hubName}
          title="库存预警表"
          orientation="landscape"
          meta={[
            { label: '库房', value: store?.name ?? '全部库房' },
            { label: '截至', value: hubToday() },
            { label: '筛选', value: `${kinds.length ? kinds.map((k) => ALERT_KIND[k].label).join('、') : '全部类型'}${q ? `，关键字“${q}”` : ''}` },
          ]}
          columns={columns}
          rows={rows}
          rowKey={(a) => `${a.kind}-${a.storeId}-${a.drugId}-${a.batchNo ?? ''}`}
          totals={{
            label: `合计（${rows.length} 条：${counted}）`,
            cells: { value: formatFen(rows.filter((a) => a.batchNo).reduce((n, a) => n + a.value, 0)) },
          }}
          notes="过期、近效期按批次列出（金额为该批次的成本结存）；缺货、低于下限按药品列出，建议补货为补到上限（没有上限时补到下限）所需的整包装数量。盲盘中的药品不列入。"
          signatures={SIGNATURES.alerts}
          footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
        />
      )}
    </PrintPage>
  );
}
