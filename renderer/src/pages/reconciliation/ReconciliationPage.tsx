import { Link, useSearchParams } from 'react-router';
import { Space, Table, Typography } from 'antd';
import type { MethodOutput } from '../../../../shared/contract';
import { periodLabel } from '../../../../shared/settlement';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money } from '../../components/format';
import { hubMonth } from '../../components/hubClock';
import { useSession } from '../../stores/session';
import { PeriodPicker } from '../settlement/common';
import { ClinicReconciliation } from './ClinicReconciliation';
import { KindTag } from './labels';
import './reconciliation.css';

type OverviewRow = MethodOutput<'reconciliation.overview'>[number];

/** Every clinic's month: what the fund paid, what left the shelf, and the differences still open. */
function Overview({ period, onPeriod }: { period: string; onPeriod(p: string): void }) {
  const q = useApiQuery('reconciliation.overview', { period });
  return (
    <Page
      title="医保对账"
      subTitle={`${periodLabel(period)} · 各卫生室医保结算明细与用药登记的比对；结算未发药、同次就诊药品不符是虚开、串换的线索`}
      extra={<PeriodPicker value={period} onChange={onPeriod} />}
    >
      <Table<OverviewRow>
        rowKey="clinicId"
        size="middle"
        bordered
        loading={q.isLoading}
        // Clinics with settlement details first: those are the ones to look at.
        dataSource={q.data && [...q.data].sort((a, b) => Number(b.settledLines > 0) - Number(a.settledLines > 0))}
        pagination={false}
        scroll={{ x: 1000 }}
        columns={[
          { title: '编码', dataIndex: 'clinicCode', width: 70, fixed: 'left' },
          {
            title: '村卫生室',
            dataIndex: 'clinicName',
            width: 150,
            fixed: 'left',
            render: (n: string, r) => <Link to={`?period=${period}&clinic=${r.clinicId}`}>{n}</Link>,
          },
          { title: '结算明细', dataIndex: 'settledLines', width: 90, align: 'right' },
          {
            title: '已导入至',
            dataIndex: 'lastDate',
            width: 110,
            render: (d: string | null) => d ?? <Typography.Text type="secondary">未导入</Typography.Text>,
          },
          { title: '结算金额', dataIndex: 'settledAmount', width: 110, align: 'right', render: (v: number) => <Money fen={v} /> },
          { title: '用药金额', dataIndex: 'dispensedAmount', width: 110, align: 'right', render: (v: number) => <Money fen={v} /> },
          {
            title: '有差异',
            dataIndex: 'openRows',
            width: 80,
            align: 'right',
            sorter: (a, b) => a.openRows - b.openRows,
            render: (v: number, r) =>
              r.settledLines === 0 ? (
                <Typography.Text type="secondary">—</Typography.Text>
              ) : v ? (
                <Typography.Text type="danger">{v}</Typography.Text>
              ) : (
                <Typography.Text type="success">0</Typography.Text>
              ),
          },
          {
            title: '差异类型',
            dataIndex: 'byKind',
            render: (k: OverviewRow['byKind'], r) =>
              // Without settlement details every dispensing would read as unsettled: there is nothing to compare yet.
              r.settledLines === 0 ? (
                <Typography.Text type="secondary">本月未导入结算明细，不比对（非门诊统筹定点或尚未导入）</Typography.Text>
              ) : (
                <Space size={0} wrap>
                  {k.map((x) => (
                    <KindTag key={x.kind} kind={x.kind} count={x.count} />
                  ))}
                </Space>
              ),
          },
        ]}
      />
    </Page>
  );
}

export default function ReconciliationPage() {
  const role = useSession((s) => s.user?.role);
  const [params, setParams] = useSearchParams();
  const raw = params.get('period');
  const period = raw && /^\d{4}-(0[1-9]|1[0-2])$/.test(raw) ? raw : hubMonth();
  const clinic = Number(params.get('clinic'));
  const clinicId = Number.isInteger(clinic) && clinic > 0 ? clinic : undefined;
  const set = (changes: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) next.delete(k);
      else next.set(k, String(v));
    }
    setParams(next, { replace: true });
  };
  if (role === 'village_doctor') return <ClinicReconciliation period={period} onPeriod={(p) => set({ period: p })} />;
  if (clinicId)
    return <ClinicReconciliation clinicId={clinicId} period={period} onPeriod={(p) => set({ period: p })} onBack={() => set({ clinic: undefined })} />;
  return <Overview period={period} onPeriod={(p) => set({ period: p })} />;
}
