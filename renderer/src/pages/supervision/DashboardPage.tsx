import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Card, Col, DatePicker, Empty, Row, Select, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { MethodOutput } from '../../../../shared/contract';
import { formatFen } from '../../../../shared/money';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { Money } from '../../components/format';
import { Computing, rangeWork, useClosedThrough } from '../../components/Computing';
import { DrillDrawer, type DrillInput } from './DrillDrawer';
import { EChart } from './EChart';
import { bpText, pct, pctText } from './format';
import { buildCharts, GREEN, lineColor, monthAxisLabel, ORANGE, type PartialMonth, RED, TARGET, TOP_CLINICS } from './dashboardCharts';
import './supervision.css';
import { hubMonth, hubToday, isAfterHubMonth } from '../../components/hubClock';
import { addMonths, periodOf } from '../../../../shared/dates';

type Dashboard = MethodOutput<'supervision.dashboard'>;

/** 三保看板: steady supply, lower costs, insurance money used properly — as numbers, each drilling down to its rows. */
export default function DashboardPage() {
  const [range, setRange] = useState<[string, string]>(() => [addMonths(`${hubMonth()}-01`, -5).slice(0, 7), hubMonth()]);
  const [clinicId, setClinicId] = useState<number | undefined>();
  const [drill, setDrill] = useState<DrillInput | null>(null);
  const clinics = useApiQuery('clinics.list', { includeInactive: false });
  const q = useApiQuery('supervision.dashboard', { from: range[0], to: range[1], clinicId });
  const d = q.data;
  const closedThrough = useClosedThrough();
  const base = { from: range[0], to: range[1], clinicId };
  const open = (x: Omit<DrillInput, 'from' | 'to'>) => setDrill({ ...base, ...x });
  const clinicName = (id: number) => clinics.data?.find((c) => c.id === id)?.name ?? String(id);
  // The hub's today (never the device's): its month is the one still running, marked as such on every trend.
  const today = hubToday();
  const partial = useMemo<PartialMonth>(() => ({ period: periodOf(today), today }), [today]);

  return (
    <Page
      title="三保看板"
      subTitle="保供应、降药价、保医保基金安全：点击任一图形或数字查看明细"
      extra={
        <>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="全部村卫生室（可搜索）"
            style={{ width: 220, maxWidth: '100%' }}
            value={clinicId}
            onChange={setClinicId}
            options={clinics.data?.map((c) => ({ value: c.id, label: `${c.code} ${c.name}` }))}
            aria-label="村卫生室"
          />
          <DatePicker.RangePicker
            picker="month"
            allowClear={false}
            value={[dayjs(`${range[0]}-01`), dayjs(`${range[1]}-01`)]}
            disabledDate={isAfterHubMonth}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM'), v[1].format('YYYY-MM')])}
            aria-label="统计月份"
          />
        </>
      }
    >
      {q.error && <Alert type="error" showIcon title={q.error.message} />}
      <Computing query={q} what={rangeWork('汇总', range[0], range[1], closedThrough)} />
      {d && <FactsNote d={d} partial={partial} />}
      {d && <Figures d={d} open={open} clinicName={clinicName} partial={partial} />}
      <DrillDrawer input={drill} onClose={() => setDrill(null)} clinicName={drill?.clinicId ? clinicName(drill.clinicId) : null} partial={partial} />
    </Page>
  );
}

/** Which months came from the month-end facts (fixed at their close) and which were computed just now. */
function FactsNote({ d, partial }: { d: Dashboard; partial: PartialMonth }) {
  const months = monthsBetween(d.from, d.to);
  const stored = new Set(d.factMonths);
  const live = months.filter((m) => !stored.has(m));
  const span = (list: string[]) => (list.length === 1 ? yearMonth(list[0]) : `${yearMonth(list[0])}至${yearMonth(list.at(-1)!)}`);
  const parts = [];
  if (d.factMonths.length) parts.push(`${span(d.factMonths)}已结账：数字取自月结数据（结账时算定）`);
  if (live.length) parts.push(`${live.length === 1 ? yearMonth(live[0]) : `${live.length === months.length ? '' : '其余 '}${live.length} 个月`}按台账实时计算`);
  const running = months.includes(partial.period);
  return (
    <Typography.Paragraph type="secondary" className="facts-note" style={{ marginBottom: 8 }}>
      {parts.join('；')}
      {running && (
        <>
          {'。'}
          <Typography.Text type="warning" data-testid="partial-month-note">
            {yearMonth(partial.period)}是本月，数字只到 {Number(partial.today.slice(5, 7))}月{Number(partial.today.slice(8, 10))}日，不是整月：图中标为“
            {monthAxisLabel(partial.period, partial)}”，柱加斜线，折线的最后一段为虚线。
          </Typography.Text>
        </>
      )}
    </Typography.Paragraph>
  );
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length <= 120; m = addMonths(`${m}-01`, 1).slice(0, 7)) out.push(m);
  return out;
}

