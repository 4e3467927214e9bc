import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, Checkbox, Col, Collapse, Empty, Input, Popconfirm, Result, Row, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import { CalculatorOutlined, FileDoneOutlined, InfoCircleOutlined } from '@ant-design/icons';
import type { AggregationLine, LineSource } from '../../../../shared/contract/orders';
import type { RequisitionSummary } from '../../../../shared/contract/requisitions';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { dateTime, DrugTags, packPriceText, percent, yuan } from './format';
import { Qty } from '../../components/format';
import { VbpSuggestionButton } from './VbpSuggestionButton';

function drugCell(l: AggregationLine) {
  return (
    <div>
      <div>
        <strong>{l.drugName}</strong> <DrugTags insuranceClass={l.insuranceClass} vbp={l.vbp} />
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {l.spec} · {l.manufacturer}
      </Typography.Text>
    </div>
  );
}

function Sources({ line }: { line: AggregationLine }) {
  if (line.sources.length === 0) return <Typography.Text type="secondary">无村卫生室请领，全部为药库补货。</Typography.Text>;
  return (
    <Table<LineSource>
      size="small"
      rowKey="requisitionLineId"
      pagination={false}
      dataSource={line.sources}
      style={{ maxWidth: 640 }}
      columns={[
        { title: '村卫生室', dataIndex: 'clinicName' },
        { title: '请领单', dataIndex: 'requisitionDocNo', width: 150 },
        { title: '核准未发', dataIndex: 'qty', width: 120, align: 'right', render: (q: number) => <Qty qty={q} drug={line} showBase="tooltip" /> },
        { title: '', dataIndex: 'originalDrugName', render: (v: string | null) => (v ? `原请领：${v}` : null) },
      ]}
    />
  );
}

/** The arithmetic columns, the same for order lines, problems and covered drugs. */
function lineColumns(withPrice: boolean) {
  return [
    { title: '药品', key: 'drug', render: (_: unknown, l: AggregationLine) => drugCell(l) },
    {
      title: '村卫生室需求',
      dataIndex: 'clinicQty',
      width: 110,
      align: 'right' as const,
      render: (q: number, l: AggregationLine) => <Qty qty={q} drug={l} showBase="tooltip" />,
    },
    {
      title: '药库补货',
      dataIndex: 'hubNeed',
      width: 100,
      align: 'right' as const,
      render: (q: number, l: AggregationLine) =>
        l.hubMin === null ? (
          <span className="muted">—</span>
        ) : (
          <Tooltip title={`库存下限 ${l.hubMin}${l.baseUnit}，上限 ${l.hubMax ?? l.hubMin}${l.baseUnit}${q ? '：低于下限，补至上限' : '：不低于下限'}`}>
            <span>{q ? <Qty qty={q} drug={l} showBase="tooltip" /> : '不需要'}</span>
          </Tooltip>
        ),
    },
    {
      title: '药库可用',
      dataIndex: 'hubAvailable',
      width: 100,
      align: 'right' as const,
      render: (q: number, l: AggregationLine) => (
        <Tooltip title={`未过期库存 ${l.hubStock}${l.baseUnit} − 已核准给其他请领单未发 ${l.hubCommitted}${l.baseUnit}`}>
          <span>
            <Qty qty={q} drug={l} showBase="tooltip" />
          </span>
        </Tooltip>
      ),
    },
    {
      title: '在途订单',
      dataIndex: 'onOrder',
      width: 100,
      align: 'right' as const,
      render: (q: number, l: AggregationLine) => <Qty qty={q} drug={l} showBase="tooltip" />,
    },
    {
      title: '订购数量',
      dataIndex: 'orderQty',
      width: 120,
      align: 'right' as const,
      render: (q: number, l: AggregationLine) => (
        <Tooltip
          title={`需求 ${l.clinicQty} + 补货 ${l.hubNeed} − 可用 ${l.hubAvailable} − 在途 ${l.onOrder} = ${l.netQty}${l.baseUnit}，向上取整到整${l.packUnit}`}
        >
          <span data-testid={`order-qty-${l.drugId}`}>
            <Qty qty={q} drug={l} showBase="tooltip" strong />
          </span>
        </Tooltip>
      ),
    },
    ...(withPrice
      ? [
          {
            title: '合同单价',
            dataIndex: 'packPrice',
            width: 110,
            align: 'right' as const,
            render: (p: number | null, l: AggregationLine) => packPriceText(p, l),
          },
          { title: '金额', dataIndex: 'amount', width: 110, align: 'right' as const, render: (a: number | null) => yuan(a) },
        ]
      : []),
    {
      title: '集采',
      key: 'vbp',
      width: 110,
      render: (_: unknown, l: AggregationLine) =>
        l.vbpSuggestion ? <VbpSuggestionButton suggestion={l.vbpSuggestion} lineIds={l.sources.map((s) => s.requisitionLineId)} unit={l} /> : null,
    },
  ];
}

