import { useParams, useSearchParams } from 'react-router';
import { Segmented } from 'antd';
import type { z } from 'zod';
import type { deliveryDetail } from '../../../../../shared/contract/stock';
import { formatFen, unitPriceToFen } from '../../../../../shared/money';
import { formatQty } from '../../../../../shared/units';
import { useApiQuery } from '../../../api/hooks';
import { PrintDocument, type PrintColumn, type PrintPaper } from '../../../print/PrintDocument';
import { PrintPage } from '../../../print/PrintPage';
import { useSession } from '../../../stores/session';
import './print-settlement.css';
import { printedAt } from '../../../components/hubClock';
import { DELIVERY_STATUS_LABELS } from '../../../../../shared/stock';
import { SIGNATURES } from '../../../../../shared/signatures';
import { oneOf, useRememberedState } from '../../../components/useRememberedState';

type Line = z.infer<typeof deliveryDetail>['lines'][number];

/** Papers a delivery note prints on: A4, or 241 mm continuous (针式打印纸) at full, half or a third of 279.4 mm. */
export const DELIVERY_PAPERS: Record<string, { label: string; paper: PrintPaper }> = {
  a4: { label: 'A4', paper: { size: 'A4 portrait', width: '210mm', compact: false } },
  '241': { label: '241×279 连续纸', paper: { size: '241mm 279.4mm', width: '241mm', compact: true } },
  '241-half': { label: '241 二等分', paper: { size: '241mm 139.7mm', width: '241mm', compact: true } },
  '241-third': { label: '241 三等分', paper: { size: '241mm 93.1mm', width: '241mm', compact: true } },
};

const STATUS: Record<string, string> = DELIVERY_STATUS_LABELS;

const qtyText = (l: Line, qty: number) => formatQty(qty, l.packSize, l.packUnit, l.baseUnit);

/**
 * The note's columns. After a sign-off that received less than was issued, a 实收 column stands beside 数量 (the
 * reasons go under the table): the note finance files must show what arrived, not only what left.
 */
function columnsFor(short: boolean): PrintColumn<Line>[] {
  const w = (full: number, narrow: number) => `${short ? narrow : full}%`;
  return [
    { key: 'no', title: '序号', width: '5%', align: 'center', render: (l) => l.lineNo },
    { key: 'drug', title: '药品名称', width: w(16, 13), render: (l) => (l.storageOverride ? `${l.drugName} ※` : l.drugName) },
    { key: 'spec', title: '规格', width: w(10, 8), render: (l) => l.spec },
    { key: 'mfr', title: '生产企业', width: w(15, 12), render: (l) => <span className="print-small">{l.manufacturer}</span> },
    // One line, smaller type when the column is narrow: the clinic matches it against the box.
    { key: 'batch', title: '批号', width: w(10, 9), render: (l) => <span className="print-fit">{l.batchNo}</span> },
    { key: 'expiry', title: '有效期至', width: '12%', align: 'center', render: (l) => <span className="print-nowrap">{l.expiryDate}</span> },
    { key: 'qty', title: '数量', width: '10%', align: 'right', render: (l) => qtyText(l, l.qty) },
    ...(short
      ? [
          {
            key: 'received',
            title: '实收',
            width: '9%',
            align: 'right' as const,
            render: (l: Line) => (l.receivedQty === null ? '—' : l.receivedQty === l.qty ? qtyText(l, l.qty) : <strong>{qtyText(l, l.receivedQty)}</strong>),
          },
        ]
      : []),
    // The lot's cost per base unit × pack size, to the fen, as the supplier's invoice priced the pack.
    {
      key: 'price',
      title: '单价（元）',
      width: '10%',
      align: 'right',
      render: (l) => (
        <span className="print-nowrap">
          {formatFen(unitPriceToFen(l.unitCost * l.packSize))}/{l.packUnit}
        </span>
      ),
    },
    { key: 'amount', title: '金额（元）', width: '12%', align: 'right', render: (l) => formatFen(l.amount) },
  ];
}

