import { useQuery } from '@tanstack/react-query';
import { Card, Table, Tag } from 'antd';
import { call } from '../api';

interface PackageRow {
  id: number;
  hubName: string;
  countyCode: string;
  period: string;
  version: number;
  status: string;
  receivedAt: string;
  ledgerRows: number;
  bytes: number;
}

export function PackagesPage() {
  const list = useQuery({ queryKey: ['packages'], queryFn: () => call<PackageRow[]>('packages.list', {}) });
  return (
    <Card title="收到的上报包">
      <Table
        size="small"
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        columns={[
          { title: '卫生院', dataIndex: 'hubName' },
          { title: '县区', dataIndex: 'countyCode' },
          { title: '月份', dataIndex: 'period' },
          { title: '版本', dataIndex: 'version' },
          { title: '状态', dataIndex: 'status', render: (s: string) => (s === 'current' ? <Tag color="green">当前</Tag> : <Tag>已被取代</Tag>) },
          { title: '收到时间', dataIndex: 'receivedAt' },
          { title: '台账行数', dataIndex: 'ledgerRows', align: 'right' as const },
          { title: '大小（KB）', dataIndex: 'bytes', align: 'right' as const, render: (b: number) => Math.ceil(b / 1024) },
        ]}
      />
    </Card>
  );
}
