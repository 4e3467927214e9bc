import { useMemo, useState } from 'react';
import { useCan } from '../../app/access';
import { Link, useParams } from 'react-router';
import { Alert, Button, Card, Col, Descriptions, Empty, Form, Input, Modal, Row, Skeleton, Statistic, Table, Tag, Timeline, Typography } from 'antd';
import type { MethodOutput } from '../../../../shared/contract';
import { MOVEMENT_LABELS, type Movement } from '../../../../shared/stock';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money, Qty, formatDateTime } from '../../components/format';
import { EChart, type ChartOption } from './EChart';
import { RuleTag, SignalStatus, numberText } from './labels';
import { html } from './tooltip';
import './supervision.css';

type Detail = MethodOutput<'supervision.signal'>;
type LedgerRow = Detail['ledger'][number];

const DOC_PAGES: Record<string, string> = { stocktake: '/stocktake/' };

/** One signal: the rule in words, the numbers that triggered it, the drug's weekly history, and the ledger rows behind it. */
export default function SignalDetailPage() {
  const fingerprint = decodeURIComponent(useParams().fingerprint ?? '');
  const q = useApiQuery('supervision.signal', { fingerprint });
  const canDismiss = useCan('supervision.dismiss');
  const [dismissing, setDismissing] = useState(false);
  const d = q.data;

  return (
    <Page
      title={d ? `异常信号：${d.signal.ruleTitle}` : '异常信号'}
      subTitle={d ? `${d.signal.clinicCode} ${d.signal.clinicName} · ${d.signal.periodFrom} 至 ${d.signal.periodTo}` : undefined}
      extra={
        <>
          <Link to="/supervision/signals">返回信号列表</Link>
          {d && canDismiss && d.signal.status !== 'dismissed' && (
            <Button type="primary" onClick={() => setDismissing(true)}>
              排除此信号
            </Button>
          )}
        </>
      }
    >
      {q.error && <Alert type="error" showIcon title={q.error.message} />}
      {!d && !q.error && <Skeleton active />}
      {d && <SignalBody d={d} />}
      {d && <DismissModal open={dismissing} fingerprint={fingerprint} onClose={() => setDismissing(false)} />}
    </Page>
  );
}

