import { Space, Spin } from 'antd';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { ExportButton, PeriodPicker, PeriodStatus, PrintButton, periodTitle, useSettlementParams } from './common';
import { StatementFigures, StatementTable } from './StatementTable';

/** 中心药库进销存: the hub store's month by drug, in quantity and money. */
export default function HubStatementPage() {
  const { period, set } = useSettlementParams();
  const st = useApiQuery('statements.hub', { period });
  return (
    <Page
      title="中心库进销存"
      subTitle={
        <Space>
          {periodTitle(period)} · 购进、配送、退货、报损与盘点，按药品列数量和金额
          {st.data && <PeriodStatus {...st.data} />}
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
      {st.isLoading && <Spin style={{ display: 'block', margin: 48 }} />}
      {st.data && (
        <>
          <StatementFigures st={st.data} />
          <StatementTable st={st.data} />
        </>
      )}
    </Page>
  );
}
