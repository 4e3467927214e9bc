import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Select, Space, Table, Tag } from 'antd';
import type { ClinicRank, CountyRank, Figures, HubRank } from '../../../shared/contract';
import { call, pct, yuan } from '../api';
import { useMe, useRange } from '../App';
import { ExportButton } from './common';

const figureColumns = [
  {
    title: '采购金额（元）',
    dataIndex: 'purchaseAmount',
    align: 'right' as const,
    render: yuan,
    sorter: (a: Figures, b: Figures) => a.purchaseAmount - b.purchaseAmount,
  },
  {
    title: '目录内占比',
    dataIndex: 'catalogShareBp',
    align: 'right' as const,
    render: (v: number | null) => <span style={{ color: v !== null && v < 7000 ? '#cf1322' : undefined }}>{pct(v)}</span>,
    sorter: (a: Figures, b: Figures) => (a.catalogShareBp ?? 0) - (b.catalogShareBp ?? 0),
  },
  { title: '集采金额（元）', dataIndex: 'vbpAmount', align: 'right' as const, render: yuan },
  { title: '较集采前降价', dataIndex: 'priceDropBp', align: 'right' as const, render: pct },
  { title: '用药金额（元）', dataIndex: 'dispensedAmount', align: 'right' as const, render: yuan },
  { title: '断货天数', dataIndex: 'stockoutDays', align: 'right' as const, sorter: (a: Figures, b: Figures) => a.stockoutDays - b.stockoutDays },
  { title: '抽查相符率', dataIndex: 'accuracyBp', align: 'right' as const, render: pct },
  { title: '本院信号', dataIndex: 'signals', align: 'right' as const },
];

interface HubMonth {
  hub: { name: string };
  figures: Figures;
  packages: { id: number; version: number; status: string; receivedAt: string; ledgerRows: number }[];
  hubSignals: { clinicCode: string; ruleTitle: string; summary: string; status: string }[];
}

