import { useState } from 'react';
import { Link } from 'react-router';
import { Card, Col, DatePicker, Row, Segmented, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { MethodOutput } from '../../../../shared/contract';
import type { StocktakeKind } from '../../../../shared/stocktake';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money } from '../../components/format';
import { useSession } from '../../stores/session';
import { Sparkline } from './Sparkline';
import { formatRate, rateColor } from './labels';
import { hubMonth } from '../../components/hubClock';
import { addMonths } from '../../../../shared/dates';

type Accuracy = MethodOutput<'stocktakes.accuracy'>;
type AccuracyRow = Accuracy['rows'][number];

function Rate({ bp, size }: { bp: number | null; size?: number }) {
  return (
    <Typography.Text strong style={{ color: rateColor(bp), fontSize: size }} className="num">
      {formatRate(bp)}
    </Typography.Text>
  );
}

/** A clinic's own figures, as cards that fit a phone. */
function OwnClinic({ row }: { row: AccuracyRow }) {
  const months = [...row.months].reverse();
  return (
    <>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title="相符率" valueRender={() => <Rate bp={row.total.matchRateBp} size={24} />} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title="盘点批次（相符）" value={row.total.countedLines} suffix={`（${row.total.matchedLines}）`} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title="盘盈" valueRender={() => <Money fen={row.total.surplusAmount} prefix strong />} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title="盘亏" valueRender={() => <Money fen={row.total.shortageAmount} prefix strong />} />
          </Card>
        </Col>
      </Row>
      <Card size="small" title="各月" extra={<Sparkline values={row.months.map((m) => m.matchRateBp)} width={120} label="各月相符率" />}>
        {months.map((m) => (
          <div key={m.period} className="accuracy-month">
            <span>{m.period}</span>
            <span className="muted">{m.countedLines ? `${m.countedLines} 行中 ${m.matchedLines} 行相符` : '未盘点'}</span>
            <Rate bp={m.matchRateBp} />
          </div>
        ))}
      </Card>
    </>
  );
}