const yearMonth = (period: string) => `${Number(period.slice(0, 4))}年${Number(period.slice(5, 7))}月`;

type Open = (x: Omit<DrillInput, 'from' | 'to'>) => void;

function Figures({ d, open, clinicName, partial }: { d: Dashboard; open: Open; clinicName: (id: number) => string; partial: PartialMonth }) {
  const ins = d.insurance.total;
  const amountShare = pct(ins.catalogAmount, ins.amount);
  const itemShare = pct(ins.catalogItems, ins.items);
  const vbpShare = pct(d.vbp.total.vbpAmount, d.vbp.total.amount);
  const outDays = d.stockouts.clinics.reduce((a, c) => a + c.stockoutDays, 0);
  const nearValue = d.nearExpiry.stores.reduce((a, s) => a + s.value, 0);
  const accCounted = d.accuracy.months.reduce((a, m) => a + m.countedLines, 0);
  const accMatched = d.accuracy.months.reduce((a, m) => a + m.matchedLines, 0);
  const accRate = accCounted ? Math.floor((accMatched * 20000 + accCounted) / (2 * accCounted)) : null;
  const basis = d.basis === 'receipts' ? '中心库采购入库' : '配送到本室';

  const charts = useMemo(() => buildCharts(d, clinicName, partial), [d, clinicName, partial]);

  return (
    <>
      <Row gutter={[12, 12]} className="kpis">
        <Col xs={12} md={6} xl={3}>
          <Card size="small" hoverable onClick={() => open({ figure: 'insurance', flag: true })}>
            <Statistic
              title="医保目录占比（金额）"
              value={amountShare ?? '—'}
              suffix={amountShare === null ? '' : '%'}
              styles={{ content: { color: amountShare !== null && amountShare < TARGET ? RED : GREEN } }}
            />
          </Card>
        </Col>
        <Col xs={12} md={6} xl={3}>
          <Card size="small" hoverable onClick={() => open({ figure: 'insurance', flag: true })}>
            <Statistic
              title="医保目录占比（品种）"
              value={itemShare ?? '—'}
              suffix={itemShare === null ? '' : '%'}
              styles={{ content: { color: itemShare !== null && itemShare < TARGET ? RED : GREEN } }}
            />
          </Card>
        </Col>
        <Col xs={12} md={6} xl={3}>
          <Card size="small" hoverable onClick={() => open({ figure: 'vbp', flag: true })}>
            <Statistic title="集采药品占比（金额）" value={vbpShare ?? '—'} suffix={vbpShare === null ? '' : '%'} />
          </Card>
        </Col>
        <Col xs={12} md={6} xl={3}>
          <Card size="small" hoverable onClick={() => open({ figure: 'vbp', flag: true })}>
            <Statistic title="集采节约金额" value={formatFen(d.vbp.total.savings)} prefix="¥" styles={{ content: { color: GREEN } }} />
          </Card>
        </Col>
        <Col xs={12} md={6} xl={3}>
          <Card size="small" hoverable onClick={() => open({ figure: 'stockout' })}>
            <Statistic title="断货天数（药品·天）" value={outDays} styles={{ content: { color: outDays > 0 ? ORANGE : GREEN } }} />
          </Card>
        </Col>
        <Col xs={12} md={6} xl={3}>
          <Card size="small" hoverable onClick={() => open({ figure: 'nearExpiry' })}>
            <Statistic title="近效期库存金额" value={formatFen(nearValue)} prefix="¥" styles={{ content: { color: nearValue > 0 ? ORANGE : undefined } }} />
          </Card>
        </Col>
        <Col xs={12} md={6} xl={3}>
          <Card size="small" hoverable onClick={() => open({ figure: 'accuracy' })}>
            <Statistic title="账实相符率" value={bpText(accRate)} />
          </Card>
        </Col>
        <Col xs={12} md={6} xl={3}>
          <Link to="/supervision/signals">
            <Card size="small" hoverable>
              <Statistic title="待处理异常信号" value={d.signals.open} styles={{ content: { color: d.signals.open > 0 ? RED : GREEN } }} />
            </Card>
          </Link>
        </Col>
      </Row>

      <Row gutter={[12, 12]}>
        <Col xs={24} xl={12}>
          <Card size="small" title="医保目录药品占比（按月）" extra={<Typography.Text type="secondary">{basis}，目标 ≥ 70%</Typography.Text>}>
            <EChart
              label="医保目录药品占比按月"
              option={charts.insuranceMonths}
              onClick={(p) => open({ figure: 'insurance', period: d.insurance.months[p.dataIndex].period, flag: p.seriesIndex === 0 ? true : undefined })}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="各村卫生室医保目录药品占比" extra={<Typography.Text type="secondary">配送到各室，金额口径</Typography.Text>}>
            {d.insurance.clinics.length ? (
              <EChart
                label="各村卫生室医保目录药品占比"
                option={charts.insuranceClinics}
                onClick={(p) => open({ figure: 'insurance', clinicId: d.insurance.clinics[p.dataIndex].clinicId })}
              />
            ) : (
              <Empty />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="集采药品占比与节约金额" extra={<Typography.Text type="secondary">节约 =（集采前价格 − 实际价格）× 数量</Typography.Text>}>
            <EChart
              label="集采药品占比与节约金额"
              option={charts.vbp}
              onClick={(p) =>
                open({ figure: 'vbp', period: d.vbp.months[p.dataIndex].period, flag: p.seriesIndex === undefined || p.seriesIndex === 1 ? undefined : true })
              }
            />
            {d.vbp.total.withoutReference > 0 && (
              <Typography.Text type="secondary">有 {d.vbp.total.withoutReference} 组集采药品在目录中没有集采前价格，未计入节约金额。</Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="各村卫生室断货天数" extra={<Typography.Text type="secondary">前 90 天用过的药品库存为零的天数</Typography.Text>}>
            {d.stockouts.clinics.length ? (
              <EChart
                label="各村卫生室断货天数"
                option={charts.stockouts}
                onClick={(p) => open({ figure: 'stockout', clinicId: d.stockouts.clinics[p.dataIndex].clinicId })}
              />
            ) : (
              <Empty />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title="用药金额趋势（按月）"
            extra={charts.ranked.length > 1 && <Typography.Text type="secondary">用药金额最多的 {charts.topClinics.length} 个村卫生室</Typography.Text>}
          >
            <EChart
              label="用药金额趋势"
              testId="consumption-trend"
              option={charts.consumption}
              onClick={(p) => {
                const clinic = p.seriesIndex === undefined ? undefined : charts.consumptionClinics[p.seriesIndex];
                // A point opens that clinic's month; elsewhere in the column, the month of every clinic shown.
                open(
                  clinic === undefined
                    ? { figure: 'consumption', period: charts.periods[p.dataIndex] }
                    : { figure: 'consumption', period: charts.periods[p.dataIndex], clinicId: clinic },
                );
              }}
            />
            {charts.ranked.length > charts.topClinics.length && <ConsumptionRanking ranked={charts.ranked} shown={charts.topClinics.length} open={open} />}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="用药金额前十的药品">
            <Table
              size="small"
              rowKey="drugId"
              pagination={false}
              dataSource={d.consumption.topDrugs}
              locale={{ emptyText: '期间内没有用药登记' }}
              onRow={() => ({ onClick: () => open({ figure: 'consumption' }), style: { cursor: 'pointer' } })}
              columns={[
                { title: '药品', key: 'n', render: (_, r) => `${r.name} ${r.spec}` },
                { title: '数量', key: 'q', align: 'right', render: (_, r) => `${r.qty}${r.baseUnit}` },
                { title: '金额', dataIndex: 'amount', align: 'right', render: (a: number) => <Money fen={a} /> },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="近效期库存金额（按库房）" extra={<Typography.Text type="secondary">{d.nearExpiry.before} 前到期</Typography.Text>}>
            {d.nearExpiry.stores.length ? (
              <EChart
                label="近效期库存金额"
                option={charts.nearExpiry}
                onClick={(p) => open({ figure: 'nearExpiry', storeId: d.nearExpiry.stores[p.dataIndex].storeId })}
              />
            ) : (
              <Empty description="没有近效期库存" />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="抽查账实相符率（按月）">
            <EChart
              label="账实相符率按月"
              option={charts.accuracy}
              onClick={(p) => open({ figure: 'accuracy', period: d.accuracy.months[p.dataIndex].period })}
            />
          </Card>
        </Col>
        <Col xs={24}>
          <StorageLogCard log={d.storageLog} />
        </Col>
        <Col xs={24}>
          <Card size="small" title="异常信号（本期间）" extra={<Link to="/supervision/signals">全部信号</Link>}>
            {d.signals.byRule.map((r) => (
              <Link key={r.key} to={`/supervision/signals?rule=${r.key}`}>
                <Tag color={r.open > 0 ? 'red' : 'default'} className="rule-tag">
                  {r.title} {r.open}
                </Tag>
              </Link>
            ))}
          </Card>
        </Col>
      </Row>
    </>
  );
}

/** Every clinic's consumption over the range, largest first (sortable): those the trend leaves out are read here. */
function ConsumptionRanking({ ranked, shown, open }: { ranked: Dashboard['consumption']['clinics']; shown: number; open: Open }) {
  const total = ranked.reduce((a, c) => a + c.amount, 0);
  const rows = ranked.map((c, i) => ({ ...c, rank: i + 1 }));
  return (
    <>
      <Typography.Paragraph type="secondary" className="ranking-note" data-testid="consumption-rest-note" style={{ margin: '4px 0' }}>
        图中只画前 {shown} 个{shown < TOP_CLINICS ? '有用药的' : ''}村卫生室，其余 {ranked.length - shown} 个卫生室见下表（点表头排序，点一行看明细）。
      </Typography.Paragraph>
      <Table
        size="small"
        rowKey="clinicId"
        className="consumption-ranking"
        pagination={false}
        scroll={{ y: 220 }}
        dataSource={rows}
        onRow={(c) => ({ onClick: () => open({ figure: 'consumption', clinicId: c.clinicId }), style: { cursor: 'pointer' } })}
        columns={[
          { title: '名次', dataIndex: 'rank', width: 52 },
          {
            title: '村卫生室',
            key: 'c',
            sorter: (a, b) => a.clinicCode.localeCompare(b.clinicCode),
            render: (_, c) => (
              <span>
                {c.rank <= shown && <span className="line-dot" title="图中的线" style={{ background: lineColor(c.rank - 1) }} />}
                {c.clinicName}
              </span>
            ),
          },
          {
            title: '用药金额',
            dataIndex: 'amount',
            align: 'right',
            width: 104,
            sorter: (a, b) => a.amount - b.amount,
            defaultSortOrder: 'descend',
            render: (a: number) => <Money fen={a} />,
          },
          { title: '占比', key: 'share', align: 'right', width: 60, render: (_, c) => pctText(pct(c.amount, total)) },
        ]}
      />
    </>
  );
}

/** 温湿度记录 per clinic: missed and out-of-range readings; each month and area opens its 温湿度记录表. */
function StorageLogCard({ log }: { log: Dashboard['storageLog'] }) {
  const count = (n: number) => (n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : n);
  return (
    <Card
      size="small"
      title="温湿度记录（各村卫生室）"
      extra={<Typography.Text type="secondary">超出范围与缺记的次数；展开一行查看各月各储存区的记录表</Typography.Text>}
    >
      <Table
        size="small"
        rowKey="clinicId"
        pagination={false}
        dataSource={log.clinics}
        scroll={{ x: 520 }}
        locale={{ emptyText: '没有村卫生室' }}
        expandable={{
          rowExpandable: (c) => c.areaCount > 0,
          expandedRowRender: (c) => (
            <Table
              size="small"
              rowKey={(r) => `${r.period}-${r.areaId}`}
              pagination={false}
              dataSource={c.months.flatMap((m) => m.areas.map((a) => ({ period: m.period, ...a })))}
              columns={[
                { title: '月份', dataIndex: 'period' },
                { title: '储存区', dataIndex: 'areaName' },
                { title: '超出范围', dataIndex: 'outOfRange', align: 'right', render: count },
                { title: '缺记', dataIndex: 'missed', align: 'right', render: count },
                { title: '', key: 'open', render: (_, r) => <Link to={`/print/env-log/${r.areaId}/${r.period}`}>记录表</Link> },
              ]}
            />
          ),
        }}
        columns={[
          { title: '村卫生室', key: 'c', render: (_, c) => `${c.clinicCode} ${c.clinicName}` },
          {
            title: '冷藏柜',
            key: 'f',
            render: (_, c) => (c.hasFridge ? '有' : <Tag color="orange">没有启用的冷藏柜</Tag>),
          },
          { title: '储存区', dataIndex: 'areaCount', align: 'right' },
          { title: '超出范围', dataIndex: 'outOfRange', align: 'right', render: count },
          { title: '缺记', dataIndex: 'missed', align: 'right', render: count },
        ]}
      />
    </Card>
  );
}
