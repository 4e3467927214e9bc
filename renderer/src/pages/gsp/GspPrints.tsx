/**
 * GSP printouts, A4 through the product's print path (PrintPage / PrintDocument, 保存 PDF in the desktop app):
 * 药品验收记录 (one receipt, or a month), 不合格药品处理记录 (a month) and 温湿度记录表 (one area, a month), laid
 * out as inspectors know them, with signature lines.
 */
import { useParams } from 'react-router';
import type { z } from 'zod';
import type { gspApi } from '../../../../shared/contract/gsp';
import { formatFen } from '../../../../shared/money';
import { formatQty } from '../../../../shared/units';
import { AREA_KIND_LABELS, CONCLUSION_LABELS, formatTemp, REJECT_REASON_LABELS, STORAGE_CONDITION_SHORT } from '../../../../shared/gsp';
import { useApiQuery } from '../../api/hooks';
import { PrintDocument, type PrintColumn } from '../../print/PrintDocument';
import { PrintPage } from '../../print/PrintPage';
import { useSession } from '../../stores/session';
import { printedAt } from '../../components/hubClock';
import '../settlement/print/print-settlement.css';
import { SIGNATURES } from '../../../../shared/signatures';

type AcceptanceRow = z.infer<(typeof gspApi)['gsp.acceptanceRecords']['output']>[number];
type QuarantineRow = z.infer<(typeof gspApi)['quarantine.list']['output']>[number];
type LogDay = z.infer<(typeof gspApi)['storage.log']['output']>['days'][number];

const monthLabel = (period: string) => `${period.slice(0, 4)}年${Number(period.slice(5, 7))}月`;
const small = (text: string | null | undefined) => <span className="print-small">{text ?? ''}</span>;
const qty = (q: number | null, r: { packSize: number; packUnit: string; baseUnit: string }) =>
  q === null ? '' : formatQty(q, r.packSize, r.packUnit, r.baseUnit);

const ACCEPTANCE_COLUMNS: PrintColumn<AcceptanceRow>[] = [
  { key: 'arrived', title: '到货日期', width: '7%', align: 'center', render: (r) => <span className="print-nowrap">{r.arrivedOn.slice(5)}</span> },
  {
    key: 'supplier',
    title: '供货单位 / 随货同行单号',
    width: '11%',
    render: (r) => small(`${r.supplierName}${r.deliveryNoteNo ? ` / ${r.deliveryNoteNo}` : ''}`),
  },
  { key: 'drug', title: '药品名称', width: '9%', render: (r) => r.drugName },
  { key: 'spec', title: '剂型 / 规格', width: '7%', render: (r) => small(`${r.dosageForm} ${r.spec}`) },
  { key: 'mfr', title: '生产企业 / 批准文号', width: '12%', render: (r) => small(`${r.manufacturer}${r.approvalNo ? ` ${r.approvalNo}` : ''}`) },
  // One line, smaller type when the column is narrow: a batch number split in its digits reads as two.
  { key: 'batch', title: '批号', width: '7%', render: (r) => <span className="print-fit">{r.batchNo}</span> },
  { key: 'dates', title: '生产日期 / 有效期至', width: '8%', align: 'center', render: (r) => small(`${r.mfgDate ?? '—'} / ${r.expiryDate}`) },
  { key: 'arrivedQty', title: '到货数量', width: '6%', align: 'right', render: (r) => qty(r.arrivedQty, r) },
  { key: 'accepted', title: '合格数量', width: '6%', align: 'right', render: (r) => qty(r.acceptedQty, r) },
  {
    key: 'rejected',
    title: '拒收数量 / 原因',
    width: '9%',
    render: (r) =>
      r.rejectedQty
        ? small(`${qty(r.rejectedQty, r)} ${r.rejectReason ? REJECT_REASON_LABELS[r.rejectReason] : ''}${r.rejectNote ? `：${r.rejectNote}` : ''}`)
        : '—',
  },
  {
    key: 'cold',
    title: '贮藏 / 到货温度',
    width: '6%',
    align: 'center',
    render: (r) =>
      small(`${r.storageCondition ? STORAGE_CONDITION_SHORT[r.storageCondition] : ''}${r.arrivalTemp !== null ? ` ${formatTemp(r.arrivalTemp)}` : ''}`),
  },
  { key: 'conclusion', title: '验收结论', width: '5%', align: 'center', render: (r) => (r.conclusion ? CONCLUSION_LABELS[r.conclusion] : '—') },
  {
    key: 'who',
    title: '验收日期 / 验收人',
    width: '8%',
    render: (r) =>
      small(r.acceptedOn ? `${r.acceptedOn.slice(5)} ${r.acceptorName ?? ''}${r.secondAcceptorName ? `、${r.secondAcceptorName}` : ''}` : '无验收记录'),
  },
];

