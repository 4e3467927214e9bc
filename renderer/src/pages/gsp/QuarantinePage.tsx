import { useState } from 'react';
import { Button, Form, Input, InputNumber, Modal, Popconfirm, Segmented, Space, Table, Tag, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import type { z } from 'zod';
import type { gspApi } from '../../../../shared/contract/gsp';
import { QUARANTINE_STATUS_LABELS } from '../../../../shared/gsp';
import { lineAmount } from '../../../../shared/money';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { DrugName, Money, Qty } from '../../components/format';
import { hubMonth } from '../../components/hubClock';
import { useSession } from '../../stores/session';
import { countParser } from '../../components/QtyInput';

type Row = z.infer<(typeof gspApi)['quarantine.list']['output']>[number];

function DestroyModal({ row, onClose }: { row: Row | null; onClose(): void }) {
  const [form] = Form.useForm<{ packs: number; method: string; place: string; witness: string }>();
  const destroy = useApiMutation('quarantine.destroy', {
    form,
    onSuccess: () => onClose(),
    success: '已登记销毁并报损出库',
  });
  if (!row) return null;
  return (
    <Modal
      open
      title={`销毁 ${row.drugName} 批号 ${row.batchNo}`}
      okText="登记销毁"
      onCancel={onClose}
      confirmLoading={destroy.isPending}
      onOk={() =>
        form.validateFields().then((v) => destroy.mutate({ lines: [{ lotId: row.lotId, qty: v.packs }], method: v.method, place: v.place, witness: v.witness }))
      }
    >
      <Form form={form} layout="vertical" initialValues={{ packs: row.heldQty, method: '交有资质的医疗废物处置单位焚烧', place: '卫生院医疗废物暂存间' }}>
        <Form.Item name="packs" label={`销毁数量（${row.baseUnit}，隔离区现有 ${row.heldQty}）`} rules={[{ required: true }]}>
          <InputNumber min={1} max={row.heldQty} precision={0} style={{ width: '100%' }} inputMode="numeric" parser={countParser} />
        </Form.Item>
        <Form.Item name="method" label="销毁方式" rules={[{ required: true, message: '请填写销毁方式' }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="place" label="销毁地点" rules={[{ required: true, message: '请填写销毁地点' }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="witness" label="监督人（不能是本人）" rules={[{ required: true, message: '请填写监督人' }]}>
          <Input maxLength={100} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 不合格品区 / 待处理区: what waits there, and the only two ways out (退货, 销毁). */
export default function QuarantinePage() {
  const navigate = useNavigate();
  const role = useSession((s) => s.user?.role);
  const canAct = role === 'pharmacist' || role === 'admin';
  const [view, setView] = useState<'held' | 'month'>('held');
  const month = hubMonth();
  const list = useApiQuery('quarantine.list', view === 'held' ? {} : { period: month });
  const [destroying, setDestroying] = useState<Row | null>(null);
  const giveBack = useApiMutation('returns.create', { success: '已退回配送企业（退货出库）' });
  return (
    <Page
      title="不合格品"
      subTitle="验收拒收和卫生室退回的破损、质量问题药品存放于此，不参与配送；只能退回配送企业或监督销毁"
      extra={
        <Button icon={<PrinterOutlined />} onClick={() => navigate(`/print/quarantine/${month}`)}>
          本月不合格药品处理记录
        </Button>
      }
    >
      <Segmented
        style={{ marginBottom: 12 }}
        value={view}
        onChange={(v) => setView(v as 'held' | 'month')}
        options={[
          { value: 'held', label: '在隔离区' },
          { value: 'month', label: '本月登记与处理' },
        ]}
      />
      <Table<Row>
        rowKey="lotId"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data}
        scroll={{ x: 1000 }}
        columns={[
          { title: '药品', key: 'drug', render: (_, r) => <DrugName name={r.drugName} spec={r.spec} manufacturer={r.manufacturer} /> },
          { title: '批号', dataIndex: 'batchNo', width: 110 },
          { title: '有效期至', dataIndex: 'expiryDate', width: 110 },
          {
            title: '状态',
            dataIndex: 'status',
            width: 90,
            render: (s: Row['status']) => <Tag color={s === 'fail' ? 'red' : 'orange'}>{QUARANTINE_STATUS_LABELS[s]}</Tag>,
          },
          { title: '原因', key: 'reason', render: (_, r) => `${r.reasonLabel}${r.reason ? `：${r.reason}` : ''}` },
          { title: '来源', key: 'source', render: (_, r) => `${r.source === 'receipt' ? '验收拒收' : '卫生室退回'} ${r.sourceDocNo}（${r.enteredOn}）` },
          { title: '在区数量', dataIndex: 'heldQty', align: 'right', width: 110, render: (q: number, r) => <Qty qty={q} drug={r} /> },
          {
            title: '金额（元）',
            key: 'value',
            align: 'right',
            width: 100,
            render: (_, r) => <Money fen={lineAmount(r.heldQty, r.unitCost)} />,
          },
          {
            title: '处理',
            key: 'ops',
            width: 230,
            render: (_, r) => (
              <Space orientation="vertical" size={2}>
                {r.disposals.map((d) => (
                  <Typography.Text key={`${d.kind}-${d.docId}`} type="secondary" style={{ fontSize: 12 }}>
                    {d.businessDate} {d.kind === 'return' ? `退回 ${d.supplierName ?? ''}` : `销毁（监督人 ${d.witness ?? ''}）`} {d.docNo}
                  </Typography.Text>
                ))}
                {canAct && r.heldQty > 0 && (
                  <Space>
                    <Button size="small" danger onClick={() => setDestroying(r)}>
                      销毁
                    </Button>
                    {r.supplierId !== null && (
                      <Popconfirm
                        title={`全部 ${r.heldQty} ${r.baseUnit} 退回 ${r.supplierName}？`}
                        onConfirm={() =>
                          giveBack.mutate({
                            kind: 'hub_to_supplier',
                            supplierId: r.supplierId!,
                            reasonCode: 'quality',
                            reason: `不合格品退货：${r.reasonLabel}`,
                            lines: [{ lotId: r.lotId, qty: r.heldQty }],
                          })
                        }
                      >
                        <Button size="small">退回配送企业</Button>
                      </Popconfirm>
                    )}
                  </Space>
                )}
              </Space>
            ),
          },
        ]}
      />
      <DestroyModal row={destroying} onClose={() => setDestroying(null)} />
    </Page>
  );
}