function SignalBody({ d }: { d: Detail }) {
  const s = d.signal;
  const chart = useMemo<ChartOption | null>(() => {
    if (d.history.length === 0) return null;
    const unit = s.drugs[0]?.baseUnit ?? '';
    return {
      grid: { left: 48, right: 24, top: 24, bottom: 32, containLabel: true },
      tooltip: {
        trigger: 'axis',
        formatter: (ps: unknown) => {
          const h = d.history[(ps as { dataIndex: number }[])[0].dataIndex];
          return html`${h.weekStart} 起一周<br/>用药：<b>${h.qty}${unit}</b>${h.marked ? html`<br/><b style="color:#f5222d">信号所在期间</b>` : ''}`.text;
        },
      },
      xAxis: { type: 'category', data: d.history.map((h) => h.weekStart.slice(5)) },
      yAxis: { type: 'value', name: unit },
      series: [
        {
          name: '周用药量',
          type: 'bar',
          barMaxWidth: 28,
          data: d.history.map((h) => ({ value: h.qty, itemStyle: { color: h.marked ? '#f5222d' : '#1677ff' } })),
        },
      ],
    };
  }, [d, s.drugs]);

  return (
    <>
      <Alert type={s.status === 'dismissed' ? 'info' : 'warning'} showIcon title={s.summary} description={d.rule.description} style={{ marginBottom: 12 }} />
      <Descriptions size="small" bordered column={{ xs: 1, md: 3 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label="规则">
          <RuleTag rule={s.ruleKey} title={s.ruleTitle} />
        </Descriptions.Item>
        <Descriptions.Item label="村卫生室">
          {s.clinicCode} {s.clinicName}
        </Descriptions.Item>
        <Descriptions.Item label="状态">
          <SignalStatus status={s.status} />
        </Descriptions.Item>
        <Descriptions.Item label="药品" span={2}>
          {s.drugs.length === 0
            ? '—'
            : s.drugs.map((x, i) => (
                <span key={x.id} style={{ marginRight: 12 }}>
                  {s.ruleKey === 'swap' && <Tag>{i === 0 ? '甲药（多发）' : '乙药（盘亏）'}</Tag>}
                  {s.ruleKey === 'visitswap' && <Tag>{i === 0 ? '甲药（结算）' : '乙药（发放）'}</Tag>}
                  <Link to={`/stock/card?store=${s.storeId}&drug=${x.id}`}>
                    {x.name} {x.spec}
                  </Link>
                </span>
              ))}
        </Descriptions.Item>
        <Descriptions.Item label="信号编号">
          <Typography.Text copyable type="secondary">
            {s.fingerprint}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Row gutter={[12, 12]} className="signal-numbers" style={{ marginBottom: 12 }}>
        {s.numbers.map((n) => (
          <Col key={n.label} xs={12} md={8} xl={4}>
            <Card size="small">
              <Statistic title={n.label} value={numberText(n)} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[12, 12]}>
        {chart && (
          <Col xs={24}>
            <Card size="small" title={`${s.drugs[0].name} 在本室的周用药量（红色为信号期间）`}>
              <EChart label="周用药量历史" option={chart} height={220} />
            </Card>
          </Col>
        )}
        <Col xs={24}>
          <Card size="small" title={`背后的台账行（${d.ledger.length}）`}>
            <LedgerTable rows={d.ledger} />
          </Card>
        </Col>
        <Col xs={24}>
          <Card size="small" title="处理记录">
            {d.dismissals.length === 0 ? (
              <Empty description="尚未处理" image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Timeline
                items={d.dismissals.map((x) => ({
                  content: (
                    <>
                      <Typography.Text strong>{x.dismissedByName}</Typography.Text> 于 {formatDateTime(x.dismissedAt)} 排除（当时数值 {x.severity}）：{x.note}
                    </>
                  ),
                }))}
              />
            )}
            {s.status === 'reopened' && <Alert type="warning" showIcon title="排除之后数字变坏了，信号重新出现，请再次核实。" />}
          </Card>
        </Col>
      </Row>
    </>
  );
}

function LedgerTable({ rows }: { rows: LedgerRow[] }) {
  return (
    <Table<LedgerRow>
      rowKey="id"
      size="small"
      dataSource={rows}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 760 }}
      columns={[
        { title: '日期', dataIndex: 'businessDate', width: 100 },
        { title: '业务', dataIndex: 'movement', width: 100, render: (m: Movement) => MOVEMENT_LABELS[m] },
        {
          title: '单据',
          key: 'doc',
          render: (_, r) => {
            const text = r.docNo ?? `#${r.docId}`;
            return DOC_PAGES[r.docType] ? <Link to={`${DOC_PAGES[r.docType]}${r.docId}`}>{text}</Link> : text;
          },
        },
        {
          title: '药品',
          key: 'drug',
          render: (_, r) => (
            <Link to={`/stock/card?store=${r.storeId}&drug=${r.drugId}`}>
              {r.drugName} {r.spec}
            </Link>
          ),
        },
        { title: '批号', dataIndex: 'batchNo', width: 110 },
        { title: '数量', dataIndex: 'qty', align: 'right', width: 110, render: (q: number, r) => <Qty qty={q} drug={r} /> },
        { title: '金额', dataIndex: 'amount', align: 'right', width: 100, render: (a: number) => <Money fen={a} /> },
        { title: '经办', dataIndex: 'userName', width: 80 },
      ]}
    />
  );
}

function DismissModal({ open, fingerprint, onClose }: { open: boolean; fingerprint: string; onClose: () => void }) {
  const [form] = Form.useForm<{ note: string }>();
  const dismiss = useApiMutation('supervision.dismiss', {
    success: '已排除，记录已保存',
    form,
    onSuccess: onClose,
  });
  return (
    <Modal
      open={open}
      title="排除异常信号"
      okText="确认排除"
      cancelText="取消"
      confirmLoading={dismiss.isPending}
      onCancel={onClose}
      onOk={() => form.validateFields().then((v) => dismiss.mutate({ fingerprint, note: v.note }))}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        请写明核实的情况（如处方、义诊记录）。排除记录保存经办人、时间和当时的数字；数字变坏时信号会重新出现。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="note"
          label="核实说明"
          rules={[
            { required: true, whitespace: true, message: '请填写排除说明' },
            { min: 4, message: '排除说明至少 4 个字，请写明核实情况' },
          ]}
        >
          <Input.TextArea rows={4} maxLength={500} showCount autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
