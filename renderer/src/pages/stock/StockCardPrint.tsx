import { useSearchParams } from 'react-router';
import { formatFen } from '../../../../shared/money';
import { SIGNATURES } from '../../../../shared/signatures';
import { ledgerDocText, MOVEMENT_LABELS, type Movement } from '../../../../shared/stock';
import { formatPack, formatQty } from '../../../../shared/units';
import { useApiQuery } from '../../api/hooks';
import { printedAt } from '../../components/hubClock';
import { PrintDocument, type PrintColumn } from '../../print/PrintDocument';
import { PrintPage } from '../../print/PrintPage';
import { useSession } from '../../stores/session';

/** 药品账页 (/print/stock-card?store=&drug=&from=&to=): the stock card of the screen, on A4 landscape. */
export function StockCardPrint() {
  const [params] = useSearchParams();
  const input = { storeId: Number(params.get('store')), drugId: Number(params.get('drug')), from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const user = useSession((s) => s.user);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const card = useApiQuery('stock.card', { ...input, limit: 5000 }, { enabled: input.storeId > 0 && input.drugId > 0 && !!input.from && !!input.to });
  const c = card.data;
  type Row = NonNullable<typeof c>['rows'][number];
  const q = (n: number) => (c ? formatQty(n, c.drug.packSize, c.drug.packUnit, c.drug.baseUnit) : '');
  const columns: PrintColumn<Row>[] = [
    { key: 'date', title: '日期', width: '10%', align: 'center', render: (r) => <span className="print-nowrap">{r.businessDate}</span> },
    {
      key: 'movement',
      title: '业务',
      width: '12%',
      render: (r) => `${MOVEMENT_LABELS[r.movement as Movement]}${r.reversesId ? '（冲销）' : r.reversed ? '（已冲销）' : ''}`,
    },
    { key: 'doc', title: '单据号', width: '15%', render: (r) => ledgerDocText(r.docType, r.docNo) },
    { key: 'batch', title: '批号', width: '10%', render: (r) => r.batchNo },
    { key: 'in', title: '收入', width: '9%', align: 'right', render: (r) => (r.qty > 0 ? q(r.qty) : '') },
    { key: 'out', title: '发出', width: '9%', align: 'right', render: (r) => (r.qty < 0 ? q(-r.qty) : '') },
    { key: 'amount', title: '金额（元）', width: '9%', align: 'right', render: (r) => formatFen(r.amount) },
    { key: 'balance', title: '结存', width: '9%', align: 'right', render: (r) => q(r.balanceQty) },
    { key: 'value', title: '结存金额（元）', width: '10%', align: 'right', render: (r) => formatFen(r.balanceValue) },
    { key: 'user', title: '经办人', width: '7%', render: (r) => r.userName },
  ];
  const received = c?.rows.reduce((n, r) => n + Math.max(0, r.qty), 0) ?? 0;
  const issued = c?.rows.reduce((n, r) => n + Math.max(0, -r.qty), 0) ?? 0;
  return (
    <PrintPage
      title={c ? `药品账页 ${c.drug.drugName}` : '药品账页'}
      loading={card.isLoading}
      error={card.error?.message ?? null}
      back={`/stock/card?store=${input.storeId}&drug=${input.drugId}`}
      pdfName={c ? `药品账页-${c.store.name}-${c.drug.drugName}-${input.from}至${input.to}.pdf` : undefined}
    >
      {c && (
        <PrintDocument
          hubName={hubName}
          title="药品账页（库存台账）"
          orientation="landscape"
          meta={[
            { label: '库房', value: c.store.name },
            { label: '日期', value: `${input.from} 至 ${input.to}` },
            { label: '医保编码', value: c.drug.nhsaCode },
            { label: '药品', value: `${c.drug.drugName} ${c.drug.spec}（${c.drug.manufacturer}）`, span: 2 },
            { label: '包装', value: formatPack(c.drug.packSize, c.drug.packUnit, c.drug.baseUnit) },
            { label: '期初结存', value: `${q(c.opening.qty)}　¥${formatFen(c.opening.value)}` },
            { label: '期末结存', value: `${q(c.closing.qty)}　¥${formatFen(c.closing.value)}` },
          ]}
          columns={columns}
          rows={c.rows}
          rowKey={(r) => r.id}
          totals={{
            label: `本期合计（${c.rows.length} 笔）`,
            cells: {
              in: q(received),
              out: q(issued),
              amount: formatFen(c.closing.value - c.opening.value),
              balance: q(c.closing.qty),
              value: formatFen(c.closing.value),
            },
          }}
          notes={`期末 = 期初 + 收入 − 发出。${c.truncated ? '记录过多，只列出了前 5000 笔，请缩短日期范围。' : ''}`}
          signatures={SIGNATURES.stockCard}
          footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
        />
      )}
    </PrintPage>
  );
}
