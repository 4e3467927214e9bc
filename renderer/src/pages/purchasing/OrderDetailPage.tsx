import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { App, Alert, Button, Card, Descriptions, Form, Input, Modal, Popconfirm, Result, Space, Spin, Table, Tag, Typography } from 'antd';
import { ExportOutlined, PrinterOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import type { LineSource, OrderLine } from '../../../../shared/contract/orders';
import { amountInWords } from '../../../../shared/money';
import { call } from '../../api/client';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { downloadFile } from '../../components/download';
import { dateTime, DrugTags, OrderStatusTag, packPriceText, qtyText, yuan } from './format';
import { Qty } from '../../components/format';
import { usePageShortcut, useShortcutTitle } from '../../app/shortcuts';
import { NextStep, type NextStepInfo } from '../../components/NextStep';

function SourcesTable({ line }: { line: OrderLine }) {
  if (line.sources.length === 0) return <Typography.Text type="secondary">全部为药库自身补货（低于库存下限）。</Typography.Text>;
  const served = line.sources.reduce((n, s) => n + s.qty, 0);
  return (
    <div>
      <Typography.Text type="secondary">
        本行服务的村卫生室请领（合计 <Qty qty={served} drug={line} showBase="tooltip" />
        {served < line.qty ? '，其余为药库补货与整包装取整' : served > line.qty ? '，差额由药库现有库存或在途订单满足' : ''}）：
      </Typography.Text>
      <Table<LineSource>
        size="small"
        rowKey="requisitionLineId"
        pagination={false}
        dataSource={line.sources}
        style={{ marginTop: 6, maxWidth: 640 }}
        columns={[
          { title: '村卫生室', dataIndex: 'clinicName' },
          { title: '请领单', dataIndex: 'requisitionDocNo', width: 150 },
          { title: '数量', dataIndex: 'qty', width: 120, align: 'right', render: (q: number) => <Qty qty={q} drug={line} showBase="tooltip" /> },
          { title: '', dataIndex: 'originalDrugName', render: (v: string | null) => (v ? <Tag color="magenta">由 {v} 改为集采</Tag> : null) },
        ]}
      />
    </div>
  );
}

export default function OrderDetailPage() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const { message } = App.useApp();
  const order = useApiQuery('orders.get', { id });
  const [cancelOpen, setCancelOpen] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [form] = Form.useForm();
  const [confirmSend, setConfirmSend] = useState(false);
  const [next, setNext] = useState<NextStepInfo | null>(null);
  const send = useApiMutation('orders.send', {
    success: '订单已发送',
    onSuccess: (o) => {
      setConfirmSend(false);
      setNext({
        done: `${o.docNo} 已发给${o.supplierName}，到货后验收入库`,
        actions: [{ label: '去验收入库', run: () => navigate(`/stock/receipts?order=${o.id}`) }],
      });
    },
  });
  const cancel = useApiMutation('orders.cancel', { form, success: '订单已作废', onSuccess: () => setCancelOpen(false) });
  const [shortCloseOpen, setShortCloseOpen] = useState(false);
  const [shortCloseForm] = Form.useForm();
  const shortClose = useApiMutation('orders.shortClose', {
    form: shortCloseForm,
    onSuccess: (r) => {
      setShortCloseOpen(false);
      message.success(r.released.length ? `已终止收货；${r.released.length} 张请领单（${r.released.join('、')}）回到待汇总` : '已终止收货');
    },
  });

  const canSend = Boolean(order.data?.can.send);
  usePageShortcut('approve', '发送订单（确认后发送）', () => setConfirmSend(true), canSend && !send.isPending);
  usePageShortcut('print', '打印采购订单', () => navigate(`/print/purchase-order/${id}`), Boolean(order.data));
  const approveTitle = useShortcutTitle('approve');
  const printTitle = useShortcutTitle('print');

  if (order.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (order.error || !order.data) return <Result status="warning" title={order.error?.message ?? '采购订单不存在'} />;
  const o = order.data;

  const exportXlsx = async () => {
    setExporting(true);
    try {
      downloadFile(await call('orders.export', { id }));
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setExporting(false);
    }
  };

  return (
    <Page
      title={`采购订单 ${o.docNo}`}
      subTitle={
        <Space size={6}>
          <OrderStatusTag status={o.status} />
          {o.supplierName}
        </Space>
      }
      extra={
        <>
          {o.can.send && (
            <Popconfirm
              title="发送订单"
              description={`确认已把订单发给“${o.supplierName}”？发送后不能修改。`}
              okText="确认发送"
              cancelText="取消"
              open={confirmSend}
              onOpenChange={setConfirmSend}
              okButtonProps={{ autoFocus: true }}
              onConfirm={() => send.mutate({ id })}
            >
              <Button type="primary" icon={<SendOutlined />} loading={send.isPending} title={approveTitle}>
                发送
              </Button>
            </Popconfirm>
          )}
          <Button icon={<PrinterOutlined />} onClick={() => navigate(`/print/purchase-order/${id}`)} title={printTitle}>
            打印
          </Button>
          <Button icon={<ExportOutlined />} loading={exporting} onClick={() => void exportXlsx()}>
            导出 Excel
          </Button>
          {o.can.cancel && (
            <Button danger icon={<StopOutlined />} onClick={() => setCancelOpen(true)}>
              作废
            </Button>
          )}
          {o.can.shortClose && (
            <Button danger icon={<StopOutlined />} onClick={() => setShortCloseOpen(true)}>
              终止收货
            </Button>
          )}
        </>
      }
    >
      <NextStep step={next} onClose={() => setNext(null)} />
      {o.status === 'cancelled' && (
        <Alert
          type="warning"
          showIcon
          title={`已于 ${dateTime(o.cancelledAt)} 作废：${o.cancelReason ?? '（草稿作废，未填原因）'}`}
          style={{ marginBottom: 12 }}
        />
      )}
      {o.shortClose && (
        <Alert
          type="warning"
          showIcon
          title={`${o.shortClose.byName}于 ${dateTime(o.shortClose.at)} 终止收货：${o.shortClose.reason}`}
          description="未到的数量不再计入在途，不会再收货；本订单供应、尚未配送完的请领单已回到待汇总。"
          style={{ marginBottom: 12 }}
        />
      )}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={[
            { key: 's', label: '配送企业', children: o.supplier.name },
            { key: 'c', label: '联系人', children: [o.supplier.contact, o.supplier.phone].filter(Boolean).join(' ') || '—' },
            { key: 'd', label: '订单日期', children: o.businessDate },
            { key: 'a', label: '汇总单', children: o.aggregationDocNo ?? '—' },
            { key: 'by', label: '制单', children: `${o.createdByName} ${dateTime(o.createdAt)}` },
            { key: 'sent', label: '发送', children: o.sentAt ? `${o.sentByName ?? ''} ${dateTime(o.sentAt)}` : '未发送' },
            { key: 't', label: '金额合计', children: <strong>{yuan(o.totalAmount)}</strong> },
            { key: 'w', label: '大写', children: amountInWords(o.totalAmount), span: 2 },
          ]}
        />
      </Card>
      <Table<OrderLine>
        rowKey="id"
        size="middle"
        pagination={false}
        dataSource={o.lines}
        scroll={{ x: 1000 }}
        expandable={{ expandedRowRender: (l) => <SourcesTable line={l} /> }}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={7} align="right">
              合计（{o.lines.length} 个品种）
            </Table.Summary.Cell>
            <Table.Summary.Cell index={7} align="right">
              <strong>{yuan(o.totalAmount)}</strong>
            </Table.Summary.Cell>
          </Table.Summary.Row>
        )}
        columns={[
          { title: '序号', dataIndex: 'lineNo', width: 60 },
          {
            title: '药品',
            key: 'drug',
            render: (_, l) => (
              <div>
                <div>
                  <strong>{l.drugName}</strong> <DrugTags insuranceClass={l.insuranceClass} vbp={l.vbp} />
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {l.spec} · {l.manufacturer}
                </Typography.Text>
              </div>
            ),
          },
          { title: '订购数量', dataIndex: 'qty', width: 120, align: 'right', render: (q: number, l) => <Qty qty={q} drug={l} showBase="tooltip" strong /> },
          { title: '单价', dataIndex: 'packPrice', width: 120, align: 'right', render: (p: number, l) => packPriceText(p, l) },
          {
            title: '已到货',
            dataIndex: 'receivedQty',
            width: 130,
            align: 'right',
            render: (q: number, l) => (
              <>
                {q ? <Qty qty={q} drug={l} showBase="tooltip" /> : <span className="muted">未到货</span>}
                {o.shortClose && q < l.qty && (
                  <div className="muted">
                    终止，未到 <Qty qty={l.qty - q} drug={l} showBase="tooltip" />
                  </div>
                )}
              </>
            ),
          },
          {
            title: '来源',
            key: 'src',
            width: 110,
            render: (_, l) => (l.sources.length ? `${new Set(l.sources.map((s) => s.clinicId)).size} 个卫生室` : '药库补货'),
          },
          { title: '金额', dataIndex: 'amount', width: 120, align: 'right', render: (a: number) => yuan(a) },
        ]}
      />
      <Modal
        open={cancelOpen}
        title={`作废采购订单 ${o.docNo}`}
        okText="作废"
        okButtonProps={{ danger: true, loading: cancel.isPending }}
        cancelText="取消"
        onOk={() => form.submit()}
        onCancel={() => setCancelOpen(false)}
        destroyOnHidden
      >
        {o.status === 'sent' && <Alert type="warning" showIcon title="订单已发给配送企业，作废后请电话告知对方。" style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" preserve={false} onFinish={(v) => cancel.mutate({ id, reason: v.reason ?? null })}>
          <Form.Item
            name="reason"
            label="作废原因"
            rules={o.status === 'sent' ? [{ required: true, whitespace: true, message: '已发送的订单须填写作废原因' }] : []}
          >
            <Input.TextArea rows={3} maxLength={200} showCount autoFocus />
          </Form.Item>
        </Form>
        <Typography.Text type="secondary">只由本订单供应的请领单会回到“汇总采购”的待汇总列表。</Typography.Text>
      </Modal>
      <Modal
        open={shortCloseOpen}
        title={`终止收货：采购订单 ${o.docNo}`}
        okText="确认终止收货"
        okButtonProps={{ danger: true, loading: shortClose.isPending }}
        cancelText="取消"
        onOk={() => shortCloseForm.submit()}
        onCancel={() => setShortCloseOpen(false)}
        destroyOnHidden
      >
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={`“${o.supplierName}”不再送来其余部分时使用。终止后本订单不能再收货，未到的数量不再计入在途；本订单供应、尚未配送完的请领单回到待汇总，下次汇总时重新采购。`}
        />
        <ul className="short-close-list">
          {o.lines
            .filter((l) => l.receivedQty < l.qty)
            .map((l) => (
              <li key={l.id}>
                {l.drugName} {l.spec}：订购 {qtyText(l.qty, l)}，已到 {qtyText(l.receivedQty, l)}，<strong>不再到货 {qtyText(l.qty - l.receivedQty, l)}</strong>
              </li>
            ))}
        </ul>
        <Form form={shortCloseForm} layout="vertical" preserve={false} onFinish={(v) => shortClose.mutate({ id, reason: v.reason })}>
          <Form.Item name="reason" label="终止原因" rules={[{ required: true, whitespace: true, message: '请填写终止收货的原因' }]}>
            <Input.TextArea rows={3} maxLength={200} showCount autoFocus placeholder="如：配送企业通知该品种停产" />
          </Form.Item>
        </Form>
      </Modal>
    </Page>
  );
}