export function RankPage() {
  const { from, to, periods } = useRange();
  const me = useMe();
  const [county, setCounty] = useState<string | undefined>(me.countyCode ?? undefined);
  const [hub, setHub] = useState<HubRank | null>(null);
  const [month, setMonth] = useState<string>(to);
  const counties = useQuery({ queryKey: ['rank-counties', from, to], queryFn: () => call<CountyRank[]>('overview.counties', { from, to }) });
  const hubs = useQuery({ queryKey: ['rank-hubs', from, to, county], queryFn: () => call<HubRank[]>('overview.hubs', { from, to, countyCode: county }) });
  const clinics = useQuery({
    queryKey: ['rank-clinics', hub?.hubId, from, to],
    enabled: Boolean(hub),
    queryFn: () => call<{ rows: ClinicRank[] }>('overview.clinics', { hubId: hub!.hubId, from, to }),
  });
  const hubMonth = useQuery({
    queryKey: ['hub-month', hub?.hubId, month],
    enabled: Boolean(hub),
    queryFn: () => call<HubMonth>('overview.hubMonth', { hubId: hub!.hubId, period: month }),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title="县区排名" extra={<ExportButton input={{ table: 'counties', from, to }} />}>
        <Table
          scroll={{ x: 760 }}
          size="small"
          rowKey="countyCode"
          loading={counties.isLoading}
          dataSource={counties.data ?? []}
          pagination={false}
          onRow={(r) => ({
            onClick: () => (setCounty(r.countyCode), setHub(null)),
            style: { cursor: 'pointer', background: r.countyCode === county ? '#e6f4ff' : undefined },
          })}
          columns={[
            { title: '县区', dataIndex: 'countyName' },
            { title: '上报卫生院', render: (_: unknown, r: CountyRank) => `${r.hubsReporting}/${r.hubsTotal}` },
            ...figureColumns,
          ]}
        />
      </Card>
      <Card
        title={county ? `卫生院排名（${counties.data?.find((c) => c.countyCode === county)?.countyName ?? county}）` : '卫生院排名（全部县区）'}
        extra={<ExportButton input={{ table: 'hubs', from, to, countyCode: county }} />}
      >
        <Table
          scroll={{ x: 760 }}
          size="small"
          rowKey="hubId"
          loading={hubs.isLoading}
          dataSource={hubs.data ?? []}
          pagination={false}
          onRow={(r) => ({ onClick: () => setHub(r), style: { cursor: 'pointer', background: r.hubId === hub?.hubId ? '#e6f4ff' : undefined } })}
          columns={[
            { title: '卫生院', dataIndex: 'hubName' },
            { title: '县区', dataIndex: 'countyName' },
            { title: '上报月数', dataIndex: 'monthsReported', align: 'right' as const },
            ...figureColumns,
          ]}
        />
      </Card>
      {hub && (
        <Card title={`${hub.hubName} · 村卫生室`} extra={<ExportButton input={{ table: 'clinics', from, to, hubId: hub.hubId }} />}>
          <Table
            scroll={{ x: 760 }}
            size="small"
            rowKey="clinicCode"
            loading={clinics.isLoading}
            dataSource={clinics.data?.rows ?? []}
            pagination={false}
            columns={[
              { title: '村卫生室', dataIndex: 'clinicName' },
              { title: '配送金额（元）', dataIndex: 'deliveredAmount', align: 'right' as const, render: yuan },
              { title: '目录内占比', dataIndex: 'catalogShareBp', align: 'right' as const, render: pct },
              {
                title: '用药金额（元）',
                dataIndex: 'dispensedAmount',
                align: 'right' as const,
                render: yuan,
                sorter: (a: ClinicRank, b: ClinicRank) => a.dispensedAmount - b.dispensedAmount,
              },
              { title: '断货天数', dataIndex: 'stockoutDays', align: 'right' as const },
              { title: '抽查相符率', dataIndex: 'accuracyBp', align: 'right' as const, render: pct },
              { title: '本院信号', dataIndex: 'hubSignals', align: 'right' as const },
            ]}
          />
        </Card>
      )}
      {hub && (
        <Card
          title={`${hub.hubName} · 月度`}
          extra={<Select aria-label="月份" value={month} onChange={setMonth} options={periods.map((p) => ({ value: p, label: p }))} style={{ width: 120 }} />}
        >
          {hubMonth.data && (
            <>
              <Descriptions size="small" column={4}>
                <Descriptions.Item label="采购金额">{yuan(hubMonth.data.figures.purchaseAmount)} 元</Descriptions.Item>
                <Descriptions.Item label="目录内占比">{pct(hubMonth.data.figures.catalogShareBp)}</Descriptions.Item>
                <Descriptions.Item label="较集采前降价">{pct(hubMonth.data.figures.priceDropBp)}</Descriptions.Item>
                <Descriptions.Item label="抽查相符率">{pct(hubMonth.data.figures.accuracyBp)}</Descriptions.Item>
              </Descriptions>
              <Table
                scroll={{ x: 760 }}
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={hubMonth.data.packages}
                locale={{ emptyText: '本月未上报' }}
                columns={[
                  { title: '版本', dataIndex: 'version' },
                  { title: '状态', dataIndex: 'status', render: (s: string) => (s === 'current' ? <Tag color="green">当前</Tag> : <Tag>已被取代</Tag>) },
                  { title: '收到时间', dataIndex: 'receivedAt' },
                  { title: '台账行数', dataIndex: 'ledgerRows' },
                ]}
              />
              <Table
                scroll={{ x: 760 }}
                size="small"
                style={{ marginTop: 8 }}
                rowKey={(r) => `${r.clinicCode}-${r.summary}`}
                pagination={{ pageSize: 10 }}
                dataSource={hubMonth.data.hubSignals}
                locale={{ emptyText: '本院无信号' }}
                columns={[
                  { title: '村卫生室', dataIndex: 'clinicCode' },
                  { title: '本院信号', dataIndex: 'ruleTitle' },
                  { title: '说明', dataIndex: 'summary' },
                  { title: '状态', dataIndex: 'status', render: (s: string) => ({ open: '待核实', dismissed: '已排除', reopened: '重新出现' })[s] ?? s },
                ]}
              />
            </>
          )}
        </Card>
      )}
    </Space>
  );
}
