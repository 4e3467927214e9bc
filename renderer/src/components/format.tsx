import { Tag, Tooltip, Typography } from 'antd';
import { formatFen } from '../../../shared/money';
import { DELIVERY_STATUS_LABELS } from '../../../shared/stock';
import { formatQty, formatQtyWithBase } from '../../../shared/units';
import { formatChinaDateTime } from './hubClock';
import { BOOK_HIDDEN_TEXT } from '../../../shared/stocktake';

/** An amount of money (fen) as 1,234.56, right-aligned in tables by the column. */
export function Money({ fen, prefix = false, strong = false }: { fen: number | null | undefined; prefix?: boolean; strong?: boolean }) {
  if (fen === null || fen === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  const text = `${prefix ? '¥' : ''}${formatFen(fen)}`;
  return strong ? <Typography.Text strong>{text}</Typography.Text> : <span className="num">{text}</span>;
}

/**
 * A quantity with its units, never a bare number: 3盒6粒. The base-unit total can be shown beside it
 * ("3盒6粒（78粒）", `showBase`) or on hover (`showBase="tooltip"`, for dense tables).
 */
export function Qty({
  qty,
  drug,
  showBase = false,
  strong = false,
}: {
  qty: number | null | undefined;
  drug: { packSize: number; packUnit: string; baseUnit: string };
  showBase?: boolean | 'tooltip';
  strong?: boolean;
}) {
  if (qty === null || qty === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  const main = formatQty(qty, drug.packSize, drug.packUnit, drug.baseUnit);
  const base = `${qty}${drug.baseUnit}`;
  const text = strong ? <strong>{main}</strong> : main;
  if (showBase === 'tooltip') {
    const full = formatQtyWithBase(qty, drug.packSize, drug.packUnit, drug.baseUnit);
    return <span className="num">{full === main ? text : <Tooltip title={full}>{text}</Tooltip>}</span>;
  }
  return (
    <span className="num">
      {text}
      {showBase && drug.packSize > 1 && main !== base && <Typography.Text type="secondary"> （{base}）</Typography.Text>}
    </span>
  );
}

/** In place of a book figure a blind count withholds from the counter: says why, never a zero or a blank. */
export function BookHidden() {
  return (
    <Tooltip title="正在盲盘：清点期间不显示正在盘点药品的账面数">
      <Typography.Text type="secondary" className="book-hidden">
        {BOOK_HIDDEN_TEXT}
      </Typography.Text>
    </Tooltip>
  );
}

export function DrugName({ name, spec, manufacturer }: { name: string; spec?: string; manufacturer?: string }) {
  return (
    <span>
      {name}
      {spec && <Typography.Text type="secondary"> {spec}</Typography.Text>}
      {manufacturer && (
        <Typography.Text type="secondary" className="drug-maker" style={{ fontSize: 12, display: 'block' }}>
          {manufacturer}
        </Typography.Text>
      )}
    </span>
  );
}

const STATUS: Record<string, { text: string; color: string }> = {
  posted: { text: '已过账', color: 'green' },
  reversed: { text: '已冲销', color: 'default' },
  in_transit: { text: DELIVERY_STATUS_LABELS.in_transit, color: 'blue' },
  signed: { text: DELIVERY_STATUS_LABELS.signed, color: 'green' },
  discrepancy: { text: DELIVERY_STATUS_LABELS.discrepancy, color: 'orange' },
  resolved: { text: DELIVERY_STATUS_LABELS.resolved, color: 'cyan' },
  submitted: { text: '待处理', color: 'blue' },
  pending: { text: '待审批', color: 'blue' },
  approved: { text: '已批准', color: 'green' },
  rejected: { text: '已驳回', color: 'red' },
  cancelled: { text: '已撤回', color: 'default' },
};

export function StatusTag({ status }: { status: string }) {
  const s = STATUS[status] ?? { text: status, color: 'default' };
  return <Tag color={s.color}>{s.text}</Tag>;
}

/** An instant in China time, 'YYYY-MM-DD HH:mm:ss', the same on every device whatever its zone. */
export const formatDateTime = (iso: string | null | undefined): string => formatChinaDateTime(iso);
