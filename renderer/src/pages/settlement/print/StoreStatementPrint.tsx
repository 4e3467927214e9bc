import { useParams } from 'react-router';
import dayjs from 'dayjs';
import type { StatementRow, StoreStatement } from '../../../../../shared/contract/settlement';
import { formatFen } from '../../../../../shared/money';
import { periodBounds } from '../../../../../shared/dates';
import { periodLabel } from '../../../../../shared/settlement';
import { formatQty } from '../../../../../shared/units';
import { BOOK_HIDDEN_TEXT } from '../../../../../shared/stocktake';
import { useApiQuery } from '../../../api/hooks';
import { PrintDocument, type PrintColumn } from '../../../print/PrintDocument';
import { PrintPage } from '../../../print/PrintPage';
import { useSession } from '../../../stores/session';
import './print-settlement.css';
import { printedAt } from '../../../components/hubClock';

/** Quantity over amount in one cell, so a month of columns fits an A4 landscape page. */
function Figure({ figure, row, strong }: { figure: { qty: number; value: number } | null; row: StatementRow; strong?: boolean }) {
  if (figure === null) return <div className="print-small">{BOOK_HIDDEN_TEXT}</div>;
  const { qty, value } = figure;
  if (qty === 0 && value === 0) return null;
  return (
    <div className="print-figure">
      <div>{formatQty(qty, row.packSize, row.packUnit, row.baseUnit)}</div>
      <div className={strong ? 'print-figure-strong' : undefined}>{formatFen(value)}</div>
    </div>
  );
}

function columnsOf(st: StoreStatement, ends: [string, string] = ['期初结存', '期末结存']): PrintColumn<StatementRow>[] {
  const groups = [
    { key: 'opening', title: ends[0], get: (r: StatementRow) => r.opening, strong: false },
    ...st.columns.map((c, i) => ({ key: c.key, title: c.label, get: (r: StatementRow) => r.cells[i], strong: st.amountDue !== null && c.key === 'dispensed' })),
    { key: 'closing', title: ends[1], get: (r: StatementRow) => r.closing, strong: true },
  ];
  const share = `${(67 / groups.length).toFixed(2)}%`;
  return [
    { key: 'no', title: '序号', width: '4%', align: 'center', render: (_, i) => i + 1 },
    {
      key: 'drug',
      title: '药品名称 / 规格 / 生产企业',
      width: '22%',
      render: (r) => (
        <>
          <div>
            {r.drugName} {r.spec}
          </div>
          <div className="print-small">{r.manufacturer}</div>
        </>
      ),
    },
    { key: 'unit', title: '包装', width: '7%', align: 'center', render: (r) => (r.packSize > 1 ? `${r.packSize}${r.baseUnit}/${r.packUnit}` : r.baseUnit) },
    ...groups.map(
      (g): PrintColumn<StatementRow> => ({
        key: g.key,
        title: (
          <>
            {g.title}
            <div className="print-small">数量 / 金额</div>
          </>
        ),
        width: share,
        align: 'right',
        render: (r) => <Figure figure={g.get(r)} row={r} strong={g.strong} />,
      }),
    ),
  ];
}

/** A stock statement on A4 landscape: hub 进销存 or a clinic's 结算单. */
function StatementDocument({ st, title, signatures }: { st: StoreStatement; title: string; signatures: string[] }) {
  const user = useSession((s) => s.user);
  const { first, last } = periodBounds(st.period);
  const cells = Object.fromEntries(
    [['opening', st.totals.opening], ...st.columns.map((c, i) => [c.key, st.totals.cells[i]]), ['closing', st.totals.closing]].map(([k, v]) => [
      k,
      <div key={k as string} className="print-figure">
        <div>&nbsp;</div>
        <div>{v === null ? BOOK_HIDDEN_TEXT : formatFen(v as number)}</div>
      </div>,
    ]),
  );
  const dueWords = st.amountDue !== null;
  return (
    <PrintDocument
      hubName={st.hubName}
      title={title}
      orientation="landscape"
      watermark={st.closed ? undefined : '未结账'}
      meta={[
        { label: st.clinic ? '村卫生室' : '库房', value: st.clinic ? `${st.clinic.code} ${st.clinic.name}` : st.store.name },
        { label: '期间', value: `${periodLabel(st.period)}（${first} 至 ${last}）` },
        { label: '状态', value: st.closed ? `已结账${st.closedAt ? `（${dayjs(st.closedAt).format('YYYY-MM-DD')}）` : ''}` : '未结账，数字可能变动' },
        ...(st.amountDue !== null ? [{ label: '本月用药金额（应结算）', value: `¥${formatFen(st.amountDue)}`, span: 2 as const }] : []),
        ...(st.inTransit ? [{ label: '月末在途（已出库未签收）', value: `¥${formatFen(st.inTransit.closing)}`, span: 2 as const }] : []),
        { label: '单位', value: '元（按进价，零差率）' },
      ]}
      columns={columnsOf(st)}
      rows={st.rows}
      rowKey={(r) => r.drugId}
      totals={{ label: `合计（${st.rows.length} 个品种）`, cells }}
      amountInWordsFen={dueWords ? st.amountDue! : (st.totals.closing ?? undefined)}
      amountInWordsLabel={dueWords ? '本月用药金额（应结算）' : '期末结存金额'}
      notes={`期末结存 = 期初结存 ${st.columns.map((c) => `${c.sign > 0 ? '+' : '−'} ${c.label}`).join(' ')}。数量按最小单位折算为包装单位显示；金额为进价，合计只计金额。${
        st.closingSource === 'snapshot' ? '期末数取自结账快照。' : ''
      }${st.rows.some((r) => r.bookHidden) ? `标“${BOOK_HIDDEN_TEXT}”的药品正在盲盘，不列期初、期末结存及其合计。` : ''}`}
      signatures={signatures}
      footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
    />
  );
}

