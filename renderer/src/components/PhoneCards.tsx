import type { Key, ReactNode } from 'react';
import { Card, Empty, Grid, List, Pagination, Space, Typography } from 'antd';

/**
 * A phone is narrower than the md breakpoint (768 px): lists become cards there, because a table that fits
 * only by scrolling sideways hides the figures a village doctor came for.
 */
export function usePhone(): boolean {
  return !Grid.useBreakpoint().md;
}

/** One figure on a card: its label as the table column says it, and its value. Null values are left out. */
export type CardField = [label: string, value: ReactNode];

export interface PhoneCard {
  title: ReactNode;
  /** Tags or a status beside the title. */
  tags?: ReactNode;
  fields: CardField[];
  /** Below the figures: lots, actions, notes. */
  footer?: ReactNode;
}

/**
 * Rows of a list as cards that fit a 390 px phone: the same figures the desktop table shows, labelled,
 * wrapping instead of scrolling. Shared by the clinic screens (库存, 台账, 配送单, 盘点明细).
 */
export function PhoneCards<T>({
  rows,
  rowKey,
  card,
  loading,
  emptyText = '暂无数据',
  page,
}: {
  rows: T[] | undefined;
  rowKey: (row: T) => Key;
  card: (row: T) => PhoneCard;
  loading?: boolean;
  emptyText?: string;
  page?: { current: number; pageSize: number; total: number | undefined; onChange(page: number): void };
}) {
  return (
    <>
      <List<T>
        loading={loading}
        dataSource={rows}
        locale={{ emptyText: <Empty description={emptyText} /> }}
        renderItem={(row) => {
          const c = card(row);
          return (
            <List.Item key={rowKey(row)} style={{ padding: '4px 0', border: 0 }}>
              <Card size="small" className="phone-card">
                <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                  <Space wrap size={6}>
                    <Typography.Text strong>{c.title}</Typography.Text>
                    {c.tags}
                  </Space>
                  <dl className="phone-card-fields">
                    {c.fields
                      .filter(([, value]) => value !== null && value !== undefined && value !== '')
                      .map(([label, value]) => (
                        <div key={label}>
                          <dt>{label}</dt>
                          <dd>{value}</dd>
                        </div>
                      ))}
                  </dl>
                  {c.footer}
                </Space>
              </Card>
            </List.Item>
          );
        }}
      />
      {page && (
        <Pagination
          simple
          style={{ marginTop: 8 }}
          current={page.current}
          pageSize={page.pageSize}
          total={page.total ?? 0}
          hideOnSinglePage
          onChange={page.onChange}
        />
      )}
    </>
  );
}
