import { useState } from 'react';
import { Link } from 'react-router';
import { Button, Input, Segmented, Space, Table, Tag, Typography } from 'antd';
import type { z } from 'zod';
import type { onHandRow } from '../../../../shared/contract/stock';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { StoreSelect } from '../../components/StoreSelect';
import { BookHidden, DrugName, Money, Qty } from '../../components/format';
import { useSession } from '../../stores/session';
import { PhoneCards, usePhone } from '../../components/PhoneCards';
import { LotActionModal, type LotAction, type LotActionTarget } from './LotActionModal';
import { formatFen } from '../../../../shared/money';
import { DENSE_LIST } from '../../components/denseTable';
import { ON_HAND_FILTER_LABELS, type OnHandFilter } from '../../../../shared/stock';
import { ListOutput } from '../../components/ListOutput';
import { isOptionalId, oneOf, useRememberedState } from '../../components/useRememberedState';
import { call } from '../../api/client';

type Row = z.infer<typeof onHandRow>;
type Filter = OnHandFilter;
const ON_HAND_FILTERS = Object.keys(ON_HAND_FILTER_LABELS) as OnHandFilter[];

/** Why a drug needs a look: blind count, expired or near-expiry quantity, below its minimum, out of stock. */
function StockFlags({ r }: { r: Row }) {
  return (
    <Space size={4} wrap>
      {r.bookHidden && <Tag>盲盘中</Tag>}
      {(r.expiredQty ?? 0) > 0 && (
        <Tag color="red">
          过期 <Qty qty={r.expiredQty} drug={r} />
        </Tag>
      )}
      {(r.nearExpiryQty ?? 0) > 0 && (
        <Tag color="orange">
          近效期 <Qty qty={r.nearExpiryQty} drug={r} />
        </Tag>
      )}
      {r.belowMin && <Tag color="gold">低于下限</Tag>}
      {r.qty === 0 && <Tag color="red">缺货</Tag>}
    </Space>
  );
}