/** The hub's goods in transit by drug, on a page of its own: opening + 配送出库 − 签收或退回 − 在途报损 = closing. */
function TransitDocument({ st }: { st: StoreStatement }) {
  const user = useSession((s) => s.user);
  const t = st.transit!;
  const view: StoreStatement = { ...st, columns: t.columns, rows: t.rows, totals: t.totals, balanced: t.balanced, amountDue: null };
  const cells = Object.fromEntries(
    [['opening', t.totals.opening], ...t.columns.map((c, i) => [c.key, t.totals.cells[i]]), ['closing', t.totals.closing]].map(([k, v]) => [
      k,
      <div key={k as string} className="print-figure">
        <div>&nbsp;</div>
        <div>{formatFen(v as number)}</div>
      </div>,
    ]),
  );
  return (
    <div className="print-break-before">
      <PrintDocument
        hubName={st.hubName}
        title="在途药品月报表（已出库未签收）"
        orientation="landscape"
        watermark={st.closed ? undefined : '未结账'}
        meta={[
          { label: '库房', value: '各村卫生室在途库（属中心药库，签收前）', span: 2 },
          { label: '期间', value: periodLabel(st.period) },
          { label: '单位', value: '元（按进价，零差率）' },
        ]}
        columns={columnsOf(view, ['期初在途', '期末在途'])}
        rows={t.rows}
        rowKey={(r) => r.drugId}
        totals={{ label: `合计（${t.rows.length} 个品种）`, cells }}
        amountInWordsFen={t.totals.closing}
        amountInWordsLabel="月末在途金额"
        notes={`期末在途 = 期初在途 ${t.columns.map((c) => `${c.sign > 0 ? '+' : '−'} ${c.label}`).join(' ')}。在途报损：卫生室签收短少、经中心库核实按在途损失报损的数量与金额。`}
        signatures={['经办人', '审核人']}
        footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
      />
    </div>
  );
}

export function HubStatementPrint() {
  const period = useParams().period ?? '';
  const st = useApiQuery('statements.hub', { period });
  return (
    <PrintPage
      title={`中心库进销存 ${period}`}
      loading={st.isLoading}
      error={st.error?.message ?? null}
      back={`/settlement/hub?period=${period}`}
      pdfName={`中心药库进销存-${period}.pdf`}
    >
      {st.data && <StatementDocument st={st.data} title="中心药库进销存月报表" signatures={['经办人', '审核人', '负责人']} />}
      {st.data?.transit && st.data.transit.rows.length > 0 && <TransitDocument st={st.data} />}
    </PrintPage>
  );
}

export function ClinicStatementPrint() {
  const params = useParams();
  const period = params.period ?? '';
  const clinicId = Number(params.clinicId);
  const st = useApiQuery('statements.clinic', { period, clinicId });
  const name = st.data?.clinic ? `${st.data.clinic.name}` : '卫生室';
  return (
    <PrintPage
      title={`${name}结算单 ${period}`}
      loading={st.isLoading}
      error={st.error?.message ?? null}
      back={`/settlement/clinics?period=${period}&clinic=${clinicId}`}
      pdfName={`卫生室结算单-${name}-${period}.pdf`}
    >
      {st.data && <StatementDocument st={st.data} title="村卫生室药品结算单" signatures={['经办人', '审核人', '负责人', '卫生室确认']} />}
    </PrintPage>
  );
}
