import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { z } from 'zod';
import type { onHandRow } from '../../../../shared/contract/stock';
import { formatFen } from '../../../../shared/money';
import { SIGNATURES } from '../../../../shared/signatures';
import { ON_HAND_FILTER_LABELS, type OnHandFilter } from '../../../../shared/stock';
import { formatPack, formatQty } from '../../../../shared/units';
import { call, type ApiError } from '../../api/client';
import { useApiQuery } from '../../api/hooks';
import { hubToday, printedAt } from '../../components/hubClock';
import { PrintDocument, type PrintColumn } from '../../print/PrintDocument';
import { PrintPage } from '../../print/PrintPage';
import { useSession } from '../../stores/session';
import { allPages } from '../../print/allPages';

type Drug = z.infer<typeof onHandRow>;
type Line = { drug: Drug; lot: Drug['lots'][number] | null };

/** Every page of the filtered list, with the list's total value. */
async function allRows(storeId: number, filter: OnHandFilter, q: string | undefined) {
  const { rows, last } = await allPages((page, pageSize) => call('stock.onHand', { storeId, filter, q, page, pageSize }));
  return { rows, totalValue: last.totalValue };
}

/** 药品库存表 (/print/on-hand?store=&filter=&q=): 库存查询 as filtered on the screen, a row per lot, at A4 landscape. */
export function OnHandPrint() {
  const [params] = useSearchParams();
  const storeId = Number(params.get('store'));
  const filter = (params.get('filter') ?? 'in_stock') in ON_HAND_FILTER_LABELS ? ((params.get('filter') ?? 'in_stock') as OnHandFilter) : 'in_stock';
  const q = params.get('q') || undefined;
  const user = useSession((s) => s.user);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const stores = useApiQuery('stock.stores', {});
  const store = stores.data?.find((st) => st.id === storeId);
  const data = useQuery<Awaited<ReturnType<typeof allRows>>, ApiError>({
    queryKey: ['print.onHand', storeId, filter, q],
    queryFn: () => allRows(storeId, filter, q),
  });
  const lines = (data.data?.rows ?? []).flatMap((drug): Line[] => (drug.lots.length ? drug.lots.map((lot) => ({ drug, lot })) : [{ drug, lot: null }]));
  const q2 = (l: Line, n: number) => formatQty(n, l.drug.packSize, l.drug.packUnit, l.drug.baseUnit);
  const columns: PrintColumn<Line>[] = [
    // The code is read and typed whole: one line, its type made smaller when the column is narrow (print-fit).
    { key: 'code', title: '医保编码', width: '19%', render: (l) => <span className="print-fit print-code">{l.drug.nhsaCode}</span> },
    { key: 'name', title: '通用名', width: '13%', render: (l) => l.drug.genericName },
    { key: 'spec', title: '规格', width: '10%', render: (l) => `${l.drug.spec} ${formatPack(l.drug.packSize, l.drug.packUnit, l.drug.baseUnit)}` },
    { key: 'mfr', title: '生产企业', width: '14%', render: (l) => <span className="print-small">{l.drug.manufacturer}</span> },
    { key: 'batch', title: '批号', width: '9%', render: (l) => l.lot?.batchNo ?? '' },
    { key: 'expiry', title: '有效期至', width: '10%', align: 'center', render: (l) => <span className="print-nowrap">{l.lot?.expiryDate ?? ''}</span> },
    { key: 'qty', title: '数量', width: '9%', align: 'right', render: (l) => (l.drug.bookHidden ? '盲盘中' : q2(l, l.lot?.qty ?? 0)) },
    { key: 'value', title: '金额（元）', width: '9%', align: 'right', render: (l) => (l.drug.bookHidden ? '' : formatFen(l.lot?.value ?? 0)) },
    {
      key: 'state',
      title: '状态',
      width: '7%',
      align: 'center',
      render: (l) => (l.lot?.expired ? '已过期' : l.lot?.nearExpiry ? '近效期' : l.drug.qty === 0 ? '缺货' : ''),
    },
  ];
  const totalValue = data.data?.totalValue;
  return (
    <PrintPage
      title={`药品库存表 ${store?.name ?? ''}`}
      loading={data.isLoading || stores.isLoading}
      error={data.error?.message ?? null}
      back="/stock/on-hand"
      pdfName={`库存-${store?.name ?? ''}-${hubToday()}.pdf`}
    >
      {data.data && (
        <PrintDocument
          hubName={hubName}
          title="药品库存表"
          orientation="landscape"
          meta={[
            { label: '库房', value: store?.name ?? '' },
            { label: '截至', value: hubToday() },
            { label: '筛选', value: `${ON_HAND_FILTER_LABELS[filter]}${q ? `，关键字“${q}”` : ''}` },
          ]}
          columns={columns}
          rows={lines}
          rowKey={(l) => `${l.drug.drugId}-${l.lot?.lotId ?? 0}`}
          totals={{
            label: `合计（${data.data.rows.length} 种药品，${lines.filter((l) => l.lot).length} 个批次）`,
            cells: { value: totalValue === null || totalValue === undefined ? '审核后可见' : formatFen(totalValue) },
          }}
          notes={`金额为成本价（零差率）。${totalValue === null ? '标“盲盘中”的药品正在盲盘，不列数量和金额。' : ''}`}
          signatures={SIGNATURES.onHand}
          footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
        />
      )}
    </PrintPage>
  );
}
