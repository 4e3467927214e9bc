import { Space, Tag, Typography } from 'antd';
import { EyeInvisibleOutlined } from '@ant-design/icons';
import {
  COUNTER_MODE_LABELS,
  STOCKTAKE_KIND_LABELS,
  STOCKTAKE_STATUS_LABELS,
  VARIANCE_REASON_LABELS,
  VARIANCE_REASONS,
  type CounterMode,
  type StocktakeKind,
  type StocktakeStatus,
} from '../../../../shared/stocktake';
import { formatQty } from '../../../../shared/units';

const STATUS_COLORS: Record<StocktakeStatus, string> = { counting: 'blue', submitted: 'gold', approved: 'green', cancelled: 'default' };

export function StocktakeStatusTag({ status }: { status: StocktakeStatus }) {
  return <Tag color={STATUS_COLORS[status]}>{STOCKTAKE_STATUS_LABELS[status]}</Tag>;
}

export function StocktakeTags({ kind, counterMode, blind }: { kind: StocktakeKind; counterMode: CounterMode; blind: boolean }) {
  return (
    <Space size={4} wrap>
      <Tag color={kind === 'spot' ? 'magenta' : 'geekblue'}>{STOCKTAKE_KIND_LABELS[kind]}</Tag>
      <Tag>{COUNTER_MODE_LABELS[counterMode]}</Tag>
      {blind && (
        <Tag icon={<EyeInvisibleOutlined />} color="purple">
          盲盘
        </Tag>
      )}
    </Space>
  );
}

export const REASON_OPTIONS = VARIANCE_REASONS.map((r) => ({ value: r, label: VARIANCE_REASON_LABELS[r] }));

/** A variance: 盘盈 3盒 / 盘亏 5粒, coloured (surplus green, shortage red), "相符" when zero. */
export function VarianceQty({ qty, drug }: { qty: number | null; drug: { packSize: number; packUnit: string; baseUnit: string } }) {
  if (qty === null) return <Typography.Text type="secondary">—</Typography.Text>;
  if (qty === 0) return <Typography.Text type="success">相符</Typography.Text>;
  const text = formatQty(Math.abs(qty), drug.packSize, drug.packUnit, drug.baseUnit);
  return (
    <Typography.Text type={qty > 0 ? 'success' : 'danger'} strong className="num">
      {qty > 0 ? `盘盈 ${text}` : `盘亏 ${text}`}
    </Typography.Text>
  );
}

/** Basis points as a percentage with one decimal: 9375 → 93.8%. */
export function formatRate(bp: number | null): string {
  if (bp === null) return '—';
  const tenths = Math.floor((bp + 5) / 10);
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

export function rateColor(bp: number | null): string | undefined {
  if (bp === null) return undefined;
  if (bp >= 9500) return '#389e0d';
  if (bp >= 8500) return '#d48806';
  return '#cf1322';
}
