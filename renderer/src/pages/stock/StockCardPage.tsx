import { useSearchParams } from 'react-router';
import { Alert, DatePicker, Descriptions, Empty, Table, Tag, Typography } from 'antd';
import { DrugPicker } from '../../components/DrugPicker';
import dayjs from 'dayjs';
import { ledgerDocText, MOVEMENT_LABELS, type Movement } from '../../../../shared/stock';
import { useApiQuery } from '../../api/hooks';
import { Page } from '../../components/Page';
import { StoreSelect } from '../../components/StoreSelect';
import { Money, Qty } from '../../components/format';
import { toIsoDate } from '../../components/dates';
import { hubMonth, hubToday } from '../../components/hubClock';
import { PhoneCards, usePhone } from '../../components/PhoneCards';
import { DENSE_LIST } from '../../components/denseTable';
import { ListOutput } from '../../components/ListOutput';
import { isDateRange, isOptionalId, useRememberedState } from '../../components/useRememberedState';
import { call } from '../../api/client';

/** From the first of a month to its last day, or to today in the current month. */
function monthRange(m: dayjs.Dayjs): [string, string] {
  const today = hubToday();
  const end = m.endOf('month');
  return [toIsoDate(m.startOf('month'))!, end.isAfter(dayjs(today)) ? today : toIsoDate(end)!];
}

