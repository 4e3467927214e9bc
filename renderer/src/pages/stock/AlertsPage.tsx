import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { App, Button, Card, Empty, Grid, Input, List, Pagination, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { ALERT_KIND, ALERT_KINDS, type Alert, type AlertKind } from './alertKinds';
import { useApiQuery } from '../../api/hooks';
import { call } from '../../api/client';
import { Page } from '../../components/Page';
import { Money, Qty } from '../../components/format';
import { downloadFile } from '../../components/download';
import { useSession } from '../../stores/session';
import { WatchListPanel } from './WatchListPanel';
import { useRememberedSearchParams } from '../../components/useRememberedState';

type Kind = AlertKind;
const KINDS = ALERT_KINDS;
const KIND = ALERT_KIND;
const PAGE_SIZE = 50;
const LEVEL_SOURCE = { set: '药库设定', suggested: '按用量建议', catalog: '目录上下限' } as const;

/**
 * The filters live in the address (?store=&kind=&q=&page=), so a workbench card opens exactly the view it
 * counts, and a view can be bookmarked or sent to a colleague.
 */
function useAlertFilters() {
  const { params, patchParams: set } = useRememberedSearchParams('stock-alerts');
  const storeId = params.get('store') ? Number(params.get('store')) : undefined;
  const kinds = (params.get('kind') ?? '').split(',').filter((k): k is Kind => (KINDS as string[]).includes(k));
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  return { storeId, kinds, q, page, set, tab: params.get('tab') ?? 'alerts' };
}

const levelText = (a: Alert) =>
  a.minQty === null ? (
    '—'
  ) : (
    <>
      <Qty qty={a.minQty} drug={a} />
      {a.maxQty !== null && (
        <>
          {' ~ '}
          <Qty qty={a.maxQty} drug={a} />
        </>
      )}
    </>
  );

/** One alert as a card: a phone shows everything without scrolling sideways. */
function AlertCard({ a, showStore }: { a: Alert; showStore: boolean }) {
  return (
    <Card size="small" className="alert-card">
      <Space orientation="vertical" size={2} style={{ width: '100%' }}>
        <Space wrap size={6}>
          <Tag color={KIND[a.kind].color}>{KIND[a.kind].label}</Tag>
          <Typography.Text strong>{a.drugName}</Typography.Text>
          <Typography.Text type="secondary">{a.spec}</Typography.Text>
        </Space>
        {showStore && <Typography.Text type="secondary">{a.storeName}</Typography.Text>}
        {a.batchNo ? (
          <Typography.Text>
            批号 {a.batchNo} · 有效期至 {a.expiryDate} · <Qty qty={a.qty} drug={a} />
          </Typography.Text>
        ) : (
          <Typography.Text>
            现有 <Qty qty={a.qty} drug={a} /> · 下限~上限 {levelText(a)}
            {a.refillQty !== null && a.refillQty > 0 && (
              <>
                {' '}
                · 建议补 <Qty qty={a.refillQty} drug={a} />
              </>
            )}
          </Typography.Text>
        )}
        <Link to={`/stock/card?store=${a.storeId}&drug=${a.drugId}`}>库存台账</Link>
      </Space>
    </Card>
  );
}

function AlertsList({ filters }: { filters: ReturnType<typeof useAlertFilters> }) {
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const { storeId, kinds, q, page, set } = filters;
  const [text, setText] = useState(q);
  // The remembered search comes back after the first render.
  useEffect(() => setText(q), [q]);
  const [exporting, setExporting] = useState(false);
  const navigate = useNavigate();
  const filter = { storeId, kinds: kinds.length ? kinds : undefined, q: q || undefined };
  const alerts = useApiQuery('stock.alerts', { ...filter, page, pageSize: PAGE_SIZE });
  const counts = alerts.data?.counts;
  const all = counts ? KINDS.reduce((n, k) => n + counts[k], 0) : 0;
  const showStore = storeId === undefined;

  async function exportExcel() {
    setExporting(true);
    try {
      const file = await call('stock.alertsExport', filter);
      downloadFile(file);
      message.success(`已导出 ${file.filename}`);
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setExporting(false);
    }
  }

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          // Six kinds and a combined one (a workbench card's view) are wider than a phone: they scroll in their row.
          style={{ maxWidth: 'calc(100vw - 24px)', overflowX: 'auto' }}
          value={kinds.length === 1 ? kinds[0] : kinds.length === 0 ? 'all' : 'some'}
          onChange={(v) => set({ kind: v === 'all' || v === 'some' ? undefined : v })}
          options={[
            { value: 'all', label: `全部 ${all}` },
            ...(kinds.length > 1 ? [{ value: 'some', label: `${kinds.map((k) => KIND[k].label).join('、')} ${alerts.data?.total ?? 0}` }] : []),
            ...KINDS.map((k) => ({ value: k, label: `${KIND[k].label} ${counts?.[k] ?? 0}` })),
          ]}
        />
        <Input.Search
          placeholder="药品名称或医保编码"
          allowClear
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => set({ q: v.trim() })}
          style={{ width: 220 }}
          aria-label="搜索药品"
        />
        <Button icon={<DownloadOutlined />} loading={exporting} onClick={exportExcel}>
          导出 Excel
        </Button>
        <Button icon={<PrinterOutlined />} onClick={() => navigate(`/print/alerts?${printQuery(filter)}`)}>
          打印
        </Button>
      </Space>
      {phone ? (
        <>
          <List<Alert>
            loading={alerts.isLoading}
            dataSource={alerts.data?.rows}
            locale={{ emptyText: <Empty description="没有预警" /> }}
            renderItem={(a) => (
              <List.Item key={`${a.kind}-${a.storeId}-${a.drugId}-${a.batchNo ?? ''}`} style={{ padding: '4px 0', border: 0 }}>
                <AlertCard a={a} showStore={showStore} />
              </List.Item>
            )}
          />
          <Pagination
            simple
            style={{ marginTop: 8 }}
            current={page}
            pageSize={PAGE_SIZE}
            total={alerts.data?.total ?? 0}
            hideOnSinglePage
            onChange={(p) => set({ page: p })}
          />
        </>
      ) : (
        <Table<Alert>
          rowKey={(a) => `${a.kind}-${a.storeId}-${a.drugId}-${a.batchNo ?? ''}`}
          size="small"
          loading={alerts.isLoading}
          dataSource={alerts.data?.rows}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: alerts.data?.total ?? 0,
            showSizeChanger: false,
            hideOnSinglePage: true,
            onChange: (p) => set({ page: p }),
          }}
          columns={[
            { title: '类型', dataIndex: 'kind', width: 90, render: (k: Kind) => <Tag color={KIND[k].color}>{KIND[k].label}</Tag> },
            ...(showStore ? [{ title: '库房', dataIndex: 'storeName', width: 150 }] : []),
            { title: '药品', key: 'drug', render: (_, a) => `${a.drugName} ${a.spec}` },
            { title: '批号', dataIndex: 'batchNo', width: 110 },
            { title: '有效期至', dataIndex: 'expiryDate', width: 100 },
            { title: '数量', dataIndex: 'qty', align: 'right', width: 110, render: (v: number, a) => <Qty qty={v} drug={a} /> },
            {
              title: '下限 ~ 上限',
              key: 'levels',
              align: 'right',
              width: 160,
              render: (_, a) =>
                a.batchNo ? (
                  ''
                ) : (
                  <span title={a.levelSource ? LEVEL_SOURCE[a.levelSource] : '没有上下限'}>
                    {levelText(a)}
                    {a.levelSource === 'suggested' && <Typography.Text type="secondary">（建议）</Typography.Text>}
                  </span>
                ),
            },
            {
              title: '建议补货',
              dataIndex: 'refillQty',
              align: 'right',
              width: 100,
              render: (v: number | null, a) => (v ? <Qty qty={v} drug={a} /> : ''),
            },
            { title: '金额', dataIndex: 'value', align: 'right', width: 100, render: (v: number, a) => (a.batchNo ? <Money fen={v} /> : '') },
            { title: '', key: 'card', width: 60, render: (_, a) => <Link to={`/stock/card?store=${a.storeId}&drug=${a.drugId}`}>台账</Link> },
          ]}
        />
      )}
    </>
  );
}