export default function AggregationPage() {
  const pool = useApiQuery('requisitions.list', { aggregatable: true, page: 1, pageSize: 500 });
  const [picked, setPicked] = useState<number[] | null>(null);
  const [replenish, setReplenish] = useState(true);
  const [asked, setAsked] = useState<{ requisitionIds: number[]; hubReplenishment: boolean } | null>(null);
  const [note, setNote] = useState('');
  const rows = useMemo(() => pool.data?.rows ?? [], [pool.data]);
  const selected = picked ?? rows.map((r) => r.id);
  const preview = useApiQuery('aggregation.preview', asked ?? { requisitionIds: [], hubReplenishment: false }, { enabled: asked !== null, staleTime: 0 });
  const [created, setCreated] = useState<{
    id: number;
    docNo: string;
    orders: { id: number; docNo: string; supplierName: string; totalAmount: number }[];
  } | null>(null);
  const create = useApiMutation('aggregation.create', {
    success: '采购订单已生成',
    onSuccess: (out) => {
      setCreated(out);
      setAsked(null);
      setPicked(null);
      setNote('');
    },
  });

  if (created) {
    return (
      <Page title="汇总采购">
        <Result
          status="success"
          title={`汇总单 ${created.docNo} 已生成 ${created.orders.length} 张采购订单草稿`}
          subTitle="请核对后逐张发送给配送企业，可打印或导出 Excel。"
          extra={[
            <Button type="primary" key="orders">
              <Link to={`/purchasing/orders?status=all&aggregation=${created.id}`}>查看本次订单</Link>
            </Button>,
            <Button key="again" onClick={() => setCreated(null)}>
              继续汇总
            </Button>,
          ]}
        >
          {created.orders.map((o) => (
            <div key={o.id}>
              <Link to={`/purchasing/orders/${o.id}`}>{o.docNo}</Link> {o.supplierName} {yuan(o.totalAmount)}
            </div>
          ))}
        </Result>
      </Page>
    );
  }

  const p = preview.data;
  const lineCount = p ? p.orders.reduce((n, o) => n + o.lines.length, 0) : 0;
  return (
    <Page title="汇总采购" subTitle="已审核的请领单 + 药库补货 − 药库可用库存 − 在途订单 → 按配送企业生成采购订单">
      <Card
        size="small"
        title="① 选择请领单"
        style={{ marginBottom: 12 }}
        extra={
          <Space wrap>
            <Checkbox checked={replenish} onChange={(e) => setReplenish(e.target.checked)}>
              包含药库补货（低于库存下限的药品补至上限）
            </Checkbox>
            <Button
              type="primary"
              icon={<CalculatorOutlined />}
              disabled={selected.length === 0 && !replenish}
              onClick={() => {
                const next = { requisitionIds: [...selected].sort((a, b) => a - b), hubReplenishment: replenish };
                if (asked && JSON.stringify(asked) === JSON.stringify(next)) void preview.refetch();
                setAsked(next);
              }}
            >
              预览汇总
            </Button>
          </Space>
        }
      >
        <Table<RequisitionSummary>
          rowKey="id"
          size="small"
          loading={pool.isLoading}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 720, y: 320 }}
          locale={{ emptyText: <Empty description="没有待汇总的已审核请领单" /> }}
          rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setPicked(keys as number[]) }}
          columns={[
            { title: '村卫生室', dataIndex: 'clinicName' },
            { title: '请领单', dataIndex: 'docNo', width: 150 },
            { title: '提交时间', dataIndex: 'submittedAt', width: 150, render: (v: string | null) => dateTime(v) },
            { title: '审核时间', dataIndex: 'reviewedAt', width: 150, render: (v: string | null) => dateTime(v) },
            { title: '品种', dataIndex: 'lineCount', width: 60, align: 'right' },
            {
              title: '调整 / 驳回',
              key: 'adj',
              width: 100,
              render: (_, r) => (r.adjustedCount || r.rejectedCount ? `${r.adjustedCount} / ${r.rejectedCount}` : '—'),
            },
          ]}
        />
        <Typography.Text type="secondary">
          已选 {selected.length} / {rows.length} 张
        </Typography.Text>
      </Card>

      {asked && (
        <Card size="small" title="② 预览" loading={preview.isLoading}>
          {preview.error && <Alert type="error" showIcon title={preview.error.message} />}
          {p && (
            <>
              <Row gutter={[16, 12]} style={{ marginBottom: 12 }}>
                <Col xs={12} md={4}>
                  <Statistic title="采购订单" value={p.orders.length} suffix="张" />
                </Col>
                <Col xs={12} md={4}>
                  <Statistic title="订购品种" value={lineCount} suffix="个" />
                </Col>
                <Col xs={12} md={4}>
                  <Statistic title="金额合计" value={yuan(p.share.totalAmount)} />
                </Col>
                <Col xs={12} md={4}>
                  <Statistic
                    title={
                      <Tooltip title="医保目录（甲类、乙类）药品占本次订单的比例，应不低于 70%">
                        医保目录占比（金额） <InfoCircleOutlined />
                      </Tooltip>
                    }
                    value={p.share.totalItems ? percent(p.share.amountShareBp) : '—'}
                    styles={{ content: { color: !p.share.totalItems ? undefined : p.share.amountShareBp < p.share.thresholdBp ? '#cf1322' : '#389e0d' } }}
                  />
                </Col>
                <Col xs={12} md={4}>
                  <Statistic
                    title="医保目录占比（品种）"
                    value={p.share.totalItems ? percent(p.share.itemShareBp) : '—'}
                    styles={{ content: { color: !p.share.totalItems ? undefined : p.share.itemShareBp < p.share.thresholdBp ? '#cf1322' : '#389e0d' } }}
                  />
                </Col>
                <Col xs={12} md={4}>
                  <Statistic title="集采品种" value={`${p.share.vbpItems} / ${p.share.totalItems}`} />
                </Col>
              </Row>
              {p.share.belowThreshold && (
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={`医保目录药品占比低于 ${percent(p.share.thresholdBp)}：按金额 ${percent(p.share.amountShareBp)}，按品种 ${percent(p.share.itemShareBp)}`}
                  description="请核对非医保药品的请领是否必要，或改用医保目录内的同类药品。"
                />
              )}
              {p.problems.length > 0 && (
                <Alert
                  type="error"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={`${p.problems.length} 种药品无法采购，需先在基础数据中补齐配送企业或合同价，然后重新预览`}
                  description={
                    <ul style={{ margin: 0, paddingLeft: 18 }}>
                      {p.problems.map((l) => (
                        <li key={l.drugId}>
                          {l.problem!.message}（需订购 {l.orderQty}
                          {l.baseUnit}，{l.sources.map((s) => s.clinicName).join('、') || '药库补货'}）
                        </li>
                      ))}
                    </ul>
                  }
                />
              )}
              {p.orders.length === 0 && p.problems.length === 0 && (
                <Alert
                  type="info"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title="药库库存和在途订单已能满足所选请领，无需采购。生成后这些请领单即为已汇总，等待出库配送。"
                />
              )}
              {p.orders.map((o) => (
                <Card
                  key={o.supplierId}
                  size="small"
                  type="inner"
                  style={{ marginBottom: 12 }}
                  title={
                    <Space>
                      <span>{o.supplierName}</span>
                      <Typography.Text type="secondary">
                        {o.lines.length} 个品种 · {yuan(o.totalAmount)}
                      </Typography.Text>
                    </Space>
                  }
                >
                  <Table<AggregationLine>
                    rowKey="drugId"
                    size="small"
                    pagination={false}
                    dataSource={o.lines}
                    scroll={{ x: 1080 }}
                    expandable={{ expandedRowRender: (l) => <Sources line={l} />, columnTitle: '来源', columnWidth: 48 }}
                    columns={lineColumns(true)}
                  />
                </Card>
              ))}
              {p.covered.length > 0 && (
                <Collapse
                  size="small"
                  style={{ marginBottom: 12 }}
                  items={[
                    {
                      key: 'covered',
                      label: `药库库存或在途订单已满足、无需采购的药品（${p.covered.length}）`,
                      children: (
                        <Table<AggregationLine>
                          rowKey="drugId"
                          size="small"
                          pagination={false}
                          dataSource={p.covered}
                          scroll={{ x: 900 }}
                          expandable={{ expandedRowRender: (l) => <Sources line={l} /> }}
                          columns={lineColumns(false)}
                        />
                      ),
                    },
                  ]}
                />
              )}
              <Space wrap style={{ width: '100%', justifyContent: 'flex-end' }}>
                <Input placeholder="备注（可选，如“第 47 周”）" maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} style={{ width: 260 }} />
                <Popconfirm
                  title="生成采购订单"
                  description={`将生成 ${p.orders.length} 张采购订单草稿，所选 ${p.requisitions.length} 张请领单标记为已汇总。`}
                  okText="生成"
                  cancelText="取消"
                  disabled={p.problems.length > 0}
                  onConfirm={() =>
                    create.mutate(
                      { ...asked, fingerprint: p.fingerprint, note: note.trim() || null },
                      { onError: (err) => err.code === 'CONFLICT' && void preview.refetch() },
                    )
                  }
                >
                  <Button type="primary" icon={<FileDoneOutlined />} disabled={p.problems.length > 0} loading={create.isPending}>
                    生成采购订单
                  </Button>
                </Popconfirm>
              </Space>
            </>
          )}
        </Card>
      )}
    </Page>
  );
}
