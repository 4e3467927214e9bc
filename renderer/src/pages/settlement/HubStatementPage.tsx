import { Card, Space, Typography } from 'antd';
import { ClosedMonthNote, Computing, monthWork, useClosedThrough } from '../../components/Computing';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { ExportButton, PeriodPicker, PeriodStatus, PrintButton, periodTitle, useSettlementParams } from './common';
import { StatementFigures, StatementTable } from './StatementTable';

/** 中心药库进销存: the hub store's month by drug, in quantity and money. */
export default function HubStatementPage() {
  const { period, set } = useSettlementParams();
  const st = useApiQuery('statements.hub', { period });
  const closedThrough = useClosedThrough();
  return (
    <Page
      title="中心库进销存"
      subTitle={
        <Space>
          {periodTitle(period)} · 购进、配送、退货、报损与盘点，按药品列数量和金额；在途药品（含在途报损）另列
          {st.data && <PeriodStatus {...st.data} />}
          {st.data && <ClosedMonthNote closed={st.data.closed} />}
        </Space>
      }
      extra={
        <>
          <PeriodPicker value={period} onChange={(p) => set({ period: p })} />
          <PrintButton to={`/print/hub-statement/${period}`} />
          <ExportButton input={{ kind: 'hub', period }} />
        </>
      }
    >
      <Computing query={st} what={`${monthWork('汇总', period, closedThrough)} 中心库的购进、配送、退货、报损与盘点`} />
      {st.data && (
        <>
          <StatementFigures st={st.data} />
          <StatementTable st={st.data} />
          {st.data.transit && (
            <Card
              size="small"
              style={{ marginTop: 16 }}
              title="在途药品（已出库、卫生室未签收，属中心药库）"
              extra={
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  在途报损：签收短少、经核实按在途损失报损的部分
                </Typography.Text>
              }
            >
              <StatementTable
                st={{
                  ...st.data,
                  columns: st.data.transit.columns,
                  rows: st.data.transit.rows,
                  totals: st.data.transit.totals,
                  balanced: st.data.transit.balanced,
                  amountDue: null,
                }}
                empty="本月没有在途药品，也没有配送出库"
                ends={['期初在途', '期末在途']}
              />
            </Card>
          )}
        </>
      )}
    </Page>
  );
}