/** Stock on hand at one store, by drug, with its lots and expiry. */
export default function OnHandPage() {
  const user = useSession((s) => s.user)!;
  const [storeId, setStoreId] = useRememberedState<number | undefined>('stock.onHand', 'store', undefined, isOptionalId);
  const [filter, setFilter] = useRememberedState<Filter>('stock.onHand', 'filter', 'in_stock', oneOf(ON_HAND_FILTERS));
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const stock = useApiQuery('stock.onHand', { storeId: storeId!, filter, q: q || undefined, page, pageSize: 50 }, { enabled: storeId !== undefined });
  const stores = useApiQuery('stock.stores', {});
  const store = stores.data?.find((st) => st.id === storeId);
  const [action, setAction] = useState<LotActionTarget | null>(null);
  const canAct = user.role !== 'finance';
  const phone = usePhone();
  const actionsFor = (): { action: LotAction; label: string }[] => {
    if (!store || !canAct) return [];
    if (store.kind === 'hub')
      return user.role === 'village_doctor'
        ? []
        : [
            { action: 'writeoff', label: '报损' },
            { action: 'return_to_supplier', label: '退配送企业' },
          ];
    return [
      { action: 'writeoff', label: '报损' },
      { action: 'return_to_hub', label: '退回中心库' },
    ];
  };

  return (
    <Page
      title={user.role === 'village_doctor' ? '本室库存' : '库存查询'}
      subTitle={
        stock.data
          ? `共 ${stock.data.total} 种药品，${stock.data.totalValue === null ? '有药品正在盲盘：库存金额审核后可见' : `库存金额 ¥${formatFen(stock.data.totalValue)}`}`
          : undefined
      }
      extra={
        <>
          <StoreSelect
            value={storeId}
            onChange={(id) => {
              setStoreId(id);
              setPage(1);
            }}
          />
          <Input.Search
            placeholder="药品名称、医保编码或厂家"
            allowClear
            onSearch={(v) => {
              setQ(v);
              setPage(1);
            }}
            style={{ width: 240 }}
          />
          <ListOutput
            disabled={storeId === undefined}
            exportFile={() => call('stock.onHandExport', { storeId: storeId!, filter, q: q || undefined })}
            printTo={`/print/on-hand?store=${storeId}&filter=${filter}${q ? `&q=${encodeURIComponent(q)}` : ''}`}
          />
        </>
      }
    >
      <Segmented<Filter>
        className="segmented-wrap"
        style={{ marginBottom: 12 }}
        value={filter}
        onChange={(v) => {
          setFilter(v);
          setPage(1);
        }}
        options={ON_HAND_FILTERS.map((value) => ({ value, label: ON_HAND_FILTER_LABELS[value] }))}
      />
      {phone ? (
        <PhoneCards<Row>
          rows={stock.data?.rows}
          rowKey={(r) => r.drugId}
          loading={stock.isLoading}
          emptyText="没有符合条件的药品"
          page={{ current: page, pageSize: 50, total: stock.data?.total, onChange: setPage }}
          card={(r) => ({
            title: `${r.genericName} ${r.spec}`,
            tags: <StockFlags r={r} />,
            fields: [
              ['库存', r.bookHidden ? <BookHidden key="q" /> : <Qty key="q" qty={r.qty} drug={r} showBase />],
              ['金额（元）', r.bookHidden ? null : <Money key="v" fen={r.value} />],
              ['最早效期', r.earliestExpiry],
              ['下限', r.minQty === null ? null : <Qty key="m" qty={r.minQty} drug={r} />],
              ['厂家', r.manufacturer],
            ],
            footer: (
              <>
                {r.lots.map((lot) => (
                  <div key={lot.lotId} className="phone-card-lot">
                    <span>
                      批号 {lot.batchNo} · 有效期至 {lot.expiryDate} · <Qty qty={lot.qty} drug={r} />
                    </span>
                    {lot.expired && <Tag color="red">已过期</Tag>}
                    {lot.nearExpiry && <Tag color="orange">近效期</Tag>}
                    {actionsFor().map((a) => (
                      <Button key={a.action} size="small" onClick={() => store && setAction({ action: a.action, store, lot, drug: r })}>
                        {a.label}
                      </Button>
                    ))}
                  </div>
                ))}
                {!r.bookHidden && <Link to={`/stock/card?store=${storeId}&drug=${r.drugId}`}>库存台账</Link>}
              </>
            ),
          })}
        />
      ) : (
        <Table<Row>
          rowKey="drugId"
          {...DENSE_LIST}
          loading={stock.isLoading}
          dataSource={stock.data?.rows}
          scroll={{ x: 900 }}
          pagination={{ current: page, pageSize: 50, total: stock.data?.total, onChange: setPage, showTotal: (t) => `共 ${t} 种` }}
          expandable={{
            rowExpandable: (r) => r.lots.length > 0,
            expandedRowRender: (r) => (
              <Table
                rowKey="lotId"
                size="small"
                pagination={false}
                dataSource={r.lots}
                columns={[
                  { title: '批号', dataIndex: 'batchNo' },
                  { title: '生产日期', dataIndex: 'mfgDate' },
                  {
                    title: '有效期至',
                    dataIndex: 'expiryDate',
                    render: (d: string, l) => (
                      <Space>
                        {d}
                        {l.expired && <Tag color="red">已过期</Tag>}
                        {l.nearExpiry && <Tag color="orange">近效期</Tag>}
                      </Space>
                    ),
                  },
                  { title: '数量', dataIndex: 'qty', align: 'right', render: (q: number) => <Qty qty={q} drug={r} showBase /> },
                  { title: '金额（元）', dataIndex: 'value', align: 'right', render: (v: number) => <Money fen={v} /> },
                  { title: '来源', dataIndex: 'supplierName', responsive: ['lg'] },
                  {
                    title: '',
                    key: 'ops',
                    render: (_, lot) => (
                      <Space size={0}>
                        {actionsFor().map((a) => (
                          <Button key={a.action} type="link" size="small" onClick={() => store && setAction({ action: a.action, store, lot, drug: r })}>
                            {a.label}
                          </Button>
                        ))}
                      </Space>
                    ),
                  },
                ]}
              />
            ),
          }}
          columns={[
            {
              title: '药品',
              key: 'drug',
              render: (_, r) => (
                <Space orientation="vertical" size={0}>
                  <DrugName name={r.genericName} spec={r.spec} manufacturer={r.manufacturer} />
                  <Space size={4}>
                    {r.vbp && <Tag color="magenta">集采</Tag>}
                    {r.insuranceClass !== 'none' && <Tag color="blue">医保{r.insuranceClass === 'A' ? '甲' : '乙'}</Tag>}
                  </Space>
                </Space>
              ),
            },
            { title: '医保编码', dataIndex: 'nhsaCode', width: 180, ellipsis: true, responsive: ['lg'] },
            {
              title: '库存',
              dataIndex: 'qty',
              align: 'right',
              width: 150,
              render: (q: number | null, r) => (r.bookHidden ? <BookHidden /> : <Qty qty={q} drug={r} showBase />),
              onCell: (r) => (r.bookHidden ? { colSpan: 2 } : {}),
            },
            {
              title: '金额（元）',
              dataIndex: 'value',
              align: 'right',
              width: 120,
              render: (v: number | null) => <Money fen={v} />,
              onCell: (r) => (r.bookHidden ? { colSpan: 0 } : {}),
            },
            {
              title: '下限',
              dataIndex: 'minQty',
              align: 'right',
              width: 110,
              render: (m: number | null, r) =>
                m === null ? (
                  ''
                ) : (
                  <Typography.Text type={r.belowMin ? 'danger' : undefined}>
                    <Qty qty={m} drug={r} />
                  </Typography.Text>
                ),
            },
            { title: '最早效期', dataIndex: 'earliestExpiry', width: 110 },
            {
              title: '提示',
              key: 'flags',
              width: 170,
              render: (_, r) => <StockFlags r={r} />,
            },
            {
              title: '',
              key: 'card',
              width: 80,
              render: (_, r) => (r.bookHidden ? null : <Link to={`/stock/card?store=${storeId}&drug=${r.drugId}`}>台账</Link>),
            },
          ]}
        />
      )}
      <LotActionModal target={action} onClose={() => setAction(null)} />
    </Page>
  );
}