/** 账实相符率: per clinic and month, the share of counted lots that matched the book and the value of variances. */
export default function AccuracyPage() {
  const role = useSession((s) => s.user?.role);
  const doctor = role === 'village_doctor';
  const [range, setRange] = useState<[string, string]>(() => [addMonths(`${hubMonth()}-01`, -5).slice(0, 7), hubMonth()]);
  const [kind, setKind] = useState<StocktakeKind | 'all'>('all');
  const acc = useApiQuery('stocktakes.accuracy', { from: range[0], to: range[1], kind: kind === 'all' ? undefined : kind });
  const data = acc.data;
  const clinics = data?.rows.filter((r) => r.clinicId !== null) ?? [];
  const neverChecked = clinics.filter((r) => r.lastApprovedDate === null).length;

  return (
    <Page
      title={doctor ? '本室账实相符率' : '账实相符率'}
      subTitle="已审核盘点中，实盘数与录入时账面数一致的批次所占比例；差异金额按过账金额计"
      extra={
        <>
          <Segmented<StocktakeKind | 'all'>
            value={kind}
            onChange={setKind}
            options={[
              { value: 'all', label: '全部盘点' },
              { value: 'spot', label: '仅随机抽查' },
              { value: 'full', label: '仅全面盘点' },
            ]}
          />
          <DatePicker.RangePicker
            picker="month"
            allowClear={false}
            value={[dayjs(`${range[0]}-01`), dayjs(`${range[1]}-01`)]}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM'), v[1].format('YYYY-MM')])}
            aria-label="统计月份"
          />
        </>
      }
    >
      {data && !doctor && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic title="全部卫生室相符率" valueRender={() => <Rate bp={data.total.matchRateBp} size={24} />} />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic title="盘点批次（相符）" value={data.total.countedLines} suffix={`行（${data.total.matchedLines}）`} />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic
                title="差异金额（绝对值）"
                valueRender={() => (
                  <span style={{ fontSize: 24 }}>
                    <Money fen={data.total.varianceAbs} prefix />
                  </span>
                )}
              />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic title="期间未盘点的卫生室" value={neverChecked} suffix="个" valueStyle={neverChecked ? { color: '#d48806' } : undefined} />
            </Card>
          </Col>
        </Row>
      )}
      {doctor && data?.rows[0] && <OwnClinic row={data.rows[0]} />}
      {!doctor && (
        <Table<AccuracyRow>
          rowKey="storeId"
          size="middle"
          loading={acc.isLoading}
          dataSource={data?.rows}
          pagination={false}
          scroll={{ x: 1100 }}
          expandable={{
            expandedRowRender: (r) => (
              <Table
                size="small"
                rowKey="period"
                pagination={false}
                dataSource={r.months}
                columns={[
                  { title: '月份', dataIndex: 'period' },
                  { title: '盘点次数', dataIndex: 'stocktakes', align: 'right' },
                  { title: '盘点行', dataIndex: 'countedLines', align: 'right' },
                  { title: '相符行', dataIndex: 'matchedLines', align: 'right' },
                  { title: '相符率', dataIndex: 'matchRateBp', align: 'right', render: (bp: number | null) => <Rate bp={bp} /> },
                  { title: '盘盈（元）', dataIndex: 'surplusAmount', align: 'right', render: (v: number) => <Money fen={v} /> },
                  { title: '盘亏（元）', dataIndex: 'shortageAmount', align: 'right', render: (v: number) => <Money fen={v} /> },
                  { title: '净差异（元）', dataIndex: 'varianceNet', align: 'right', render: (v: number) => <Money fen={v} /> },
                ]}
              />
            ),
          }}
          columns={[
            {
              title: '库房',
              key: 'store',
              fixed: 'left',
              width: 200,
              render: (_, r) => (
                <Link to={`/stocktake?store=${r.storeId}`}>
                  {r.clinicCode ? `${r.clinicCode} ` : '★ '}
                  {r.storeName}
                </Link>
              ),
            },
            {
              title: '相符率',
              key: 'rate',
              width: 90,
              align: 'right',
              render: (_, r) => <Rate bp={r.total.matchRateBp} />,
              sorter: (a, b) => (a.total.matchRateBp ?? -1) - (b.total.matchRateBp ?? -1),
            },
            {
              title: `趋势（${range[0]} 至 ${range[1]}）`,
              key: 'trend',
              width: 170,
              render: (_, r) => <Sparkline values={r.months.map((m) => m.matchRateBp)} label={`${r.storeName}各月相符率`} />,
            },
            { title: '盘点次数', key: 'n', width: 90, align: 'right', render: (_, r) => r.total.stocktakes },
            { title: '盘点行 / 相符行', key: 'lines', width: 130, align: 'right', render: (_, r) => `${r.total.countedLines} / ${r.total.matchedLines}` },
            { title: '盘盈（元）', key: 'surplus', width: 110, align: 'right', render: (_, r) => <Money fen={r.total.surplusAmount} /> },
            { title: '盘亏（元）', key: 'shortage', width: 110, align: 'right', render: (_, r) => <Money fen={r.total.shortageAmount} /> },
            {
              title: '差异金额（元）',
              key: 'abs',
              width: 120,
              align: 'right',
              render: (_, r) => <Money fen={r.total.varianceAbs} />,
              sorter: (a, b) => a.total.varianceAbs - b.total.varianceAbs,
            },
            { title: '最近审核', key: 'last', width: 110, render: (_, r) => r.lastApprovedDate ?? <Tag color="orange">从未盘点</Tag> },
            {
              title: '进行中 / 作废',
              key: 'other',
              width: 110,
              render: (_, r) => (
                <span>
                  {r.openCount > 0 && <Tag color="blue">进行中 {r.openCount}</Tag>}
                  {r.cancelledCount > 0 && <Tag color="red">作废 {r.cancelledCount}</Tag>}
                </span>
              ),
            },
          ]}
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        相符率 = 相符行 ÷ 盘点行（按审核过账日期归月）。绿色 ≥ 95%，黄色 ≥ 85%，红色低于 85%。作废的抽查不计入相符率，但次数单独列出。
      </Typography.Paragraph>
    </Page>
  );
}
