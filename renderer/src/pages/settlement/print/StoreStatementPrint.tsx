import { useParams } from 'react-router';
import { useQueries } from '@tanstack/react-query';
import type { ClinicSummary, StatementRow, StoreStatement } from '../../../../../shared/contract/settlement';
import { call } from '../../../api/client';
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
import { SIGNATURES } from '../../../../../shared/signatures';
import { formatChinaDateTime } from '../../../components/hubClock';

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
function StatementDocument({ st, title, signatures }: { st: StoreStatement; title: string; signatures: readonly string[] }) {
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
        {
          label: '状态',
          value: st.closed ? `已结账${st.closedAt ? `（${formatChinaDateTime(st.closedAt, false).slice(0, 10)}）` : ''}` : '未结账，数字可能变动',
        },
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
        signatures={SIGNATURES.transitStatement}
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
      {st.data && <StatementDocument st={st.data} title="中心药库进销存月报表" signatures={SIGNATURES.hubStatement} />}
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
      {st.data && <StatementDocument st={st.data} title="村卫生室药品结算单" signatures={SIGNATURES.clinicStatement} />}
    </PrintPage>
  );
}

/** Every clinic's month on one page: what each owes and how its stock moved, in money, with totals. */
function ClinicSummaryDocument({ s }: { s: ClinicSummary }) {
  const user = useSession((u) => u.user);
  const { first, last } = periodBounds(s.period);
  const money = (v: number | null) => (v === null ? <span className="print-small">{BOOK_HIDDEN_TEXT}</span> : formatFen(v));
  const moves = s.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.key !== 'dispensed');
  const share = `${(58 / (moves.length + 2)).toFixed(2)}%`;
  const columns: PrintColumn<ClinicSummary['rows'][number]>[] = [
    { key: 'no', title: '序号', width: '4%', align: 'center', render: (_, i) => i + 1 },
    { key: 'name', title: '村卫生室', width: '16%', render: (r) => `${r.code} ${r.name}${r.active ? '' : '（已停用）'}` },
    { key: 'amountDue', title: '应结算（用药金额）', width: '12%', align: 'right', render: (r) => formatFen(r.amountDue) },
    { key: 'opening', title: '期初结存', width: share, align: 'right', render: (r) => money(r.opening) },
    ...moves.map(
      ({ c, i }): PrintColumn<ClinicSummary['rows'][number]> => ({
        key: c.key,
        title: c.label,
        width: share,
        align: 'right',
        render: (r) => formatFen(r.cells[i]),
      }),
    ),
    { key: 'closing', title: '期末结存', width: share, align: 'right', render: (r) => money(r.closing) },
    { key: 'inTransit', title: '月末在途', width: '10%', align: 'right', render: (r) => (r.inTransit ? formatFen(r.inTransit) : '') },
  ];
  return (
    <PrintDocument
      hubName={s.hubName}
      title="村卫生室药品结算汇总表"
      orientation="landscape"
      watermark={s.closed ? undefined : '未结账'}
      meta={[
        { label: '期间', value: `${periodLabel(s.period)}（${first} 至 ${last}）`, span: 2 },
        { label: '状态', value: s.closed ? '已结账' : '未结账，数字可能变动' },
        { label: '卫生室数', value: `${s.rows.length} 个` },
        { label: '单位', value: '元（按进价，零差率）', span: 2 },
      ]}
      columns={columns}
      rows={s.rows}
      rowKey={(r) => r.clinicId}
      totals={{
        label: `合计（${s.rows.length} 个卫生室）`,
        cells: {
          amountDue: formatFen(s.totals.amountDue),
          opening: money(s.totals.opening),
          ...Object.fromEntries(moves.map(({ c, i }) => [c.key, formatFen(s.totals.cells[i])])),
          closing: money(s.totals.closing),
          inTransit: formatFen(s.totals.inTransit),
        },
      }}
      amountInWordsFen={s.totals.amountDue}
      amountInWordsLabel="应结算合计"
      notes="应结算 = 本月用药金额（进价）。期末结存 = 期初结存 + 收入 − 用药 − 退回 − 报损 ± 盘点。各卫生室的药品明细见其结算单。"
      signatures={SIGNATURES.clinicSummary}
      footer={`打印：${user?.displayName ?? ''}　${printedAt()}`}
    />
  );
}

export function ClinicSummaryPrint() {
  const period = useParams().period ?? '';
  const s = useApiQuery('statements.clinics', { period });
  return (
    <PrintPage
      title={`卫生室结算汇总表 ${period}`}
      loading={s.isLoading}
      error={s.error?.message ?? null}
      back={`/settlement/clinics?period=${period}`}
      pdfName={`卫生室结算汇总表-${period}.pdf`}
    >
      {s.data && <ClinicSummaryDocument s={s.data} />}
    </PrintPage>
  );
}

/**
 * Finance's month-end print run: the summary, then every clinic's statement on pages of its own (the clinics of
 * the summary, in its order), so one print job gives the pile that goes out for signatures.
 */
export function ClinicStatementsBatchPrint() {
  const period = useParams().period ?? '';
  const summary = useApiQuery('statements.clinics', { period });
  const clinics = summary.data?.rows ?? [];
  const statements = useQueries({
    queries: clinics.map((r) => ({
      queryKey: ['statements.clinic', { period, clinicId: r.clinicId }],
      queryFn: () => call('statements.clinic', { period, clinicId: r.clinicId }),
    })),
  });
  const failed = statements.find((q) => q.error);
  const ready = statements.filter((q) => q.data).length;
  const loading = summary.isLoading || ready < clinics.length;
  return (
    <PrintPage
      title={`卫生室结算单批量打印 ${period}（汇总表 + ${clinics.length} 份结算单）`}
      loading={loading && !failed}
      error={summary.error?.message ?? (failed?.error as Error | undefined)?.message ?? null}
      back={`/settlement/clinics?period=${period}`}
      pdfName={`卫生室结算单-全部-${period}.pdf`}
      toolbar={
        loading ? (
          <span className="print-small">
            已取得 {ready} / {clinics.length} 份
          </span>
        ) : undefined
      }
    >
      {summary.data && <ClinicSummaryDocument s={summary.data} />}
      {statements.map(
        (q, i) =>
          q.data && (
            <div key={clinics[i].clinicId} className="print-break-before">
              <StatementDocument st={q.data} title="村卫生室药品结算单" signatures={SIGNATURES.clinicStatement} />
            </div>
          ),
      )}
    </PrintPage>
  );
}