/** 药品验收记录: /print/acceptance/receipt/:id or /print/acceptance/month/:period. */
export function AcceptancePrint() {
  const { id, period } = useParams();
  const input = id ? { receiptId: Number(id) } : { period: period ?? '' };
  const user = useSession((s) => s.user);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const records = useApiQuery('gsp.acceptanceRecords', input);
  const rows = records.data ?? [];
  const first = rows[0];
  const title = id ? `药品验收记录 ${first?.receiptDocNo ?? ''}` : `药品验收记录 ${monthLabel(period ?? '')}`;
  return (
    <PrintPage title={title} loading={records.isLoading} error={records.error?.message ?? null} pdfName={`${title}.pdf`}>
      <PrintDocument
        hubName={hubName}
        title="药品验收记录"
        docNo={id ? first?.receiptDocNo : undefined}
        orientation="landscape"
        meta={
          id && first
            ? [
                { label: '供货单位', value: first.supplierName, span: 2 },
                { label: '随货同行单号', value: first.deliveryNoteNo ?? '—' },
                { label: '到货日期', value: first.arrivedOn },
                { label: '验收日期', value: first.acceptedOn ?? '—' },
                { label: '发票号', value: first.invoiceNo ?? '—' },
              ]
            : [
                { label: '月份', value: monthLabel(period ?? '') },
                { label: '入库单', value: `${new Set(rows.map((r) => r.receiptId)).size} 张` },
                { label: '品规', value: `${rows.length} 行，拒收 ${rows.filter((r) => (r.rejectedQty ?? 0) > 0).length} 行` },
              ]
        }
        columns={ACCEPTANCE_COLUMNS}
        rows={rows}
        rowKey={(r) => `${r.receiptId}-${r.lineNo}`}
        notes="验收依据：随货同行单、发票与实物逐批核对品名、规格、生产企业、批准文号、批号、效期与数量；冷藏药品核对到货温度与冷链运输记录。拒收药品存放不合格品区，按《不合格药品处理记录》处理。"
        signatures={SIGNATURES.acceptance}
        footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
      />
    </PrintPage>
  );
}

interface DisposalLine {
  key: string;
  q: QuarantineRow;
  d: QuarantineRow['disposals'][number] | null;
}

