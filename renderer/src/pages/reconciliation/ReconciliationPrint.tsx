import { useParams } from 'react-router';
import type { ReconciliationSheet } from '../../../../shared/contract/reconciliation';
import { periodBounds } from '../../../../shared/dates';
import { formatFen } from '../../../../shared/money';
import { DIFFERENCE_HELP, DIFFERENCE_LABELS, type DifferenceKind } from '../../../../shared/reconciliation';
import { periodLabel } from '../../../../shared/settlement';
import { useApiQuery } from '../../api/hooks';
import { printedAt } from '../../components/hubClock';
import { PrintDocument, type PrintColumn } from '../../print/PrintDocument';
import { PrintPage } from '../../print/PrintPage';
import { useSession } from '../../stores/session';
import '../settlement/print/print-settlement.css';
import { baseQty } from './labels';
import { SIGNATURES } from '../../../../shared/signatures';

type SheetRow = ReconciliationSheet['rows'][number];
type Difference = ReconciliationSheet['differences'][number];
const kindsText = (kinds: DifferenceKind[]) => kinds.map((k) => DIFFERENCE_LABELS[k]).join('、');

const COLUMNS: PrintColumn<SheetRow>[] = [
  { key: 'no', title: '序号', width: '4%', align: 'center', render: (_, i) => i + 1 },
  {
    key: 'drug',
    title: '药品 / 规格 / 医保编码',
    width: '24%',
    render: (r) => (
      <>
        <div>
          {r.drugName ?? '（目录中没有）'} {r.spec}
        </div>
        <div className="print-small">{r.medListCodg}</div>
      </>
    ),
  },
  { key: 'sq', title: '结算数量', width: '8%', align: 'right', render: (r) => baseQty(r.settledQty, r.baseUnit) },
  { key: 'sa', title: '结算金额', width: '9%', align: 'right', render: (r) => formatFen(r.settledAmount) },
  { key: 'dq', title: '用药数量', width: '8%', align: 'right', render: (r) => baseQty(r.dispensedQty, r.baseUnit) },
  { key: 'da', title: '用药金额', width: '9%', align: 'right', render: (r) => formatFen(r.dispensedAmount) },
  { key: 'sp', title: '自费', width: '6%', align: 'right', render: (r) => (r.selfPayQty ? baseQty(r.selfPayQty, r.baseUnit) : '') },
  { key: 'diff', title: '数量差', width: '7%', align: 'right', render: (r) => (r.diffQty ? baseQty(r.diffQty, r.baseUnit) : r.diffQty === null ? '—' : '') },
  { key: 'dam', title: '金额差', width: '8%', align: 'right', render: (r) => (r.diffAmount ? formatFen(r.diffAmount) : '') },
  { key: 'kinds', title: '差异（天数）', render: (r) => (r.kinds.length ? `${kindsText(r.kinds)}${r.openDays ? `（${r.openDays} 天）` : ''}` : '相符') },
];

const DIFF_COLUMNS: PrintColumn<Difference>[] = [
  { key: 'date', title: '日期', width: '14%', render: (d) => d.date },
  { key: 'drug', title: '药品', width: '30%', render: (d) => d.drugName },
  { key: 'sq', title: '结算数量', width: '14%', align: 'right', render: (d) => baseQty(d.settledQty, d.baseUnit) },
  { key: 'dq', title: '用药数量', width: '14%', align: 'right', render: (d) => baseQty(d.dispensedQty, d.baseUnit) },
  { key: 'kinds', title: '差异', render: (d) => kindsText(d.kinds) },
];

function SheetDocument({ s }: { s: ReconciliationSheet }) {
  const user = useSession((x) => x.user);
  const { first, last } = periodBounds(s.period);
  const kinds = [...new Set(s.rows.flatMap((r) => r.kinds))];
  const meta = [
    { label: '村卫生室', value: `${s.clinicCode} ${s.clinicName}` },
    { label: '期间', value: `${periodLabel(s.period)}（${first} 至 ${last}）` },
    { label: '状态', value: s.closed ? '已结账' : '未结账，数字可能变动' },
    { label: '医保结算金额', value: `¥${formatFen(s.totals.settledAmount)}` },
    { label: '用药金额（成本）', value: `¥${formatFen(s.totals.dispensedAmount)}` },
    { label: '同次就诊药品不符', value: `${s.visits} 次` },
  ];
  const footer = `打印：${user?.displayName ?? ''}　${printedAt()}`;
  return (
    <>
      <PrintDocument
        hubName={s.hubName}
        title="医保结算与用药对账单"
        orientation="landscape"
        watermark={s.closed ? undefined : '未结账'}
        meta={meta}
        columns={COLUMNS}
        rows={s.rows}
        rowKey={(r) => r.drugId ?? r.medListCodg}
        totals={{
          label: `合计（${s.rows.length} 个品种）`,
          cells: { sa: formatFen(s.totals.settledAmount), da: formatFen(s.totals.dispensedAmount), dam: formatFen(s.totals.diffAmount) },
        }}
        amountInWordsFen={s.totals.settledAmount}
        amountInWordsLabel="医保结算金额"
        notes={`数量为最小单位；结算金额为医保结算明细的金额（冲正已抵减），用药金额为本系统用药登记的成本（零差率）。本单不含患者个人信息。${kinds
          .map((k) => `${DIFFERENCE_LABELS[k]}：${DIFFERENCE_HELP[k]}`)
          .join('')}`}
        signatures={SIGNATURES.reconciliation}
        footer={footer}
      />
      {s.differences.length > 0 && (
        <div className="print-break-before">
          <PrintDocument
            hubName={s.hubName}
            title="医保对账逐日差异"
            orientation="landscape"
            watermark={s.closed ? undefined : '未结账'}
            meta={[meta[0], meta[1]]}
            columns={DIFF_COLUMNS}
            rows={s.differences}
            rowKey={(d, i) => `${d.date}-${d.drugName}-${i}`}
            notes="自费已标记的不列。"
            signatures={SIGNATURES.reconciliationDays}
            footer={footer}
          />
        </div>
      )}
    </>
  );
}

export function ReconciliationPrint() {
  const params = useParams();
  const period = params.period ?? '';
  const clinicId = Number(params.clinicId);
  const q = useApiQuery('reconciliation.sheet', { clinicId, period });
  const name = q.data?.clinicName ?? '卫生室';
  return (
    <PrintPage
      title={`${name}医保对账单 ${period}`}
      loading={q.isLoading}
      error={q.error?.message ?? null}
      back={`/reconciliation?period=${period}&clinic=${clinicId}`}
      pdfName={`医保对账单-${name}-${period}.pdf`}
    >
      {q.data && <SheetDocument s={q.data} />}
    </PrintPage>
  );
}
