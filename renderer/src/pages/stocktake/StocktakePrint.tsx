import { useParams } from 'react-router';
import type { z } from 'zod';
import type { stocktakeDetail } from '../../../../shared/contract/stocktake';
import { amountInWords, formatFen, formatUnitPrice } from '../../../../shared/money';
import {
  COUNTER_MODE_LABELS,
  COUNT_RULE_TEXT,
  STOCKTAKE_KIND_LABELS,
  STOCKTAKE_STATUS_LABELS,
  VARIANCE_REASON_LABELS,
  selectionMethodText,
} from '../../../../shared/stocktake';
import { formatQty } from '../../../../shared/units';
import { useApiQuery } from '../../api/hooks';
import { formatDateTime } from '../../components/format';
import { PrintDocument, type PrintColumn, type PrintMeta } from '../../print/PrintDocument';
import { PrintPage } from '../../print/PrintPage';
import { useSession } from '../../stores/session';
import { printedAt } from '../../components/hubClock';
import { SIGNATURES } from '../../../../shared/signatures';

type Detail = z.infer<typeof stocktakeDetail>;
type Line = Detail['lines'][number];

const qty = (n: number | null, l: Line) => (n === null ? '' : formatQty(n, l.packSize, l.packUnit, l.baseUnit));
const storeText = (st: Detail) => (st.clinicCode ? `${st.clinicCode} ${st.storeName}` : st.storeName);

function headMeta(st: Detail): PrintMeta[] {
  return [
    { label: '库房', value: storeText(st), span: 2 },
    { label: '类型', value: STOCKTAKE_KIND_LABELS[st.kind] },
    { label: '盘点方式', value: `${COUNTER_MODE_LABELS[st.counterMode]}${st.blind ? '（盲盘）' : ''}` },
    { label: '开始日期', value: st.startDate },
    { label: '发起人', value: st.createdByName },
    ...(st.selection
      ? [{ label: '随机种子', value: `${st.selection.seed}（${selectionMethodText(st.selection.algorithm)}，可按种子复核抽取结果）`, span: 3 as const }]
      : []),
  ];
}

/** The sheet the counter takes to the shelves: every lot, with room to write the count. Blind: no book figures. */
function countColumns(showBook: boolean): PrintColumn<Line>[] {
  return [
    { key: 'no', title: '序号', width: '6%', align: 'center', render: (l) => l.lineNo },
    { key: 'name', title: '药品名称', width: '18%', render: (l) => l.drugName },
    { key: 'spec', title: '规格', width: '10%', render: (l) => l.spec },
    { key: 'mfr', title: '生产企业', width: '17%', render: (l) => l.manufacturer },
    // The counter matches these against the box: each on one line, its type made smaller when the column is narrow.
    { key: 'batch', title: '批号', width: '11%', render: (l) => <span className="print-fit">{l.batchNo}</span> },
    { key: 'expiry', title: '有效期至', width: '10%', align: 'center', render: (l) => <span className="print-fit">{l.expiryDate}</span> },
    ...(showBook ? [{ key: 'book', title: '账面数量', width: '10%', align: 'right' as const, render: (l: Line) => qty(l.bookQtyAtStart, l) }] : []),
    // Room to write by hand.
    { key: 'count', title: '实盘数量', width: showBook ? '10%' : '16%', align: 'right', render: () => <div style={{ height: '8mm' }} /> },
    { key: 'note', title: '备注', width: showBook ? '8%' : '12%', render: () => '' },
  ];
}

export function StocktakeCountPrint() {
  const id = Number(useParams().id);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const q = useApiQuery('stocktakes.get', { id }, { enabled: Number.isInteger(id) && id > 0 });
  const st = q.data;
  const showBook = st ? st.bookVisible && !st.blind : false;
  return (
    <PrintPage title={st ? `盘点表 ${st.docNo}` : '盘点表'} loading={q.isLoading} error={q.error?.message ?? null} back={`/stocktake/${id}`}>
      {st && (
        <PrintDocument
          hubName={hubName}
          title={st.blind ? '药品盘点表（盲盘）' : '药品盘点表'}
          docNo={st.docNo}
          watermark={st.status === 'cancelled' ? '作废' : undefined}
          meta={headMeta(st)}
          columns={countColumns(showBook)}
          rows={st.lines}
          rowKey={(l) => l.id}
          notes={
            <>
              说明：按货架上的实际数量逐批填写，整包装与散装分别写明（如“3盒6粒”）。{st.blind ? '本表为盲盘表，不列账面数量。' : ''}
              {COUNT_RULE_TEXT}
              账上没有的批次请写在表末空白处，并在系统中“添加批次”。
            </>
          }
          signatures={SIGNATURES.stocktakeCount}
          footer={`共 ${st.lines.length} 行　打印时间：${printedAt()}`}
        />
      )}
    </PrintPage>
  );
}