/** The stock card (库存卡): every movement of one drug at one store, with the running balance. */
export default function StockCardPage() {
  const [params, setParams] = useSearchParams();
  // The 库房 and date range last chosen here come back on the next visit; a link's own store wins.
  const [lastStore, setLastStore] = useRememberedState<number | undefined>('stock.card', 'store', undefined, isOptionalId);
  const storeId = params.get('store') ? Number(params.get('store')) : lastStore;
  const drugId = params.get('drug') ? Number(params.get('drug')) : undefined;
  const [range, setRange] = useRememberedState<[string, string]>('stock.card', 'range', [`${hubMonth()}-01`, hubToday()], isDateRange);
  const set = (key: string, value: number | undefined) => {
    if (key === 'store') setLastStore(value);
    const next = new URLSearchParams(params);
    if (value === undefined) next.delete(key);
    else next.set(key, String(value));
    setParams(next, { replace: true });
  };
  const card = useApiQuery(
    'stock.card',
    { storeId: storeId!, drugId: drugId!, from: range[0], to: range[1] },
    { enabled: storeId !== undefined && drugId !== undefined },
  );
  const c = card.data;
  const phone = usePhone();
  const movementText = (r: NonNullable<typeof c>['rows'][number]) => (
    <>
      {MOVEMENT_LABELS[r.movement as Movement]}
      {r.reversesId && <Tag color="default">冲销</Tag>}
      {r.reversed && <Tag color="default">已冲销</Tag>}
    </>
  );

  return (
    <Page
      title="库存台账"
      subTitle="一个库房一种药品的每一笔收发与结存"
      extra={
        <>
          <StoreSelect value={storeId} onChange={(id) => set('store', id)} />
          <div style={{ width: phone ? 'min(300px, calc(100vw - 32px))' : 300 }}>
            <DrugPicker
              storeId={storeId}
              onSelect={(hit) => set('drug', hit.id)}
              placeholder={card.data ? `${card.data.drug.drugName} ${card.data.drug.spec}（换药品）` : '选择药品：拼音首字母或名称'}
            />
          </div>
          {phone ? (
            // A single month on a phone: the range picker's two calendars are wider than the screen.
            <DatePicker
              picker="month"
              value={dayjs(range[0])}
              onChange={(m) => m && setRange(monthRange(m))}
              allowClear={false}
              disabledDate={(d) => d.isAfter(dayjs(hubToday()), 'month')}
              inputReadOnly
              aria-label="月份"
            />
          ) : (
            <DatePicker.RangePicker
              value={[dayjs(range[0]), dayjs(range[1])]}
              onChange={(v) => v?.[0] && v[1] && setRange([toIsoDate(v[0])!, toIsoDate(v[1])!])}
              allowClear={false}
              aria-label="日期范围"
            />
          )}
          <ListOutput
            disabled={!c}
            exportFile={() => call('stock.cardExport', { storeId: storeId!, drugId: drugId!, from: range[0], to: range[1] })}
            printTo={`/print/stock-card?store=${storeId}&drug=${drugId}&from=${range[0]}&to=${range[1]}`}
          />
        </>
      }
    >
      {!drugId && <Empty description="选择库房和药品后显示台账" />}
      {c && (
        <>
          <Descriptions size="small" bordered column={{ xs: 1, md: 4 }} style={{ marginBottom: 12 }}>
            <Descriptions.Item label="药品">
              {c.drug.drugName} {c.drug.spec}
            </Descriptions.Item>
            <Descriptions.Item label="医保编码">{c.drug.nhsaCode}</Descriptions.Item>
            <Descriptions.Item label="期初结存">
              <Qty qty={c.opening.qty} drug={c.drug} /> · <Money fen={c.opening.value} prefix />
            </Descriptions.Item>
            <Descriptions.Item label="期末结存">
              <Qty qty={c.closing.qty} drug={c.drug} /> · <Money fen={c.closing.value} prefix />
            </Descriptions.Item>
          </Descriptions>
          {c.truncated && <Alert type="warning" showIcon title="记录过多，只显示了前 2000 笔，请缩短日期范围。" style={{ marginBottom: 12 }} />}
          {phone ? (
            <PhoneCards
              rows={c.rows}
              rowKey={(r) => r.id}
              emptyText="这段时间没有收发"
              card={(r) => ({
                title: (
                  <>
                    {r.businessDate} {movementText(r)}
                  </>
                ),
                tags: r.backdated && <Tag color="orange">补录 {r.recordedOn.slice(5)}</Tag>,
                fields: [
                  ['单据', ledgerDocText(r.docType, r.docNo)],
                  ['批号', r.batchNo],
                  [r.qty > 0 ? '收入' : '发出', <Qty key="q" qty={Math.abs(r.qty)} drug={c.drug} />],
                  ['金额', <Money key="a" fen={r.amount} />],
                  [
                    '结存',
                    <Typography.Text key="b" strong>
                      <Qty qty={r.balanceQty} drug={c.drug} />
                    </Typography.Text>,
                  ],
                  ['结存金额', <Money key="v" fen={r.balanceValue} />],
                  ['经办人', r.userName],
                ],
              })}
            />
          ) : (
            <Table
              rowKey="id"
              {...DENSE_LIST}
              dataSource={c.rows}
              pagination={{ pageSize: 100, hideOnSinglePage: true }}
              scroll={{ x: 1000 }}
              columns={[
                {
                  title: '日期',
                  dataIndex: 'businessDate',
                  width: 110,
                  // 补录: booked on an earlier business date than the day it was recorded.
                  render: (d: string, r) => (
                    <>
                      {d}
                      {r.backdated && (
                        <Tag color="orange" style={{ marginLeft: 4 }} title={`业务日期 ${d}，${r.recordedOn} 记账`}>
                          补录 {r.recordedOn.slice(5)}
                        </Tag>
                      )}
                    </>
                  ),
                },
                {
                  title: '业务',
                  dataIndex: 'movement',
                  width: 140,
                  render: (_: Movement, r) => movementText(r),
                },
                { title: '单据', dataIndex: 'docNo', render: (d: string | null, r) => ledgerDocText(r.docType, d) },
                { title: '批号', dataIndex: 'batchNo' },
                {
                  title: '收入',
                  key: 'in',
                  align: 'right',
                  render: (_, r) => (r.qty > 0 ? <Qty qty={r.qty} drug={c.drug} /> : ''),
                },
                {
                  title: '发出',
                  key: 'out',
                  align: 'right',
                  render: (_, r) => (r.qty < 0 ? <Qty qty={-r.qty} drug={c.drug} /> : ''),
                },
                { title: '金额', dataIndex: 'amount', align: 'right', render: (a: number) => <Money fen={a} /> },
                {
                  title: '结存',
                  dataIndex: 'balanceQty',
                  align: 'right',
                  render: (q: number) => (
                    <Typography.Text strong>
                      <Qty qty={q} drug={c.drug} />
                    </Typography.Text>
                  ),
                },
                { title: '结存金额', dataIndex: 'balanceValue', align: 'right', render: (v: number) => <Money fen={v} /> },
                { title: '经办人', dataIndex: 'userName', width: 90 },
              ]}
            />
          )}
        </>
      )}
    </Page>
  );
}
