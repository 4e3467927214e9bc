import { useState } from 'react';
import { useCan } from '../../app/access';
import { Link } from 'react-router';
import { App, Button, Card, Col, DatePicker, Descriptions, Form, Input, Modal, Row, Select, Space, Spin, Statistic, Table, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { PaymentRow, SupplierStatement } from '../../../../shared/contract/settlement';
import { formatFen, parseYuanToFen } from '../../../../shared/money';
import { PAYMENT_METHOD_LABELS, SUPPLIER_LINE_LABELS, supplierStatementLines, type PaymentMethod, type SupplierLine } from '../../../../shared/settlement';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money, formatDateTime } from '../../components/format';
import { toIsoDate } from '../../components/dates';
import { ExportButton, PeriodPicker, PeriodStatus, PrintButton, periodTitle, useSettlementParams } from './common';
import { hubTodayDay, isAfterHubToday } from '../../components/hubClock';

const newToken = () => `pay-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

interface PaymentForm {
  payDate: dayjs.Dayjs;
  voucherNo: string;
  amount: string;
  method: PaymentMethod;
  note?: string;
}

/** 登记付款: date, voucher number, amount in yuan (typed as text, parsed to fen without floating point). */
function PaymentModal({ supplier, owed, open, onClose }: { supplier: SupplierStatement['supplier']; owed: number; open: boolean; onClose(): void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<PaymentForm>();
  const [token, setToken] = useState(newToken);
  const create = useApiMutation('payments.create', {
    form,
    onSuccess: (out) => {
      message.success(`已登记付款 ¥${formatFen(out.payment.amount)}`);
      for (const w of out.warnings) message.warning(w, 8);
      form.resetFields();
      setToken(newToken());
      onClose();
    },
  });
  return (
    <Modal
      open={open}
      title={`登记付款：${supplier.name}`}
      okText="登记"
      cancelText="取消"
      confirmLoading={create.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        当前应付余额 <Money fen={owed} prefix strong />
        。付款记入付款日期所在月份；已结账月份不能登记。登记错误请冲销后重新登记。
      </Typography.Paragraph>
      <Form<PaymentForm>
        form={form}
        layout="vertical"
        initialValues={{ payDate: hubTodayDay(), method: 'transfer' }}
        onFinish={(v) =>
          create.mutate({
            supplierId: supplier.id,
            payDate: toIsoDate(v.payDate)!,
            voucherNo: v.voucherNo,
            amount: parseYuanToFen(v.amount)!,
            method: v.method,
            note: v.note || null,
            clientToken: token,
          })
        }
      >
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="payDate" label="付款日期" rules={[{ required: true, message: '请选择付款日期' }]}>
              <DatePicker style={{ width: '100%' }} disabledDate={isAfterHubToday} allowClear={false} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="method" label="付款方式">
              <Select options={Object.entries(PAYMENT_METHOD_LABELS).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="voucherNo" label="凭证号" rules={[{ required: true, whitespace: true, message: '请填写记账凭证号' }]}>
          <Input placeholder="如 记-202603-015" maxLength={40} autoFocus />
        </Form.Item>
        <Form.Item
          name="amount"
          label="金额（元）"
          rules={[
            { required: true, message: '请填写付款金额' },
            {
              validator: (_, v: string) => {
                const fen = parseYuanToFen(v ?? '');
                if (!v) return Promise.resolve();
                if (fen === null) return Promise.reject(new Error('金额格式不对：最多两位小数，如 1234.56'));
                if (fen <= 0) return Promise.reject(new Error('付款金额必须大于 0'));
                return Promise.resolve();
              },
            },
          ]}
          extra={
            owed > 0 && (
              <Typography.Link onClick={() => form.setFieldValue('amount', formatFen(owed, { grouping: false }))}>
                填入应付余额 ¥{formatFen(owed)}
              </Typography.Link>
            )
          }
        >
          <Input inputMode="decimal" prefix="¥" />
        </Form.Item>
        <Form.Item name="note" label="备注">
          <Input maxLength={200} placeholder="如：支付 3 月货款" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ReverseModal({ payment, onClose }: { payment: PaymentRow | null; onClose(): void }) {
  const [form] = Form.useForm<{ reason: string; payDate: dayjs.Dayjs; voucherNo?: string }>();
  const reverse = useApiMutation('payments.reverse', {
    form,
    success: '已冲销',
    onSuccess: onClose,
  });
  return (
    <Modal
      open={payment !== null}
      title="冲销付款"
      okText="冲销"
      okButtonProps={{ danger: true }}
      cancelText="取消"
      confirmLoading={reverse.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {payment && (
        <>
          <Typography.Paragraph>
            冲销 {payment.payDate} 凭证 {payment.voucherNo} 的付款 <Money fen={payment.amount} prefix strong />
            ：记一笔相反金额的冲销记录，原记录保留。
          </Typography.Paragraph>
          <Form
            form={form}
            layout="vertical"
            initialValues={{ payDate: hubTodayDay() }}
            onFinish={(v) => reverse.mutate({ id: payment.id, reason: v.reason, payDate: toIsoDate(v.payDate)!, voucherNo: v.voucherNo || null })}
          >
            <Form.Item name="reason" label="冲销原因" rules={[{ required: true, whitespace: true, message: '请填写冲销原因' }]}>
              <Input maxLength={200} autoFocus placeholder="如：金额录错、银行退票" />
            </Form.Item>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="payDate" label="冲销日期">
                  <DatePicker
                    style={{ width: '100%' }}
                    allowClear={false}
                    disabledDate={(d) => isAfterHubToday(d) || d.isBefore(dayjs(payment.payDate), 'day')}
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="voucherNo" label="冲销凭证号">
                  <Input maxLength={40} placeholder={payment.voucherNo} />
                </Form.Item>
              </Col>
            </Row>
          </Form>
        </>
      )}
    </Modal>
  );
}

function SupplierStatementView({ supplierId, period, onPeriod, onBack }: { supplierId: number; period: string; onPeriod(p: string): void; onBack(): void }) {
  const canPay = useCan('payments.create');
  const st = useApiQuery('statements.supplier', { supplierId, period });
  const [paying, setPaying] = useState(false);
  const [reversing, setReversing] = useState<PaymentRow | null>(null);
  const s = st.data;
  const lines = s ? supplierStatementLines(s) : [];
  return (
    <Page
      title={s ? `${s.supplier.name} 对账单` : '配送企业对账单'}
      subTitle={
        <Space wrap>
          {periodTitle(period)} · 期初应付 + 购进 − 退货 − 付款 = 期末应付
          {s && <PeriodStatus {...s} />}
        </Space>
      }
      extra={
        <>
          <Button icon={<ArrowLeftOutlined />} onClick={onBack}>
            全部配送企业
          </Button>
          <PeriodPicker value={period} onChange={onPeriod} />
          {canPay && s && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setPaying(true)}>
              登记付款
            </Button>
          )}
          <PrintButton to={`/print/supplier-statement/${supplierId}/${period}`} />
          <ExportButton input={{ kind: 'supplier', period, supplierId }} />
        </>
      }
    >
      {st.isLoading && <Spin style={{ display: 'block', margin: 48 }} />}
      {s && (
        <>
          <Descriptions size="small" bordered column={{ xs: 1, md: 3 }} style={{ marginBottom: 12 }}>
            <Descriptions.Item label="配送企业">{s.supplier.name}</Descriptions.Item>
            <Descriptions.Item label="统一社会信用代码">{s.supplier.creditCode}</Descriptions.Item>
            <Descriptions.Item label="联系人">{[s.supplier.contact, s.supplier.phone].filter(Boolean).join(' ') || '—'}</Descriptions.Item>
          </Descriptions>
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            {[
              ['期初应付', s.opening],
              ['本月购进', s.totals.received],
              ['本月退货', s.totals.returned],
              ['本月付款', s.totals.paid],
            ].map(([label, v]) => (
              <Col key={label} xs={12} md={6} xl={4}>
                <Card size="small">
                  <Statistic title={label} value={formatFen(v as number)} prefix="¥" />
                </Card>
              </Col>
            ))}
            <Col xs={24} md={12} xl={8}>
              <Card size="small" className="due-card">
                <Statistic
                  title="期末应付（结转下月）"
                  value={formatFen(s.totals.closing)}
                  prefix="¥"
                  styles={{ content: { color: '#cf1322', fontWeight: 600 } }}
                />
              </Card>
            </Col>
          </Row>
          <Table<SupplierLine>
            rowKey={(_, i) => String(i)}
            size="small"
            bordered
            pagination={false}
            dataSource={lines}
            scroll={{ x: 1000 }}
            columns={[
              { title: '日期', dataIndex: 'date', width: 100 },
              { title: '摘要', dataIndex: 'kind', width: 90, render: (k: SupplierLine['kind']) => SUPPLIER_LINE_LABELS[k] },
              { title: '入库单 / 退货单 / 凭证号', dataIndex: 'docNos' },
              {
                title: '发票号',
                dataIndex: 'invoiceNo',
                width: 130,
                render: (v: string | null, l) =>
                  l.kind === 'receipt' || l.kind === 'reversal' ? (v ?? <Typography.Text type="warning">未填发票号</Typography.Text>) : '',
              },
              { title: '购进金额', dataIndex: 'received', align: 'right', width: 110, render: (v: number) => (v ? <Money fen={v} /> : '') },
              { title: '退货金额', dataIndex: 'returned', align: 'right', width: 110, render: (v: number) => (v ? <Money fen={v} /> : '') },
              { title: '付款金额', dataIndex: 'paid', align: 'right', width: 110, render: (v: number) => (v ? <Money fen={v} /> : '') },
              { title: '应付余额', dataIndex: 'balance', align: 'right', width: 120, render: (v: number) => <Money fen={v} strong /> },
              { title: '备注', dataIndex: 'note', width: 160, render: (v: string | null) => <Typography.Text type="secondary">{v}</Typography.Text> },
            ]}
            summary={() => (
              <Table.Summary.Row className="statement-total">
                <Table.Summary.Cell index={0} colSpan={4}>
                  本月合计
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  <Money fen={s.totals.received} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right">
                  <Money fen={s.totals.returned} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={6} align="right">
                  <Money fen={s.totals.paid} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={7} align="right">
                  <Money fen={s.totals.closing} strong />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={8}>结转下月</Table.Summary.Cell>
              </Table.Summary.Row>
            )}
          />
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            本月付款记录
          </Typography.Title>
          <Table<PaymentRow>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={s.payments}
            locale={{ emptyText: '本月没有付款' }}
            scroll={{ x: 900 }}
            columns={[
              { title: '付款日期', dataIndex: 'payDate', width: 110 },
              { title: '凭证号', dataIndex: 'voucherNo', width: 150 },
              { title: '方式', dataIndex: 'method', width: 90, render: (m: PaymentMethod) => PAYMENT_METHOD_LABELS[m] },
              { title: '金额（元）', dataIndex: 'amount', align: 'right', width: 120, render: (v: number) => <Money fen={v} /> },
              {
                title: '说明',
                key: 'note',
                render: (_, p) => (
                  <>
                    {p.reversesId !== null && <Tag color="red">冲销</Tag>}
                    {p.reversedById !== null && <Tag>已冲销</Tag>}
                    {p.reversesId !== null ? p.reverseReason : p.note}
                  </>
                ),
              },
              { title: '登记人', key: 'by', width: 190, render: (_, p) => `${p.createdByName} ${formatDateTime(p.createdAt)}` },
              ...(canPay
                ? [
                    {
                      title: '操作',
                      key: 'ops',
                      width: 80,
                      render: (_: unknown, p: PaymentRow) =>
                        p.reversesId === null && p.reversedById === null ? (
                          <Button size="small" danger onClick={() => setReversing(p)}>
                            冲销
                          </Button>
                        ) : null,
                    },
                  ]
                : []),
            ]}
          />
          <PaymentModal supplier={s.supplier} owed={s.totals.closing} open={paying} onClose={() => setPaying(false)} />
          <ReverseModal payment={reversing} onClose={() => setReversing(null)} />
        </>
      )}
    </Page>
  );
}

type SummaryRow = { supplierId: number; name: string; active: boolean; opening: number; received: number; returned: number; paid: number; closing: number };

export default function SupplierSettlementPage() {
  const { period, num, set } = useSettlementParams();
  const supplierId = num('supplier');
  const summary = useApiQuery('statements.suppliers', { period }, { enabled: supplierId === undefined });
  if (supplierId)
    return <SupplierStatementView supplierId={supplierId} period={period} onPeriod={(p) => set({ period: p })} onBack={() => set({ supplier: undefined })} />;
  const s = summary.data;
  const money = (key: keyof SummaryRow, title: string, strong = false) => ({
    title,
    dataIndex: key,
    align: 'right' as const,
    render: (v: number) => <Money fen={v} strong={strong} />,
  });
  return (
    <Page
      title="配送企业结算"
      subTitle={
        <Space wrap>
          {periodTitle(period)} · 按月与配送企业对账、付款，期末应付结转下月
          {s && <PeriodStatus {...s} />}
        </Space>
      }
      extra={
        <>
          <PeriodPicker value={period} onChange={(p) => set({ period: p })} />
          <ExportButton input={{ kind: 'suppliers', period }}>导出汇总 Excel</ExportButton>
        </>
      }
    >
      <Table<SummaryRow>
        rowKey="supplierId"
        bordered
        loading={summary.isLoading}
        dataSource={s?.rows}
        pagination={false}
        scroll={{ x: 900 }}
        onRow={(r) => ({ onClick: () => set({ supplier: r.supplierId }), style: { cursor: 'pointer' } })}
        columns={[
          {
            title: '配送企业',
            dataIndex: 'name',
            render: (name: string, r) => (
              <Link to={`?period=${period}&supplier=${r.supplierId}`}>
                {name}
                {!r.active && <Typography.Text type="secondary">（已停用）</Typography.Text>}
              </Link>
            ),
          },
          money('opening', '期初应付'),
          money('received', '本月购进'),
          money('returned', '本月退货'),
          money('paid', '本月付款'),
          money('closing', '期末应付', true),
        ]}
        summary={() =>
          s && (
            <Table.Summary.Row className="statement-total">
              <Table.Summary.Cell index={0}>合计（{s.rows.length} 家）</Table.Summary.Cell>
              {(['opening', 'received', 'returned', 'paid', 'closing'] as const).map((k, i) => (
                <Table.Summary.Cell key={k} index={1 + i} align="right">
                  <Money fen={s.totals[k]} strong={k === 'closing'} />
                </Table.Summary.Cell>
              ))}
            </Table.Summary.Row>
          )
        }
      />
    </Page>
  );
}