const shortLines = (lines: Line[]) => lines.filter((l) => l.receivedQty !== null && l.receivedQty < l.qty);

/** Lines issued to a clinic that cannot keep them as labelled: why and who decided, under the table. */
function DeliveryNotes({ note, lines }: { note: string | null; lines: Line[] }) {
  const overridden = lines.filter((l) => l.storageOverride);
  const short = shortLines(lines);
  if (!note && overridden.length === 0 && short.length === 0) return null;
  return (
    <>
      {note && <div>备注：{note}</div>}
      {short.map((l) => (
        <div key={`short-${l.id}`}>
          签收差异：第 {l.lineNo} 行 {l.drugName} 出库 {qtyText(l, l.qty)}，实收 {qtyText(l, l.receivedQty!)}
          {l.discrepancyReason ? `，原因：${l.discrepancyReason}` : ''}
        </div>
      ))}
      {overridden.map((l) => (
        <div key={l.id}>
          ※ 贮藏条件不符仍配送：第 {l.lineNo} 行 {l.drugName}，原因：{l.storageOverride!.reason}（决定人：{l.storageOverride!.byName}）
        </div>
      ))}
    </>
  );
}

/** 配送出库单 (from deliveries.get): A4 or 241 mm continuous paper, chosen on the toolbar. */
export function DeliveryNotePrint() {
  const id = Number(useParams().id);
  const [params, setParams] = useSearchParams();
  // The paper last chosen by this user comes back on the next delivery note; a link's own ?paper= wins.
  const [lastPaper, setLastPaper] = useRememberedState('print.delivery', 'paper', 'a4', oneOf(Object.keys(DELIVERY_PAPERS)));
  const paperKey = params.get('paper') && params.get('paper')! in DELIVERY_PAPERS ? params.get('paper')! : lastPaper;
  const user = useSession((s) => s.user);
  const hubName = useSession((s) => s.status?.hubName ?? '');
  const delivery = useApiQuery('deliveries.get', { id }, { enabled: Number.isInteger(id) && id > 0 });
  const d = delivery.data;
  return (
    <PrintPage
      title={d ? `配送单 ${d.docNo}` : '配送单'}
      loading={delivery.isLoading}
      error={delivery.error?.message ?? null}
      pdfName={d ? `配送单-${d.docNo}-${d.clinicName}.pdf` : '配送单.pdf'}
      toolbar={
        <Segmented
          aria-label="纸张"
          value={paperKey}
          onChange={(v) => {
            setLastPaper(String(v));
            setParams({ paper: String(v) }, { replace: true });
          }}
          options={Object.entries(DELIVERY_PAPERS).map(([value, p]) => ({ value, label: p.label }))}
        />
      }
    >
      {d && (
        <PrintDocument
          hubName={hubName}
          title="药品配送出库单"
          docNo={d.docNo}
          paper={DELIVERY_PAPERS[paperKey].paper}
          meta={[
            { label: '收货单位', value: d.clinicName, span: 2 },
            { label: '出库日期', value: d.businessDate },
            { label: '状态', value: STATUS[d.status] ?? d.status },
            { label: '出库人', value: d.createdByName },
            { label: '签收', value: d.signedByName ? `${d.signedByName} ${d.signDate ?? ''}` : '—' },
          ]}
          columns={columnsFor(shortLines(d.lines).length > 0)}
          rows={d.lines}
          rowKey={(l) => l.id}
          totals={{ label: `合计（${d.lines.length} 行）`, cells: { amount: formatFen(d.totalAmount) } }}
          amountInWordsFen={d.totalAmount}
          notes={<DeliveryNotes note={d.note} lines={d.lines} />}
          signatures={SIGNATURES.deliveryNote}
          footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
        />
      )}
    </PrintPage>
  );
}
