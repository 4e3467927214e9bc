import { useParams } from 'react-router';
import { formatFen } from '../../../../../shared/money';
import { periodBounds } from '../../../../../shared/dates';
import { periodLabel, SUPPLIER_LINE_LABELS, supplierStatementLines, type SupplierLine } from '../../../../../shared/settlement';
import { useApiQuery } from '../../../api/hooks';
import { PrintDocument, type PrintColumn } from '../../../print/PrintDocument';
import { PrintPage } from '../../../print/PrintPage';
import { useSession } from '../../../stores/session';
import './print-settlement.css';
import { printedAt } from '../../../components/hubClock';
import { SIGNATURES } from '../../../../../shared/signatures';

const money = (v: number) => (v ? formatFen(v) : '');

const COLUMNS: PrintColumn<SupplierLine>[] = [
  { key: 'no', title: '序号', width: '5%', align: 'center', render: (l, i) => (l.kind === 'opening' ? '' : i) },
  { key: 'date', title: '日期', width: '11%', align: 'center', render: (l) => <span className="print-nowrap">{l.date}</span> },
  { key: 'kind', title: '摘要', width: '9%', align: 'center', render: (l) => <span className="print-nowrap">{SUPPLIER_LINE_LABELS[l.kind]}</span> },
  { key: 'doc', title: '入库单 / 退货单 / 凭证号', width: '16%', render: (l) => <span className="print-small">{l.docNos}</span> },
  {
    key: 'invoice',
    title: '发票号',
    width: '11%',
    render: (l) => <span className="print-small">{l.invoiceNo ?? (l.kind === 'receipt' || l.kind === 'reversal' ? '（未填）' : '')}</span>,
  },
  { key: 'received', title: '购进金额', width: '12%', align: 'right', render: (l) => money(l.received) },
  { key: 'returned', title: '退货金额', width: '12%', align: 'right', render: (l) => money(l.returned) },
  { key: 'paid', title: '付款金额', width: '12%', align: 'right', render: (l) => money(l.paid) },
  { key: 'balance', title: '应付余额', width: '12%', align: 'right', render: (l) => formatFen(l.balance) },
];

/** 配送企业往来对账单 on A4: opening owed, each invoice, return and payment with the running balance. */
export function SupplierStatementPrint() {
  const params = useParams();
  const period = params.period ?? '';
  const supplierId = Number(params.supplierId);
  const user = useSession((s) => s.user);
  const st = useApiQuery('statements.supplier', { supplierId, period });
  const s = st.data;
  const { first, last } = periodBounds(/^\d{4}-\d{2}$/.test(period) ? period : '2000-01');
  return (
    <PrintPage
      title={`对账单 ${s?.supplier.name ?? ''} ${period}`}
      loading={st.isLoading}
      error={st.error?.message ?? null}
      back={`/settlement/suppliers?period=${period}&supplier=${supplierId}`}
      pdfName={`配送企业对账单-${s?.supplier.name ?? supplierId}-${period}.pdf`}
    >
      {s && (
        <PrintDocument
          hubName={s.hubName}
          title="配送企业往来对账单"
          watermark={s.closed ? undefined : '未结账'}
          meta={[
            { label: '配送企业', value: s.supplier.name, span: 2 },
            { label: '期间', value: `${periodLabel(period)}（${first} 至 ${last}）` },
            { label: '统一社会信用代码', value: s.supplier.creditCode, span: 2 },
            { label: '联系人', value: [s.supplier.contact, s.supplier.phone].filter(Boolean).join(' ') || '—' },
            { label: '期初应付', value: `¥${formatFen(s.opening)}` },
            { label: '本月购进 − 退货', value: `¥${formatFen(s.totals.net)}` },
            { label: '本月付款', value: `¥${formatFen(s.totals.paid)}` },
          ]}
          columns={COLUMNS}
          rows={supplierStatementLines(s)}
          rowKey={(_, i) => i}
          totals={{
            label: '本月合计',
            cells: {
              received: formatFen(s.totals.received),
              returned: formatFen(s.totals.returned),
              paid: formatFen(s.totals.paid),
              balance: formatFen(s.totals.closing),
            },
          }}
          amountInWordsFen={s.totals.closing}
          amountInWordsLabel="期末应付余额"
          notes={`购进金额按入库单（发票）金额计，冲销以负数列示；期末应付余额 ¥${formatFen(s.totals.closing)} 结转下月。${
            s.closed ? '' : '本月尚未结账，数字可能变动。'
          }如有不符，请于收到本单后十日内与${s.hubName}药剂科联系。`}
          signatures={SIGNATURES.supplierStatement}
          footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
        />
      )}
    </PrintPage>
  );
}
