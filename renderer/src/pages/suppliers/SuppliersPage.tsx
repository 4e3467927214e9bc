import { useState } from 'react';
import { Badge, Button, Space, Switch, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { SupplierRow } from '../../../../shared/contract/suppliers';
import { useApiQuery } from '../../api/hooks';
import { useSession } from '../../stores/session';
import { Page } from '../../components/Page';
import { SupplierFormModal } from './SupplierFormModal';
import { SupplierPricesDrawer } from './SupplierPricesDrawer';

/** 配送企业: the distribution companies the hub buys from, and their contract prices. */
export default function SuppliersPage() {
  const role = useSession((s) => s.user?.role);
  const canEdit = role === 'admin' || role === 'pharmacist';
  const [includeInactive, setIncludeInactive] = useState(false);
  const [editing, setEditing] = useState<{ supplier: SupplierRow | null } | null>(null);
  const [pricing, setPricing] = useState<SupplierRow | null>(null);
  const list = useApiQuery('suppliers.list', { includeInactive });

  return (
    <Page
      title="配送企业"
      subTitle="卫生院统一向配送企业采购；每家企业供应的药品及合同价在“合同价”中维护"
      extra={
        <>
          <Space>
            <Switch size="small" checked={includeInactive} onChange={setIncludeInactive} aria-label="显示已停用" /> 显示已停用
          </Space>
          {canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ supplier: null })}>
              新增配送企业
            </Button>
          )}
        </>
      }
    >
      <Table<SupplierRow>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 1000 }}
        columns={[
          { title: '企业名称', dataIndex: 'name', render: (n: string) => <Typography.Text strong>{n}</Typography.Text> },
          { title: '统一社会信用代码', dataIndex: 'creditCode', width: 190, render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
          { title: '经营许可证号', dataIndex: 'licenceNo', width: 130 },
          { title: '联系人', dataIndex: 'contact', width: 90 },
          { title: '电话', dataIndex: 'phone', width: 130 },
          { title: '合同价药品', dataIndex: 'priceCount', width: 100, align: 'right', render: (n: number) => `${n} 种` },
          { title: '默认供应', dataIndex: 'defaultForCount', width: 90, align: 'right', render: (n: number) => `${n} 种` },
          { title: '状态', dataIndex: 'active', width: 80, render: (a: boolean) => <Badge status={a ? 'success' : 'default'} text={a ? '启用' : '停用'} /> },
          {
            title: '操作',
            key: 'actions',
            width: 140,
            render: (_, s) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setPricing(s)}>
                  合同价
                </Button>
                {canEdit && (
                  <Button type="link" size="small" onClick={() => setEditing({ supplier: s })}>
                    编辑
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <SupplierFormModal open={editing !== null} supplier={editing?.supplier ?? null} onClose={() => setEditing(null)} onCreated={(s) => setPricing(s)} />
      <SupplierPricesDrawer supplier={pricing} readOnly={!canEdit} onClose={() => setPricing(null)} />
    </Page>
  );
}
