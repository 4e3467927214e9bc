import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { EChart } from '../../../../renderer/src/pages/supervision/EChart';
import type { Kpis } from '../../../shared/contract';
import { call, pct, wan } from '../api';
import { useRange } from '../App';
import { ExportButton } from './common';

export function OverviewPage() {
  const { from, to } = useRange();
  const kpis = useQuery({ queryKey: ['kpis', from, to], queryFn: () => call<Kpis>('overview.kpis', { from, to }) });
  const missing = useQuery({
    queryKey: ['notReported', to],
    queryFn: () => call<{ hubId: number; hubName: string; countyName: string; lastReported: string | null }[]>('overview.notReported', { period: to }),
  });
  const k = kpis.data;
  return (
    <>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={8} xl={4}>
          <Card>
            <Statistic title="上报卫生院" value={k ? `${k.hubsReporting} / ${k.hubsTotal}` : '—'} />
          </Card>
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Card>
            <Statistic title="上报村卫生室" value={k?.clinicsReporting ?? '—'} />
          </Card>
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Card>
            <Statistic title="集采品种 / 金额" value={k ? `${k.vbpDrugs} 种 · ${wan(k.vbpAmount)}` : '—'} />
          </Card>
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Card>
            <Statistic title="较集采前降价" value={k ? pct(k.priceDropBp) : '—'} />
            <Typography.Text type="secondary">{k ? `节约 ${wan(k.savings)}` : ''}</Typography.Text>
          </Card>
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Card>
            <Statistic
              title="目录内药品占比（目标 ≥ 70%）"
              value={k ? pct(k.catalogShareBp) : '—'}
              valueStyle={{ color: k && (k.catalogShareBp ?? 0) < 7000 ? '#cf1322' : undefined }}
            />
          </Card>
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Card>
            <Statistic title="断货天数 / 抽查相符率" value={k ? `${k.stockoutDays} 天 · ${pct(k.accuracyBp)}` : '—'} />
          </Card>
        </Col>
      </Row>
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} lg={14}>
          <Card title="各县区目录内药品采购占比（红线：70%）">
            {k && (
              <EChart
                label="各县区目录内药品占比"
                option={{
                  grid: { left: 50, right: 20, top: 20, bottom: 30 },
                  tooltip: { trigger: 'axis' },
                  xAxis: { type: 'category', data: k.byCounty.map((c) => c.countyName) },
                  yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
                  series: [
                    {
                      type: 'bar',
                      name: '目录内占比',
                      data: k.byCounty.map((c) => (c.catalogShareBp === null ? 0 : c.catalogShareBp / 100)),
                      markLine: { symbol: 'none', data: [{ yAxis: k.catalogTargetBp / 100, name: '目标' }], lineStyle: { color: '#cf1322' } },
                    },
                  ],
                }}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={`${to} 未上报的卫生院`} extra={<ExportButton input={{ table: 'notReported', from, to }} />}>
            <Table
              size="small"
              rowKey="hubId"
              loading={missing.isLoading}
              dataSource={missing.data ?? []}
              pagination={false}
              locale={{ emptyText: '全部已上报' }}
              columns={[
                { title: '卫生院', dataIndex: 'hubName' },
                { title: '县区', dataIndex: 'countyName' },
                { title: '最近上报', dataIndex: 'lastReported', render: (v: string | null) => v ?? '从未上报' },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
