import { useState } from 'react';
import { Button, Card, Checkbox, Empty, Form, Grid, Input, List, Modal, Pagination, Space, Table, Tag, Typography } from 'antd';
import type { z } from 'zod';
import type { watchRow } from '../../../../shared/contract/stock';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { Qty } from '../../components/format';
import { QtyInput } from '../../components/QtyInput';

type Watch = z.infer<typeof watchRow>;
const PAGE_SIZE = 50;
const LISTED_BY: Record<Watch['listedBy'], { label: string; color?: string }> = {
  used: { label: '近 90 天用过', color: 'blue' },
  added: { label: '药库加入', color: 'green' },
  catalog: { label: '目录设有下限', color: 'cyan' },
  removed: { label: '已移出' },
};

const levels = (w: Watch) =>
  w.minQty === null ? (
    <Typography.Text type="secondary">无</Typography.Text>
  ) : (
    <>
      <Qty qty={w.minQty} drug={w} /> ~ {w.maxQty === null ? '—' : <Qty qty={w.maxQty} drug={w} />}
      {w.levelSource === 'suggested' && <Typography.Text type="secondary">（建议）</Typography.Text>}
    </>
  );

/** The pharmacist's own 下限/上限 of one drug at one store; left empty, the suggestion from use applies. */
function WatchEditor({ storeId, row, onClose }: { storeId: number; row: Watch; onClose(): void }) {
  const [watched, setWatched] = useState(row.watched);
  const own = row.levelSource === 'set';
  const [minQty, setMin] = useState<number | null>(own ? row.minQty : null);
  const [maxQty, setMax] = useState<number | null>(own ? row.maxQty : null);
  const save = useApiMutation('stock.setWatch', { success: '已保存', onSuccess: onClose });
  const invalid = minQty !== null && maxQty !== null && minQty > maxQty;
  return (
    <Modal
      open
      title={`${row.drugName} ${row.spec}`}
      okText="保存"
      onCancel={onClose}
      okButtonProps={{ disabled: invalid, loading: save.isPending }}
      onOk={() => save.mutate({ storeId, drugId: row.drugId, watched, minQty, maxQty })}
    >
      <Form layout="vertical">
        <Form.Item>
          <Checkbox checked={watched} onChange={(e) => setWatched(e.target.checked)}>
            列为本库房常用药（预警看它的缺货与低于下限）
          </Checkbox>
        </Form.Item>
        <Typography.Paragraph type="secondary">
          近 90 天用量 <Qty qty={row.usedInWindow} drug={row} />
          {row.suggestedMin !== null && row.suggestedMax !== null ? (
            <>
              ，建议下限 <Qty qty={row.suggestedMin} drug={row} />
              （两周用量）、上限 <Qty qty={row.suggestedMax} drug={row} />
              （六周用量）。
            </>
          ) : (
            '，没有用量可据以建议。'
          )}
          留空则按建议。
        </Typography.Paragraph>
        <Form.Item label="下限" validateStatus={invalid ? 'error' : undefined} help={invalid ? '下限不能高于上限' : undefined}>
          <QtyInput drug={row} value={minQty} onChange={setMin} label="下限" />
        </Form.Item>
        <Form.Item label="上限">
          <QtyInput drug={row} value={maxQty} onChange={setMax} label="上限" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A store's 常用药: what it used lately or the pharmacist added, with suggested and effective levels. */
export function WatchListPanel({ storeId, editable }: { storeId: number; editable: boolean }) {
  const screens = Grid.useBreakpoint();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Watch | null>(null);
  const list = useApiQuery('stock.watchList', { storeId, q: q || undefined, page, pageSize: PAGE_SIZE });
  const edit = (w: Watch) =>
    editable ? (
      <Button size="small" onClick={() => setEditing(w)}>
        设置
      </Button>
    ) : null;
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          placeholder="药品名称或医保编码"
          allowClear
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          style={{ width: 220 }}
          aria-label="搜索常用药"
        />
        <Typography.Text type="secondary">
          共 {list.data?.total ?? 0} 种；上下限留空时按近 {list.data?.windowDays ?? 90} 天用量建议
        </Typography.Text>
      </Space>
      {!screens.md ? (
        <>
          <List<Watch>
            loading={list.isLoading}
            dataSource={list.data?.rows}
            locale={{ emptyText: <Empty description="近 90 天没有用过药品，也没有加入的常用药" /> }}
            renderItem={(w) => (
              <List.Item key={w.drugId} style={{ padding: '4px 0', border: 0 }}>
                <Card size="small" style={{ width: '100%' }}>
                  <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                    <Space wrap size={6}>
                      <Typography.Text strong>{w.drugName}</Typography.Text>
                      <Typography.Text type="secondary">{w.spec}</Typography.Text>
                      <Tag color={LISTED_BY[w.listedBy].color}>{LISTED_BY[w.listedBy].label}</Tag>
                    </Space>
                    <Typography.Text>
                      现有 {w.qty === null ? '—' : <Qty qty={w.qty} drug={w} />} · 90 天用 <Qty qty={w.usedInWindow} drug={w} />
                    </Typography.Text>
                    <Typography.Text>下限~上限 {levels(w)}</Typography.Text>
                    {edit(w)}
                  </Space>
                </Card>
              </List.Item>
            )}
          />
          <Pagination simple current={page} pageSize={PAGE_SIZE} total={list.data?.total ?? 0} hideOnSinglePage onChange={setPage} />
        </>
      ) : (
        <Table<Watch>
          rowKey="drugId"
          size="small"
          loading={list.isLoading}
          dataSource={list.data?.rows}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: list.data?.total ?? 0, hideOnSinglePage: true, showSizeChanger: false, onChange: setPage }}
          columns={[
            { title: '药品', key: 'drug', render: (_, w) => `${w.drugName} ${w.spec}` },
            { title: '清单', dataIndex: 'listedBy', width: 120, render: (v: Watch['listedBy']) => <Tag color={LISTED_BY[v].color}>{LISTED_BY[v].label}</Tag> },
            {
              title: '现有（未过期）',
              dataIndex: 'qty',
              align: 'right',
              width: 120,
              render: (v: number | null, w) => (v === null ? '—' : <Qty qty={v} drug={w} />),
            },
            { title: '近 90 天用量', dataIndex: 'usedInWindow', align: 'right', width: 120, render: (v: number, w) => <Qty qty={v} drug={w} /> },
            { title: '下限 ~ 上限', key: 'levels', align: 'right', width: 200, render: (_, w) => levels(w) },
            ...(editable ? [{ title: '', key: 'edit', width: 70, render: (_: unknown, w: Watch) => edit(w) }] : []),
          ]}
        />
      )}
      {editing && <WatchEditor storeId={storeId} row={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