const QUARANTINE_COLUMNS: PrintColumn<DisposalLine>[] = [
  { key: 'entered', title: '登记日期', width: '7%', align: 'center', render: ({ q }) => <span className="print-nowrap">{q.enteredOn.slice(5)}</span> },
  { key: 'drug', title: '药品名称 / 规格', width: '12%', render: ({ q }) => `${q.drugName} ${q.spec}` },
  { key: 'mfr', title: '生产企业', width: '11%', render: ({ q }) => small(q.manufacturer) },
  { key: 'batch', title: '批号 / 有效期至', width: '10%', render: ({ q }) => small(`${q.batchNo} / ${q.expiryDate}`) },
  { key: 'qty', title: '不合格数量', width: '7%', align: 'right', render: ({ q }) => qty(q.enteredQty, q) },
  {
    key: 'source',
    title: '来源',
    width: '10%',
    render: ({ q }) => (
      <span className="print-small">
        {q.source === 'receipt' ? '验收拒收' : '卫生室退回'} <span className="print-nowrap">{q.sourceDocNo}</span>
      </span>
    ),
  },
  { key: 'reason', title: '不合格原因', width: '10%', render: ({ q }) => small(`${q.reasonLabel}${q.reason ? `：${q.reason}` : ''}`) },
  {
    key: 'how',
    title: '处理方式',
    width: '12%',
    render: ({ d, q }) =>
      d
        ? small(d.kind === 'return' ? `退回 ${d.supplierName ?? ''}` : `销毁：${d.method ?? ''}，${d.place ?? ''}`)
        : small(`${q.heldQty > 0 ? '尚在隔离区' : ''}`),
  },
  {
    key: 'date',
    title: '处理日期 / 单号',
    width: '9%',
    render: ({ d }) =>
      d ? (
        <span className="print-small">
          {d.businessDate.slice(5)} <span className="print-nowrap">{d.docNo}</span>
        </span>
      ) : (
        ''
      ),
  },
  // Quantity over amount, the amount in the figure's own type so that it is made smaller to fit (a type size of its
  // own, as .print-small has, would not shrink, and a seven-figure amount ran over the next column).
  {
    key: 'dqty',
    title: '处理数量 / 金额',
    width: '8%',
    align: 'right',
    render: ({ d, q }) =>
      d ? (
        <div className="print-figure">
          <div>{qty(d.qty, q)}</div>
          <div>¥{formatFen(d.amount)}</div>
        </div>
      ) : (
        ''
      ),
  },
  { key: 'who', title: '经办人 / 监督人', width: '8%', render: ({ d }) => (d ? small(`${d.executorName}${d.witness ? ` / ${d.witness}` : ''}`) : '') },
];

/** 不合格药品处理记录: /print/quarantine/:period. */
export function QuarantinePrint() {
  const period = useParams().period ?? '';
  const user = useSession((s) => s.user);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const list = useApiQuery('quarantine.list', { period });
  const rows: DisposalLine[] = (list.data ?? []).flatMap((q): DisposalLine[] =>
    q.disposals.length ? q.disposals.map((d, i) => ({ key: `${q.lotId}-${i}`, q, d })) : [{ key: `${q.lotId}`, q, d: null }],
  );
  return (
    <PrintPage
      title={`不合格药品处理记录 ${monthLabel(period)}`}
      loading={list.isLoading}
      error={list.error?.message ?? null}
      pdfName={`不合格药品处理记录-${period}.pdf`}
    >
      <PrintDocument
        hubName={hubName}
        title="不合格药品处理记录"
        orientation="landscape"
        meta={[
          { label: '月份', value: monthLabel(period) },
          { label: '登记批次', value: `${list.data?.length ?? 0} 个` },
          { label: '处理', value: `${rows.filter((r) => r.d).length} 笔` },
        ]}
        columns={QUARANTINE_COLUMNS}
        rows={rows}
        rowKey={(r) => r.key}
        notes="不合格药品存放于不合格品区（红色标识），专人管理，不得配送或使用；只能退回供货单位或在监督下销毁，销毁须记录方式、地点与监督人。"
        signatures={SIGNATURES.quarantine}
        footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
      />
    </PrintPage>
  );
}

const cellText = (c: LogDay['am'], what: 'time' | 'temp' | 'rh' | 'who') => {
  if (!c.reading) return what === 'temp' && c.missed ? <strong>缺记</strong> : '';
  const r = c.reading;
  const out = !r.inRange;
  if (what === 'time') return <span className="print-nowrap">{r.readAt}</span>;
  if (what === 'temp') return <span className="print-nowrap">{out ? <strong>{formatTemp(r.temperature)}</strong> : formatTemp(r.temperature)}</span>;
  if (what === 'rh') return <span className="print-nowrap">{r.humidity}%</span>;
  // A slot filled from the data logger says so: the inspector must tell a device's reading from a person's.
  return r.fromLogger ? (
    <span className="print-small">
      {r.recordedByName}
      <br />
      来源：记录仪
    </span>
  ) : (
    small(r.recordedByName)
  );
};

