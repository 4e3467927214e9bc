import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Segmented, Table, Tag } from 'antd';
import type { z } from 'zod';
import type { alertRow } from '../../../../shared/contract/stock';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money, Qty } from '../../components/format';

type Alert = z.infer<typeof alertRow>;
type Kind = Alert['kind'];
const KIND: Record<Kind, { label: string; color: string }> = {
  expired: { label: '已过期', color: 'red' },
  near_expiry: { label: '近效期', color: 'orange' },
  below_min: { label: '低于下限', color: 'gold' },
  out_of_stock: { label: '缺货', color: 'volcano' },
};

/** Near expiry, expired, below minimum and out of stock, across the stores the user may see. */
export default function AlertsPage() {
  const [kind, setKind] = useState<Kind | 'all'>('all');
  const alerts = useApiQuery('stock.alerts', {});
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const a of alerts.data ?? []) c[a.kind] = (c[a.kind] ?? 0) + 1;
    return c;
  }, [alerts.data]);
  const rows = (alerts.data ?? []).filter((a) => kind === 'all' || a.kind === kind);
  return (
    <Page title="库存预警" subTitle="近效期（6 个月内）、已过期、低于下限和缺货的药品">
      <Segmented
        style={{ marginBottom: 12 }}
        value={kind}
        onChange={setKind}
        options={[
          { value: 'all', label: `全部 ${alerts.data?.length ?? 0}` },
          ...(Object.keys(KIND) as Kind[]).map((k) => ({ value: k, label: `${KIND[k].label} ${counts[k] ?? 0}` })),
        ]}
      />
      <Table<Alert>
        rowKey={(a) => `${a.kind}-${a.storeId}-${a.drugId}-${a.batchNo ?? ''}`}
        size="middle"
        loading={alerts.isLoading}
        dataSource={rows}
        scroll={{ x: 800 }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: '类型', dataIndex: 'kind', width: 100, render: (k: Kind) => <Tag color={KIND[k].color}>{KIND[k].label}</Tag> },
          { title: '库房', dataIndex: 'storeName' },
          { title: '药品', key: 'drug', render: (_, a) => `${a.drugName} ${a.spec}` },
          { title: '批号', dataIndex: 'batchNo' },
          { title: '有效期至', dataIndex: 'expiryDate', width: 110 },
          { title: '数量', dataIndex: 'qty', align: 'right', render: (q: number, a) => <Qty qty={q} drug={a} /> },
          { title: '下限', dataIndex: 'minQty', align: 'right', render: (q: number | null, a) => (q === null ? '' : <Qty qty={q} drug={a} />) },
          { title: '金额', dataIndex: 'value', align: 'right', render: (v: number, a) => (a.batchNo ? <Money fen={v} /> : '') },
          { title: '', key: 'card', width: 70, render: (_, a) => <Link to={`/stock/card?store=${a.storeId}&drug=${a.drugId}`}>台账</Link> },
        ]}
      />
    </Page>
  );
}
