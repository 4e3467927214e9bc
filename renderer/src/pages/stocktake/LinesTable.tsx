import { Popover, Space, Table, Tag, Typography } from 'antd';
import { HistoryOutlined, SwapOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { z } from 'zod';
import type { stocktakeDetail } from '../../../../shared/contract/stocktake';
import { MOVEMENT_LABELS } from '../../../../shared/stock';
import { VARIANCE_REASON_LABELS } from '../../../../shared/stocktake';
import { BookHidden, DrugName, Money, Qty, formatDateTime } from '../../components/format';
import { VarianceQty } from './labels';
import { PhoneCards, usePhone } from '../../components/PhoneCards';

type Detail = z.infer<typeof stocktakeDetail>;
export type Line = Detail['lines'][number];

/** Rows of the ledger that moved the lot between the start of the count and the entry of this line. */
export function MovementsDuring({ line }: { line: Line }) {
  if (!line.movements || line.movements.length === 0) return null;
  const net = line.movements.reduce((n, m) => n + m.qty, 0);
  return (
    <Popover
      title="盘点开始后、录入前的收发（已计入录入时账面）"
      content={
        <Table
          size="small"
          pagination={false}
          rowKey="ledgerId"
          dataSource={line.movements}
          columns={[
            { title: '时间', dataIndex: 'createdAt', render: (t: string) => formatDateTime(t) },
            { title: '业务', dataIndex: 'movement', render: (m: keyof typeof MOVEMENT_LABELS) => MOVEMENT_LABELS[m] },
            { title: '数量', dataIndex: 'qty', align: 'right', render: (q: number) => <Qty qty={q} drug={line} /> },
            { title: '经办', dataIndex: 'userName' },
          ]}
        />
      }
    >
      <Tag icon={<SwapOutlined />} color="blue" style={{ cursor: 'pointer' }}>
        期间收发 <Qty qty={net} drug={line} />
      </Tag>
    </Popover>
  );
}

/** Every count entered for a line, oldest first: corrections and recounts included. */
export function CountHistory({ line }: { line: Line }) {
  if (line.counts.length <= 1) return null;
  return (
    <Popover
      title="全部录入记录（均保留，不覆盖）"
      content={
        <Table
          size="small"
          pagination={false}
          rowKey="id"
          dataSource={line.counts}
          columns={[
            { title: '录入时间', dataIndex: 'countedAt', render: (t: string) => formatDateTime(t) },
            { title: '盘点人', dataIndex: 'countedByName' },
            { title: '实盘', dataIndex: 'countedQty', align: 'right', render: (q: number) => <Qty qty={q} drug={line} /> },
            { title: '录入时账面', dataIndex: 'bookQty', align: 'right', render: (q: number | null) => <Qty qty={q} drug={line} /> },
            {
              title: '',
              key: 'why',
              render: (_, c) =>
                c.superseded === 'recount' ? (
                  <Typography.Text type="warning">退回复盘：{c.recountReason}</Typography.Text>
                ) : c.superseded === 'correction' ? (
                  <Typography.Text type="secondary">盘点人改数</Typography.Text>
                ) : (
                  <Typography.Text type="success">当前</Typography.Text>
                ),
            },
            { title: '备注', dataIndex: 'note' },
          ]}
        />
      }
    >
      <Tag icon={<HistoryOutlined />} style={{ cursor: 'pointer' }}>
        录入 {line.counts.length} 次
      </Tag>
    </Popover>
  );
}

const STATUS_TEXT = { pending: <Tag>未录入</Tag>, counted: <Tag color="green">已录入</Tag>, recount: <Tag color="orange">需复盘</Tag> };

/**
 * The lines of a stocktake, read-only: book at the start and at entry, count, variance and its value, the
 * reason, and the history behind each figure. `extra` adds columns (the reviewer's reason inputs).
 */
export function LinesTable({
  st,
  extra,
  rowSelection,
}: {
  st: Detail;
  extra?: { title: string; render: (l: Line) => ReactNode; width?: number }[];
  rowSelection?: object;
}) {
  const showBook = st.bookVisible;
  const phone = usePhone();
  const reasonText = (l: Line) => (l.reasonCode ? `${VARIANCE_REASON_LABELS[l.reasonCode]}${l.reasonNote ? `：${l.reasonNote}` : ''}` : '');
  // The reviewer's selection needs the table's checkboxes; every other view of the lines fits a phone as cards.
  if (phone && !rowSelection)
    return (
      <PhoneCards<Line>
        rows={st.lines}
        rowKey={(l) => l.id}
        card={(l) => ({
          title: (
            <>
              {l.lineNo}. <DrugName name={l.drugName} spec={l.spec} />
            </>
          ),
          tags: (
            <>
              {l.origin === 'found' && <Tag color="cyan">账外批次</Tag>}
              {l.status === 'pending' ? STATUS_TEXT.pending : l.status === 'recount' ? STATUS_TEXT.recount : null}
            </>
          ),
          fields: [
            ['批号', l.batchNo],
            ['效期', l.expiryDate],
            ...(showBook
              ? ([
                  [
                    '账面（录入时）',
                    l.bookQtyAtStart === null ? <BookHidden key="b" /> : <Qty key="b" qty={l.status === 'pending' ? l.bookQtyAtStart : l.bookQty} drug={l} />,
                  ],
                ] as [string, ReactNode][])
              : []),
            ['实盘', l.status === 'pending' ? null : <Qty key="c" qty={l.countedQty} drug={l} />],
            ...(showBook
              ? ([
                  ['差异', <VarianceQty key="v" qty={l.variance} drug={l} />],
                  ['差异金额（元）', l.variance ? <Money key="a" fen={l.varianceAmount} /> : null],
                ] as [string, ReactNode][])
              : []),
            ['盘点人', l.countedByName],
            ...(extra ?? []).map((c) => [c.title, c.render(l)] as [string, ReactNode]),
            ['差异原因', st.status === 'approved' ? reasonText(l) : null],
            ['备注', st.status === 'approved' || showBook ? null : l.note],
          ],
          footer:
            (showBook && l.movements?.length) || l.counts.length > 1 ? (
              <Space size={4} wrap>
                {showBook && <MovementsDuring line={l} />}
                <CountHistory line={l} />
              </Space>
            ) : null,
        })}
      />
    );
  return (
    <Table<Line>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={st.lines}
      scroll={{ x: 'max-content' }}
      rowSelection={rowSelection}
      rowClassName={(l) => (l.variance ? 'variance-row' : '')}
      columns={[
        { title: '行', dataIndex: 'lineNo', width: 44, fixed: 'left' },
        {
          title: '药品 / 批号',
          key: 'drug',
          width: 220,
          fixed: 'left',
          render: (_, l) => (
            <Space orientation="vertical" size={0}>
              <DrugName name={l.drugName} spec={l.spec} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                批号 {l.batchNo} · 效期 {l.expiryDate}
                {l.origin === 'found' && (
                  <Tag color="cyan" style={{ marginLeft: 4 }}>
                    账外批次
                  </Tag>
                )}
              </Typography.Text>
            </Space>
          ),
        },
        ...(showBook
          ? [
              {
                title: '账面（录入时）',
                key: 'book',
                width: 130,
                align: 'right' as const,
                // A line with no book figure on a visible sheet: a drug of this store under the caller's blind count now.
                render: (_: unknown, l: Line) =>
                  l.bookQtyAtStart === null ? (
                    <BookHidden />
                  ) : (
                    <Space orientation="vertical" size={2} align="end">
                      {l.status === 'pending' ? <Qty qty={l.bookQtyAtStart} drug={l} /> : <Qty qty={l.bookQty} drug={l} />}
                      {l.bookQty !== null && l.bookQtyAtStart !== l.bookQty && (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          开始时 <Qty qty={l.bookQtyAtStart} drug={l} />
                        </Typography.Text>
                      )}
                      <MovementsDuring line={l} />
                    </Space>
                  ),
              },
            ]
          : []),
        {
          title: '实盘',
          key: 'counted',
          width: 120,
          align: 'right',
          render: (_, l) =>
            l.status === 'pending' ? (
              STATUS_TEXT.pending
            ) : (
              <Space orientation="vertical" size={2} align="end">
                <Qty qty={l.countedQty} drug={l} />
                {l.status === 'recount' && STATUS_TEXT.recount}
                <CountHistory line={l} />
              </Space>
            ),
        },
        ...(showBook
          ? [
              {
                title: '差异',
                key: 'variance',
                width: 110,
                align: 'right' as const,
                render: (_: unknown, l: Line) => <VarianceQty qty={l.variance} drug={l} />,
              },
              {
                title: '差异金额（元）',
                key: 'amount',
                width: 100,
                align: 'right' as const,
                render: (_: unknown, l: Line) => (l.variance ? <Money fen={l.varianceAmount} /> : ''),
              },
            ]
          : []),
        {
          title: '盘点人',
          key: 'who',
          width: 90,
          render: (_, l) => (l.countedByName ? <span title={formatDateTime(l.countedAt)}>{l.countedByName}</span> : ''),
        },
        ...(extra ?? []).map((c) => ({ title: c.title, key: c.title, width: c.width, render: (_: unknown, l: Line) => c.render(l) })),
        ...(st.status === 'approved'
          ? [
              {
                title: '差异原因',
                key: 'reason',
                render: (_: unknown, l: Line) => reasonText(l),
              },
            ]
          : []),
        ...(st.status === 'approved' || showBook ? [] : [{ title: '备注', key: 'note', render: (_: unknown, l: Line) => l.note ?? '' }]),
      ]}
    />
  );
}