const LOG_COLUMNS: PrintColumn<LogDay>[] = [
  { key: 'date', title: '日期', width: '5%', align: 'center', render: (d) => Number(d.date.slice(8)) },
  { key: 'amTime', title: '上午时间', width: '8%', align: 'center', render: (d) => cellText(d.am, 'time') },
  { key: 'amTemp', title: '温度', width: '9%', align: 'center', render: (d) => cellText(d.am, 'temp') },
  { key: 'amRh', title: '湿度', width: '7%', align: 'center', render: (d) => cellText(d.am, 'rh') },
  { key: 'amWho', title: '记录人', width: '8%', align: 'center', render: (d) => cellText(d.am, 'who') },
  { key: 'pmTime', title: '下午时间', width: '8%', align: 'center', render: (d) => cellText(d.pm, 'time') },
  { key: 'pmTemp', title: '温度', width: '9%', align: 'center', render: (d) => cellText(d.pm, 'temp') },
  { key: 'pmRh', title: '湿度', width: '7%', align: 'center', render: (d) => cellText(d.pm, 'rh') },
  { key: 'pmWho', title: '记录人', width: '8%', align: 'center', render: (d) => cellText(d.pm, 'who') },
  {
    key: 'action',
    title: '超标情况及采取措施',
    render: (d) =>
      small(
        [d.am, d.pm]
          .map((c, i) => (c.reading && !c.reading.inRange ? `${i === 0 ? '上午' : '下午'}：${c.reading.action ?? ''}` : ''))
          .filter(Boolean)
          .join('；'),
      ),
  },
];

/** 温湿度记录表: /print/env-log/:areaId/:period. */
export function EnvLogPrint() {
  const { areaId, period } = useParams();
  const user = useSession((s) => s.user);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const log = useApiQuery('storage.log', { areaId: Number(areaId), period: period ?? '' });
  const l = log.data;
  return (
    <PrintPage
      title={`温湿度记录表 ${l ? `${l.area.storeName} ${l.area.name}` : ''}`}
      loading={log.isLoading}
      error={log.error?.message ?? null}
      pdfName={`温湿度记录表-${l?.area.name ?? ''}-${period}.pdf`}
    >
      {l && (
        <PrintDocument
          hubName={hubName}
          title="温湿度记录表"
          meta={[
            { label: '库房', value: l.area.storeName, span: 2 },
            { label: '月份', value: monthLabel(period ?? '') },
            { label: '储存区', value: `${l.area.name}（${AREA_KIND_LABELS[l.area.kind]}）` },
            { label: '温度范围', value: `${formatTemp(l.area.tempMin)} – ${formatTemp(l.area.tempMax)}` },
            { label: '相对湿度', value: `${l.area.rhMin}% – ${l.area.rhMax}%` },
          ]}
          columns={LOG_COLUMNS}
          rows={l.days}
          rowKey={(d) => d.date}
          notes={
            <>
              本月超出范围 {l.outOfRange} 次，缺记 {l.missed} 次（加粗为超出范围）。
              {l.days.some((d) => d.am.reading?.fromLogger || d.pm.reading?.fromLogger) && ' “来源：记录仪”的时段取自温湿度记录仪导出的数据，记录人为导入人。'}
              {l.corrections.length > 0 &&
                ` 更正：${l.corrections.map((c) => `${c.readingDate.slice(5)}${c.slot === 'am' ? '上午' : '下午'}原记 ${formatTemp(c.temperature)} ${c.humidity}%（${c.recordedByName}）`).join('；')}。`}
            </>
          }
          signatures={SIGNATURES.envLog}
          footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
        />
      )}
    </PrintPage>
  );
}