const RESULT_COLUMNS: PrintColumn<Line>[] = [
  { key: 'no', title: '序号', width: '4%', align: 'center', render: (l) => l.lineNo },
  { key: 'name', title: '药品名称 / 规格', width: '17%', render: (l) => `${l.drugName} ${l.spec}` },
  { key: 'batch', title: '批号 / 有效期', width: '12%', render: (l) => `${l.batchNo} / ${l.expiryDate}` },
  { key: 'book', title: '账面数量', width: '9%', align: 'right', render: (l) => qty(l.bookQty, l) },
  { key: 'count', title: '实盘数量', width: '9%', align: 'right', render: (l) => qty(l.countedQty, l) },
  {
    key: 'variance',
    title: '差异数量',
    width: '10%',
    align: 'right',
    render: (l) => (l.variance === null ? '' : l.variance === 0 ? '相符' : `${l.variance > 0 ? '盘盈' : '盘亏'} ${qty(Math.abs(l.variance), l)}`),
  },
  { key: 'cost', title: '成本单价（元）', width: '10%', align: 'right', render: (l) => `${formatUnitPrice(l.unitCost, 2)}/${l.baseUnit}` },
  { key: 'amount', title: '差异金额（元）', width: '10%', align: 'right', render: (l) => (l.variance ? formatFen(l.varianceAmount ?? 0) : '') },
  {
    key: 'reason',
    title: '差异原因',
    width: '19%',
    render: (l) => (l.reasonCode ? `${VARIANCE_REASON_LABELS[l.reasonCode]}${l.reasonNote ? `：${l.reasonNote}` : ''}` : l.variance ? '（待审核）' : ''),
  },
];

/** The result sheet (盘点盈亏报告): book, count, variance and its value per lot; totals equal the posted rows. */
export function StocktakeResultPrint() {
  const id = Number(useParams().id);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const q = useApiQuery('stocktakes.get', { id }, { enabled: Number.isInteger(id) && id > 0 });
  const st = q.data;
  const notReady = st && !st.bookVisible ? '盘点结果尚未提交审核，暂不能打印结果单' : null;
  const surplus = st?.surplusAmount ?? 0;
  const shortage = st?.shortageAmount ?? 0;
  const net = surplus - shortage;
  return (
    <PrintPage title={st ? `盘点结果单 ${st.docNo}` : '盘点结果单'} loading={q.isLoading} error={q.error?.message ?? notReady} back={`/stocktake/${id}`}>
      {st?.bookVisible && (
        <PrintDocument
          hubName={hubName}
          title="药品盘点盈亏报告"
          docNo={st.docNo}
          orientation="landscape"
          watermark={st.status === 'cancelled' ? '作废' : st.status !== 'approved' ? '待审核' : undefined}
          meta={[
            ...headMeta(st),
            { label: '状态', value: STOCKTAKE_STATUS_LABELS[st.status] },
            { label: '记账日期', value: st.businessDate ?? '—' },
            { label: '审核人', value: st.status === 'approved' ? (st.decidedByName ?? '') : '—' },
          ]}
          columns={RESULT_COLUMNS}
          rows={st.lines}
          rowKey={(l) => l.id}
          totals={{
            label: `合计：${st.lineCount} 行，相符 ${st.matchedCount ?? 0} 行`,
            cells: { amount: formatFen(net) },
          }}
          notes={
            <>
              盘盈金额：¥{formatFen(surplus)}（{amountInWords(surplus)}）；盘亏金额：¥{formatFen(shortage)}（{amountInWords(shortage)}）；净差异：
              {net < 0 ? '-' : ''}¥{formatFen(Math.abs(net))}（{amountInWords(net)}）。 盘盈按批次成本单价计价，盘亏按该批次账面价值计价
              {st.status === 'approved' ? '，金额即已过账的台账金额' : '（审核前为估算）'}。账面数量为录入该行时的账面数。
              {st.decisionNote ? ` 审核意见：${st.decisionNote}` : ''}
            </>
          }
          signatures={SIGNATURES.stocktakeResult}
          footer={`盘点人：${[...new Set(st.lines.map((l) => l.countedByName).filter(Boolean))].join('、') || '—'}　提交：${formatDateTime(st.submittedAt)}　审核：${formatDateTime(st.decidedAt)}`}
        />
      )}
    </PrintPage>
  );
}
