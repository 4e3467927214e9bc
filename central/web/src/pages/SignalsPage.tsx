import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Drawer, Table, Tag, Typography } from 'antd';
import type { CrossSignal, SignalDetail } from '../../../shared/contract';
import { call } from '../api';
import { useRange } from '../App';
import { ExportButton } from './common';

const KIND_COLOR = { duplicate_box: 'red', price_gap: 'orange', clinic_outlier: 'purple' } as const;

export function SignalsPage() {
  const { from, to } = useRange();
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({ queryKey: ['signals', from, to], queryFn: () => call<CrossSignal[]>('signals.list', { from, to }) });
  const detail = useQuery({
    queryKey: ['signal', open, from, to],
    enabled: Boolean(open),
    queryFn: () => call<SignalDetail>('signals.detail', { key: open!, from, to }),
  });
  return (
    <Card title="跨卫生院信号（单个卫生院看不到的证据）" extra={<ExportButton input={{ table: 'signals', from, to }} />}>
      <Table
        scroll={{ x: 760 }}
        size="small"
        rowKey="key"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        locale={{ emptyText: '所选月份没有跨院信号' }}
        onRow={(r) => ({ onClick: () => setOpen(r.key), style: { cursor: 'pointer' } })}
        columns={[
          { title: '信号', dataIndex: 'title', render: (t: string, r: CrossSignal) => <Tag color={KIND_COLOR[r.kind]}>{t}</Tag> },
          { title: '月份', dataIndex: 'period' },
          { title: '涉及卫生院', render: (_: unknown, r: CrossSignal) => r.hubs.map((h) => h.hubName).join('、') },
          { title: '说明', dataIndex: 'summary' },
        ]}
      />
      <Drawer open={Boolean(open)} width={960} title={detail.data?.signal.title ?? '信号明细'} onClose={() => setOpen(null)}>
        {detail.data && (
          <>
            <Typography.Paragraph strong>{detail.data.signal.summary}</Typography.Paragraph>
            <Typography.Paragraph type="secondary">规则：{detail.data.rule}</Typography.Paragraph>
            <Descriptions size="small" column={3} bordered>
              {detail.data.signal.numbers.map((n) => (
                <Descriptions.Item key={n.label} label={n.label}>
                  {n.value ?? '—'} {n.unit}
                </Descriptions.Item>
              ))}
            </Descriptions>
            <Table
              scroll={{ x: 760 }}
              size="small"
              style={{ marginTop: 12 }}
              rowKey={(_, i) => String(i)}
              pagination={false}
              dataSource={detail.data.rows}
              columns={detail.data.columns.map((c) => ({ title: c.title, dataIndex: c.key }))}
            />
          </>
        )}
      </Drawer>
    </Card>
  );
}
