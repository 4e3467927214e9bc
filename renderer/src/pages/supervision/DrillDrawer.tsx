import { Link } from 'react-router';
import { Alert, Drawer, Space, Table, Tag, Typography } from 'antd';
import type { MethodOutput } from '../../../../shared/contract';
import { formatFen } from '../../../../shared/money';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/hooks';
import { Money, Qty } from '../../components/format';
import { ListOutput } from '../../components/ListOutput';
import type { PartialMonth } from './dashboardCharts';
import { type DrillInput, drillFilterText, drillQuery } from './drillQuery';

export type { DrillInput } from './drillQuery';
type DrillRow = MethodOutput<'supervision.drilldown'>['rows'][number];

/** The rows behind a dashboard figure, each linking to its stock card or document; titled, totalled, exported and printed. */
export function DrillDrawer({
  input,
  onClose,
  clinicName = null,
  partial,
}: {
  input: DrillInput | null;
  onClose: () => void;
  /** The clinic the rows are limited to (the server's title says only 本室). */
  clinicName?: string | null;
  /** The hub's running month: a drill-down into it says it is not a whole month. */
  partial?: PartialMonth;
}) {
  const q = useApiQuery('supervision.drilldown', input ?? undefined, { enabled: input !== null });
  const rows = q.data?.rows ?? [];
  const hasAmounts = rows.some((r) => r.amount !== null);
  const total = rows.reduce((a, r) => a + (r.amount ?? 0), 0);
  // The rows reach into the month still running: say so, as the charts do.
  // (Near-expiry lots are today's, whatever the months.)
  const running =
    input !== null && partial !== undefined && input.figure !== 'nearExpiry' && (input.period ? input.period === partial.period : input.to >= partial.period);
  return (
    <Drawer
      open={input !== null}
      onClose={onClose}
      size={1000}
      title={
        <Space orientation="vertical" size={0}>
          <span>{q.data?.title ?? '明细'}</span>
          {input && (
            <Typography.Text type="secondary" style={{ fontSize: 13, fontWeight: 'normal' }} className="drill-filter">
              {drillFilterText(input, clinicName, null)}
              {running && partial && `（${partial.period} 为本月，只到 ${partial.today}，不是整月）`}
            </Typography.Text>
          )}
          {q.data && (
            <Typography.Text type="secondary" style={{ fontSize: 13, fontWeight: 'normal' }} className="drill-total">
              共 {rows.length} 行{hasAmounts ? `，合计 ¥${formatFen(total)}` : ''}
            </Typography.Text>
          )}
        </Space>
      }
      extra={
        input && (
          <Space wrap>
            <ListOutput exportFile={() => call('supervision.drilldownExport', input)} printTo={`/print/drilldown?${drillQuery(input)}`} disabled={!q.data} />
          </Space>
        )
      }
      destroyOnHidden
    >
      {q.data?.truncated && <Alert type="warning" showIcon title="明细过多，只显示前 2000 行，请缩小范围。" style={{ marginBottom: 12 }} />}
      <Table<DrillRow>
        rowKey="key"
        size="small"
        loading={q.isLoading}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showTotal: (n) => `共 ${n} 行` }}
        scroll={{ x: 1200 }}
        summary={() =>
          hasAmounts ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={5}>
                <Typography.Text strong>合计</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right">
                <Money fen={total} prefix strong />
              </Table.Summary.Cell>
              <Table.Summary.Cell index={6} colSpan={2} />
            </Table.Summary.Row>
          ) : null
        }
        columns={[
          { title: '日期', dataIndex: 'date', width: 100, render: (d: string | null) => d ?? '—' },
          {
            title: '单据 / 批号',
            dataIndex: 'docLabel',
            width: 200,
            render: (d: string | null, r) => (r.link ? <Link to={r.link}>{d ?? '库存台账'}</Link> : (d ?? '—')),
          },
          { title: '卫生室 / 库房', key: 'where', width: 150, render: (_, r) => r.storeName ?? r.clinicCode ?? '中心药库' },
          {
            title: '药品',
            key: 'drug',
            width: 260,
            render: (_, r) =>
              r.drugName ? (
                <span>
                  {r.drugName} <Typography.Text type="secondary">{r.spec}</Typography.Text>
                </span>
              ) : (
                '—'
              ),
          },
          {
            title: '数量',
            dataIndex: 'qty',
            align: 'right',
            width: 120,
            render: (q: number | null, r) =>
              r.packSize && r.packUnit && r.baseUnit ? <Qty qty={q} drug={{ packSize: r.packSize, packUnit: r.packUnit, baseUnit: r.baseUnit }} /> : '—',
          },
          { title: '金额', dataIndex: 'amount', align: 'right', width: 120, render: (a: number | null) => <Money fen={a} /> },
          {
            title: '标记',
            dataIndex: 'tags',
            width: 120,
            render: (tags: string[]) =>
              tags.map((t) => (
                <Tag key={t} color={t === '集采' ? 'blue' : t === '非医保' || t === '已过期' ? 'red' : 'green'}>
                  {t}
                </Tag>
              )),
          },
          { title: '说明', dataIndex: 'note', render: (n: string | null) => n ?? '' },
        ]}
      />
    </Drawer>
  );
}
