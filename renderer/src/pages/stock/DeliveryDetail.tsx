import { useState } from 'react';
import { useCan } from '../../app/access';
import { useNavigate } from 'react-router';
import { PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Drawer, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { DrugName, Money, Qty, StatusTag, formatDateTime } from '../../components/format';
import { PhoneCards, usePhone } from '../../components/PhoneCards';
import { usePageShortcut, useShortcutTitle } from '../../app/shortcuts';

/** One delivery note: lines with lots, what the clinic signed for, and the hub's handling of any shortfall. */
export function DeliveryDetailDrawer({ id, onClose }: { id: number | null; onClose(): void }) {
  const navigate = useNavigate();
  const delivery = useApiQuery('deliveries.get', { id: id! }, { enabled: id !== null });
  const [notes, setNotes] = useState<Record<number, string>>({});
  const resolve = useApiMutation('deliveries.resolve', { success: '差异已处理' });
  const d = delivery.data;
  const hub = useCan('deliveries.resolve');
  const phone = usePhone();
  const printTitle = useShortcutTitle('print');
  usePageShortcut('print', '打印配送单（打开的配送单）', () => d && navigate(`/print/delivery/${d.id}`), id !== null && Boolean(d));
  type Line = NonNullable<typeof d>['lines'][number];
  const drugCell = (l: Line) => (
    <>
      <DrugName name={l.drugName} spec={l.spec} manufacturer={l.manufacturer} />
      {l.storageOverride && (
        <div>
          <Tag color="orange">贮藏条件不符仍配送</Tag>
          {l.storageOverride.reason}（{l.storageOverride.byName}）
        </div>
      )}
    </>
  );
  const receivedCell = (l: Line) =>
    l.receivedQty === null ? (
      <Typography.Text type="secondary">待签收</Typography.Text>
    ) : l.receivedQty < l.qty ? (
      <Typography.Text type="danger">
        <Qty qty={l.receivedQty} drug={l} />
      </Typography.Text>
    ) : (
      <Qty qty={l.receivedQty} drug={l} />
    );
  const diffCell = (l: Line) =>
    d && l.receivedQty !== null && l.receivedQty < l.qty ? (
      <Space orientation="vertical" size={2}>
        <span>
          少 <Qty qty={l.qty - l.receivedQty} drug={l} />：{l.discrepancyReason}
        </span>
        {l.resolution ? (
          <Tag color="cyan">
            {l.resolution === 'returned_to_hub' ? '已退回中心库' : '已报损'}：{l.resolutionNote}
          </Tag>
        ) : hub ? (
          <Space.Compact>
            <Input
              size="small"
              placeholder="处理说明"
              value={notes[l.id] ?? ''}
              onChange={(e) => setNotes({ ...notes, [l.id]: e.target.value })}
              style={{ width: 140 }}
            />
            <Button
              size="small"
              disabled={!notes[l.id]?.trim()}
              onClick={() => resolve.mutate({ id: d.id, lineId: l.id, resolution: 'returned_to_hub', note: notes[l.id] })}
            >
              退回中心库
            </Button>
            <Popconfirm
              title="差异部分作为在途损失报损？"
              onConfirm={() => resolve.mutate({ id: d.id, lineId: l.id, resolution: 'written_off', note: notes[l.id] })}
            >
              <Button size="small" danger disabled={!notes[l.id]?.trim()}>
                报损
              </Button>
            </Popconfirm>
          </Space.Compact>
        ) : (
          <Tag color="orange">等待中心库处理</Tag>
        )}
      </Space>
    ) : null;
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      title={d ? `配送单 ${d.docNo}` : '配送单'}
      size={phone ? '100%' : 1000}
      extra={
        d && (
          <Button icon={<PrinterOutlined />} onClick={() => navigate(`/print/delivery/${d.id}`)} title={printTitle}>
            打印配送单
          </Button>
        )
      }
    >
      {d && (
        <>
          <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label="村卫生室">{d.clinicName}</Descriptions.Item>
            <Descriptions.Item label="出库日期">{d.businessDate}</Descriptions.Item>
            <Descriptions.Item label="状态">
              <StatusTag status={d.status} />
            </Descriptions.Item>
            <Descriptions.Item label="金额">
              <Money fen={d.totalAmount} prefix strong />
            </Descriptions.Item>
            <Descriptions.Item label="出库人">{d.createdByName}</Descriptions.Item>
            <Descriptions.Item label="签收">{d.signedByName ? `${d.signedByName} ${formatDateTime(d.signedAt)}` : '未签收'}</Descriptions.Item>
            {d.note && <Descriptions.Item label="备注">{d.note}</Descriptions.Item>}
            {d.signNote && <Descriptions.Item label="签收备注">{d.signNote}</Descriptions.Item>}
          </Descriptions>
          {d.status === 'discrepancy' && (
            <Alert
              style={{ marginTop: 12 }}
              type="warning"
              showIcon
              title="村卫生室签收时数量有差异，差异部分仍在途，需中心库处理：退回中心库或作为在途损失报损。"
            />
          )}
          {phone ? (
            <div style={{ marginTop: 12 }}>
              <PhoneCards
                rows={d.lines}
                rowKey={(l) => l.id}
                card={(l) => ({
                  title: drugCell(l),
                  fields: [
                    ['批号', l.batchNo],
                    ['有效期至', l.expiryDate],
                    ['配送', <Qty key="q" qty={l.qty} drug={l} />],
                    ['实收', receivedCell(l)],
                    ['金额（元）', <Money key="a" fen={l.amount} />],
                  ],
                  footer: diffCell(l),
                })}
              />
            </div>
          ) : (
            <Table
              style={{ marginTop: 16 }}
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={d.lines}
              scroll={{ x: 800 }}
              columns={[
                { title: '药品', key: 'drug', render: (_, l) => drugCell(l) },
                { title: '批号', dataIndex: 'batchNo' },
                { title: '有效期至', dataIndex: 'expiryDate' },
                { title: '配送', dataIndex: 'qty', align: 'right', render: (q: number, l) => <Qty qty={q} drug={l} /> },
                { title: '实收', dataIndex: 'receivedQty', align: 'right', render: (_: number | null, l) => receivedCell(l) },
                { title: '金额', dataIndex: 'amount', align: 'right', render: (a: number) => <Money fen={a} /> },
                { title: '差异', key: 'diff', render: (_, l) => diffCell(l) },
              ]}
            />
          )}
        </>
      )}
    </Drawer>
  );
}
