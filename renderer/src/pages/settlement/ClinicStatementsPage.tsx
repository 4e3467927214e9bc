import { Link } from 'react-router';
import { Button, Result, Space, Spin, Table, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import type { ClinicSummary } from '../../../../shared/contract/settlement';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { BookHidden, Money } from '../../components/format';
import { useSession } from '../../stores/session';
import { ExportButton, PeriodPicker, PeriodStatus, PrintButton, periodTitle, useSettlementParams } from './common';
import { StatementFigures, StatementTable } from './StatementTable';

type SummaryRow = ClinicSummary['rows'][number];

/** One clinic's statement (结算单). A village doctor only ever sees their own. */
function ClinicStatement({ clinicId, period, onPeriod, onBack }: { clinicId?: number; period: string; onPeriod(p: string): void; onBack?: () => void }) {
  const st = useApiQuery('statements.clinic', { period, clinicId });
  const s = st.data;
  return (
    <Page
      title={s ? `${s.clinic?.name} 结算单` : '卫生室结算单'}
      subTitle={
        <Space wrap>
          {periodTitle(period)} · 期初 + 收入 − 用药 − 退回 − 报损 ± 盘点 = 期末
          {s && <PeriodStatus {...s} />}
        </Space>
      }
      extra={
        <>
          {onBack && (
            <Button icon={<ArrowLeftOutlined />} onClick={onBack}>
              全部卫生室
            </Button>
          )}
          <PeriodPicker value={period} onChange={onPeriod} />
          {s?.clinic && <PrintButton to={`/print/clinic-statement/${s.clinic.id}/${period}`} />}
          {s?.clinic && <ExportButton input={{ kind: 'clinic', period, clinicId: s.clinic.id }} />}
        </>
      }
    >
      {st.isLoading && <Spin style={{ display: 'block', margin: 48 }} />}
      {st.error && <Result status="warning" title={st.error.message} />}
      {s && (
        <>
          <StatementFigures st={s} />
          <StatementTable st={s} />
        </>
      )}
    </Page>
  );
}

/** Every clinic's month in money, with what each owes; pick one for its statement by drug. */
function ClinicsSummary({ period, onPeriod, onOpen }: { period: string; onPeriod(p: string): void; onOpen(id: number): void }) {
  const summary = useApiQuery('statements.clinics', { period });
  const s = summary.data;
  return (
    <Page
      title="卫生室结算"
      subTitle={
        <Space wrap>
          {periodTitle(period)} · 村卫生室不预付药款，按月以用药金额（进价，零差率）结算
          {s && <PeriodStatus {...s} />}
        </Space>
      }
      extra={
        <>
          <PeriodPicker value={period} onChange={onPeriod} />
          <ExportButton input={{ kind: 'clinics', period }}>导出汇总 Excel</ExportButton>
          <PrintButton to={`/print/clinic-summary/${period}`}>打印汇总表</PrintButton>
          <PrintButton to={`/print/clinic-statements/${period}`}>批量打印全部结算单</PrintButton>
        </>
      }
    >
      <Table<SummaryRow>
        rowKey="clinicId"
        size="middle"
        bordered
        loading={summary.isLoading}
        dataSource={s?.rows}
        pagination={false}
        scroll={{ x: 1100 }}
        onRow={(r) => ({ onClick: () => onOpen(r.clinicId), style: { cursor: 'pointer' } })}
        columns={[
          { title: '编码', dataIndex: 'code', width: 70, fixed: 'left' },
          {
            title: '村卫生室',
            dataIndex: 'name',
            fixed: 'left',
            width: 160,
            render: (name: string, r) => (
              <Link to={`?period=${period}&clinic=${r.clinicId}`}>
                {name}
                {!r.active && <Typography.Text type="secondary">（已停用）</Typography.Text>}
              </Link>
            ),
          },
          { title: '应结算（用药金额）', dataIndex: 'amountDue', align: 'right', width: 150, render: (v: number) => <Money fen={v} strong /> },
          { title: '期初结存', dataIndex: 'opening', align: 'right', render: (v: number | null) => (v === null ? <BookHidden /> : <Money fen={v} />) },
          ...(s?.columns ?? [])
            .map((c, i) => ({ c, i }))
            .filter(({ c }) => c.key !== 'dispensed')
            .map(({ c, i }) => ({ title: c.label, key: c.key, align: 'right' as const, render: (_: unknown, r: SummaryRow) => <Money fen={r.cells[i]} /> })),
          { title: '期末结存', dataIndex: 'closing', align: 'right', render: (v: number | null) => (v === null ? <BookHidden /> : <Money fen={v} />) },
          { title: '月末在途', dataIndex: 'inTransit', align: 'right', render: (v: number) => (v ? <Money fen={v} /> : '') },
        ]}
        summary={() =>
          s && (
            <Table.Summary fixed>
              <Table.Summary.Row className="statement-total">
                <Table.Summary.Cell index={0} colSpan={2}>
                  合计（{s.rows.length} 个卫生室）
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  <Money fen={s.totals.amountDue} strong />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  {s.totals.opening === null ? <BookHidden /> : <Money fen={s.totals.opening} />}
                </Table.Summary.Cell>
                {s.columns
                  .map((c, i) => ({ c, i }))
                  .filter(({ c }) => c.key !== 'dispensed')
                  .map(({ c, i }, k) => (
                    <Table.Summary.Cell key={c.key} index={4 + k} align="right">
                      <Money fen={s.totals.cells[i]} />
                    </Table.Summary.Cell>
                  ))}
                <Table.Summary.Cell index={3 + s.columns.length} align="right">
                  {s.totals.closing === null ? <BookHidden /> : <Money fen={s.totals.closing} />}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4 + s.columns.length} align="right">
                  <Money fen={s.totals.inTransit} />
                </Table.Summary.Cell>
              </Table.Summary.Row>
            </Table.Summary>
          )
        }
      />
    </Page>
  );
}

export default function ClinicStatementsPage() {
  const role = useSession((s) => s.user?.role);
  const { period, num, set } = useSettlementParams();
  const clinicId = num('clinic');
  if (role === 'village_doctor') return <ClinicStatement period={period} onPeriod={(p) => set({ period: p })} />;
  if (clinicId) return <ClinicStatement clinicId={clinicId} period={period} onPeriod={(p) => set({ period: p })} onBack={() => set({ clinic: undefined })} />;
  return <ClinicsSummary period={period} onPeriod={(p) => set({ period: p })} onOpen={(id) => set({ clinic: id })} />;
}
