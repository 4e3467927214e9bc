import { useMemo, useState } from 'react';
import { Alert, Card, Empty, Grid, Input, List, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { StatementRow, StoreStatement } from '../../../../shared/contract/settlement';
import { formatFen } from '../../../../shared/money';
import { formatQty } from '../../../../shared/units';
import { BookHidden, DrugName, Money, Qty } from '../../components/format';
import { BOOK_HIDDEN_TEXT } from '../../../../shared/stocktake';

const qtyText = (q: number, r: StatementRow) => (q === 0 ? '' : formatQty(q, r.packSize, r.packUnit, r.baseUnit));

/** The month's money at a glance: opening, each column, closing; for a clinic, what it owes, first and largest. */
export function StatementFigures({ st }: { st: StoreStatement }) {
  const figure = (title: string, fen: number | null) => (
    <Card size="small" key={title}>
      {fen === null ? (
        <Statistic title={title} value={BOOK_HIDDEN_TEXT} styles={{ content: { fontSize: 16, color: '#8c8c8c' } }} />
      ) : (
        <Statistic title={title} value={formatFen(fen)} prefix="¥" styles={{ content: { fontSize: 20 } }} />
      )}
    </Card>
  );
  return (
    <div className="figures-grid">
      {st.amountDue !== null && (
        <Card size="small" className="due-card figures-wide">
          <Statistic title="本月用药金额（应结算）" value={formatFen(st.amountDue)} prefix="¥" styles={{ content: { color: '#cf1322', fontWeight: 600 } }} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            按进价计算（零差率），村卫生室月末结算
          </Typography.Text>
        </Card>
      )}
      {figure('期初结存', st.totals.opening)}
      {st.columns.map((c, i) => (st.amountDue !== null && c.key === 'dispensed' ? null : figure(c.label, st.totals.cells[i])))}
      {figure('期末结存', st.totals.closing)}
      {st.inTransit && (
        <Card size="small" className="figures-wide">
          <Statistic title="在途（已出库未签收）期末" value={formatFen(st.inTransit.closing)} prefix="¥" styles={{ content: { fontSize: 20 } }} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            期初 ¥{formatFen(st.inTransit.opening)}，不计入中心药库结存
          </Typography.Text>
        </Card>
      )}
    </div>
  );
}

/**
 * A stock statement by drug: opening + each column = closing, in quantity and money. On a phone each drug
 * is a card with the same figures.
 */
export function StatementTable({
  st,
  loading,
  empty = '本月该库房没有库存，也没有收发',
  ends = ['期初结存', '期末结存'],
}: {
  st: StoreStatement;
  loading?: boolean;
  empty?: string;
  /** What the opening and closing columns are called. */
  ends?: [string, string];
}) {
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [q, setQ] = useState('');
  const rows = useMemo(() => {
    const k = q.trim();
    return k ? st.rows.filter((r) => r.drugName.includes(k) || r.nhsaCode.includes(k.toUpperCase()) || r.manufacturer.includes(k)) : st.rows;
  }, [st.rows, q]);

  // A balance a blind count withholds spans its quantity and amount cells.
  const pair = (title: string, key: string, get: (r: StatementRow) => { qty: number; value: number } | null, strong = false) => ({
    title,
    key,
    children: [
      {
        title: '数量',
        key: `${key}-q`,
        align: 'right' as const,
        width: 96,
        onCell: (r: StatementRow) => (get(r) === null ? { colSpan: 2 } : {}),
        render: (_: unknown, r: StatementRow) => {
          const qv = get(r);
          return qv === null ? <BookHidden /> : <span className="num">{qtyText(qv.qty, r)}</span>;
        },
      },
      {
        title: '金额',
        key: `${key}-v`,
        align: 'right' as const,
        width: 96,
        onCell: (r: StatementRow) => (get(r) === null ? { colSpan: 0 } : {}),
        render: (_: unknown, r: StatementRow) => {
          const qv = get(r);
          return qv === null || (qv.value === 0 && qv.qty === 0) ? '' : <Money fen={qv.value} strong={strong} />;
        },
      },
    ],
  });
  const columns: ColumnsType<StatementRow> = [
    {
      title: '药品',
      key: 'drug',
      fixed: 'left',
      width: 220,
      render: (_, r) => (
        <>
          <DrugName name={r.drugName} spec={r.spec} manufacturer={r.manufacturer} />
          {r.vbp && (
            <Tag color="blue" style={{ marginLeft: 4 }}>
              集采
            </Tag>
          )}
          {r.essential && <Tag style={{ marginLeft: 4 }}>基药</Tag>}
        </>
      ),
    },
    pair(ends[0], 'opening', (r) => r.opening),
    ...st.columns.map((c, i) => pair(c.label, c.key, (r) => r.cells[i], st.amountDue !== null && c.key === 'dispensed')),
    pair(ends[1], 'closing', (r) => r.closing, true),
  ];

  const search = (
    <Input.Search
      allowClear
      placeholder="药品名称、医保编码、厂家"
      onChange={(e) => setQ(e.target.value)}
      style={{ maxWidth: 320, marginBottom: 12 }}
      aria-label="筛选药品"
    />
  );
  if (!loading && st.rows.length === 0) return <Empty description={empty} />;
  return (
    <>
      {!st.balanced && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title="账表不平：结账快照与台账不一致，请联系管理员检查数据（系统管理 → 数据检查）。" />
      )}
      {search}
      {narrow ? (
        <List
          dataSource={rows}
          pagination={{ pageSize: 20, size: 'small', hideOnSinglePage: true }}
          renderItem={(r) => (
            <List.Item>
              <div style={{ width: '100%' }}>
                <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                  <DrugName name={r.drugName} spec={r.spec} />
                  {r.closing ? <Money fen={r.closing.value} strong /> : <BookHidden />}
                </div>
                <div className="statement-mini">
                  <span>期初 {r.opening ? qtyText(r.opening.qty, r) || 0 : BOOK_HIDDEN_TEXT}</span>
                  {st.columns.map((c, i) =>
                    r.cells[i].qty !== 0 || r.cells[i].value !== 0 ? (
                      <span key={c.key}>
                        {c.label} {qtyText(r.cells[i].qty, r) || 0}
                        {c.key === 'dispensed' && <> · ¥{formatFen(r.cells[i].value)}</>}
                      </span>
                    ) : null,
                  )}
                  <span>期末 {r.closing ? <Qty qty={r.closing.qty} drug={r} /> : BOOK_HIDDEN_TEXT}</span>
                </div>
              </div>
            </List.Item>
          )}
        />
      ) : (
        <Table<StatementRow>
          rowKey="drugId"
          size="small"
          bordered
          loading={loading}
          dataSource={rows}
          columns={columns}
          scroll={{ x: 220 + (st.columns.length + 2) * 192 }}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          summary={() => (
            <Table.Summary fixed>
              <Table.Summary.Row className="statement-total">
                <Table.Summary.Cell index={0}>
                  合计（{st.rows.length} 个品种{rows.length !== st.rows.length ? `，当前显示 ${rows.length} 个` : ''}）
                </Table.Summary.Cell>
                {/* Summary cells in column order: the position is the identity. */}
                {[st.totals.opening, ...st.totals.cells, st.totals.closing].flatMap((v, i) => [
                  // biome-ignore lint/suspicious/noArrayIndexKey: the column position is the cell's identity
                  <Table.Summary.Cell key={`q${i}`} index={1 + i * 2} />,
                  // biome-ignore lint/suspicious/noArrayIndexKey: the column position is the cell's identity
                  <Table.Summary.Cell key={`v${i}`} index={2 + i * 2} align="right">
                    {v === null ? <BookHidden /> : <Money fen={v} strong />}
                  </Table.Summary.Cell>,
                ])}
              </Table.Summary.Row>
            </Table.Summary>
          )}
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 12 }}>
        {ends[1]} = {ends[0]} {st.columns.map((c) => `${c.sign > 0 ? '+' : '−'} ${c.label}`).join(' ')}；金额按进价（零差率），合计只计金额。
        {st.closingSource === 'snapshot' ? '本月已结账，期末数取自结账快照。' : ''}
        {st.rows.some((r) => r.bookHidden) ? `标“${BOOK_HIDDEN_TEXT}”的药品正在盲盘：盘点期间不显示其期初、期末结存及合计，收发数照常显示。` : ''}
      </Typography.Paragraph>
    </>
  );
}
