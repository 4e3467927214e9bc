import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Input, Segmented, Table } from 'antd';
import type { OrderStatus, OrderSummary } from '../../../../shared/contract/orders';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { dateTime, OrderStatusTag, yuan } from './format';
import { DENSE_LIST } from '../../components/denseTable';

const FILTERS: { value: string; label: string; status?: OrderStatus[] }[] = [
  { value: 'open', label: '未完成', status: ['draft', 'sent', 'partly_received'] },
  { value: 'draft', label: '草稿', status: ['draft'] },
  { value: 'sent', label: '已发送', status: ['sent'] },
  { value: 'partly_received', label: '部分到货', status: ['partly_received'] },
  { value: 'received', label: '已到货', status: ['received'] },
  { value: 'short_closed', label: '已终止收货', status: ['short_closed'] },
  { value: 'cancelled', label: '已作废', status: ['cancelled'] },
  { value: 'all', label: '全部' },
];

export default function OrdersPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filter = params.get('status') ?? 'open';
  const aggregationId = Number(params.get('aggregation')) || undefined;
  const [keyword, setKeyword] = useState('');
  const [page, setPage] = useState(1);
  const status = FILTERS.find((f) => f.value === filter)?.status;
  const orders = useApiQuery('orders.list', { status, aggregationId, keyword: keyword || undefined, page, pageSize: 30 });

  return (
    <Page
      title="采购订单"
      subTitle="汇总生成的订单：发送给配送企业、打印、导出；到货由验收入库自动更新"
      extra={<Input.Search placeholder="订单号或配送企业" allowClear onSearch={(v) => (setKeyword(v.trim()), setPage(1))} style={{ width: 220 }} />}
    >
      <Segmented
        value={filter}
        options={FILTERS.map((f) => ({ value: f.value, label: f.label }))}
        onChange={(v) => {
          setPage(1);
          setParams((p) => {
            p.set('status', String(v));
            return p;
          });
        }}
        style={{ marginBottom: 12, maxWidth: '100%', overflowX: 'auto' }}
      />
      <Table<OrderSummary>
        rowKey="id"
        {...DENSE_LIST}
        loading={orders.isLoading}
        dataSource={orders.data?.rows}
        scroll={{ x: 900 }}
        onRow={(r) => ({ onClick: () => navigate(`/purchasing/orders/${r.id}`), style: { cursor: 'pointer' } })}
        pagination={{ current: page, pageSize: 30, total: orders.data?.total, onChange: setPage, hideOnSinglePage: true, showTotal: (t) => `共 ${t} 张` }}
        columns={[
          { title: '订单号', dataIndex: 'docNo', width: 150, render: (v: string, r) => <Link to={`/purchasing/orders/${r.id}`}>{v}</Link> },
          { title: '配送企业', dataIndex: 'supplierName' },
          { title: '订单日期', dataIndex: 'businessDate', width: 110 },
          { title: '品种', dataIndex: 'lineCount', width: 70, align: 'right' },
          { title: '金额', dataIndex: 'totalAmount', width: 130, align: 'right', render: (v: number) => yuan(v) },
          { title: '状态', dataIndex: 'status', width: 100, render: (s: OrderStatus) => <OrderStatusTag status={s} /> },
          { title: '汇总单', dataIndex: 'aggregationDocNo', width: 150, render: (v: string | null) => v ?? '—' },
          { title: '发送时间', dataIndex: 'sentAt', width: 150, render: (v: string | null) => dateTime(v) },
        ]}
      />
    </Page>
  );
}