/**
 * 库存预警: expired and near-expiry lots wherever they lie, and the stock-outs and low levels of each store's
 * own 常用药 (what it used in the last 90 days, or the pharmacist added), paged, filtered, exported.
 */
export default function AlertsPage() {
  const user = useSession((s) => s.user)!;
  const doctor = user.role === 'village_doctor';
  const filters = useAlertFilters();
  const stores = useApiQuery('stock.stores', {});
  const ownStore = doctor ? stores.data?.find((s) => s.kind === 'clinic')?.id : undefined;
  const storeId = filters.storeId ?? ownStore;
  return (
    <Page
      title="库存预警"
      subTitle="过期与近效期（6 个月内）的批次；各库房常用药（近 90 天用过的，或药库加入的）的缺货与低于下限"
      extra={
        !doctor && (
          <Select
            style={{ width: 220 }}
            allowClear
            placeholder="全部库房"
            value={filters.storeId}
            onChange={(v) => filters.set({ store: v, tab: v === undefined ? undefined : filters.tab })}
            options={(stores.data ?? []).map((s) => ({ value: s.id, label: s.clinicCode ? `${s.clinicCode} ${s.name}` : s.name }))}
            showSearch={{ optionFilterProp: 'label' }}
            aria-label="库房"
          />
        )
      }
    >
      <Tabs
        activeKey={storeId === undefined ? 'alerts' : filters.tab}
        onChange={(tab) => filters.set({ tab: tab === 'alerts' ? undefined : tab })}
        items={[
          { key: 'alerts', label: '预警', children: <AlertsList filters={filters} /> },
          ...(storeId !== undefined
            ? [{ key: 'watch', label: '常用药与上下限', children: <WatchListPanel storeId={storeId} editable={!doctor && user.role !== 'finance'} /> }]
            : []),
        ]}
      />
    </Page>
  );
}

/** The printout's address for the filters on screen (AlertsPrint reads them back). */
function printQuery(f: { storeId?: number; kinds?: AlertKind[]; q?: string }): string {
  const p = new URLSearchParams();
  if (f.storeId !== undefined) p.set('store', String(f.storeId));
  if (f.kinds?.length) p.set('kind', f.kinds.join(','));
  if (f.q) p.set('q', f.q);
  return p.toString();
}
